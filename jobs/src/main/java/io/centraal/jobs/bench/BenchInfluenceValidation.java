package io.centraal.jobs.bench;

import static org.apache.spark.sql.functions.col;

import io.centraal.jobs.Sessions;
import io.centraal.jobs.CommonOptions;
import io.centraal.scoring.config.CentraalSettings;
import io.centraal.scoring.model.influence.InfluenceTraining;
import io.centraal.scoring.model.influence.InfluenceValidation;
import io.centraal.scoring.schema.FeatureColumns;
import io.centraal.scoring.schema.ScoreColumns;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code centraal bench influence-validation}: the influence score against influence measured
 * outside its inputs on FilmTrust (trust in-degree held back) and Amazon Fashion 5-core (helpful
 * votes held back), with the configured weights, the weights fitted by {@link InfluenceTraining} and
 * the baselines of {@link InfluenceValidation}. Prints the tables and writes them into the
 * generated section of {@code --doc} (between {@value #START} and {@value #END}; the rest of the
 * file, the discussion, is kept). The same computation is asserted by {@code InfluenceValidationTest}.
 */
@Command(name = "influence-validation", mixinStandardHelpOptions = true,
    description = "Influence score vs baselines on FilmTrust (trust held back) and Amazon Fashion (votes held back); "
        + "writes the tables into --doc.")
public final class BenchInfluenceValidation implements Callable<Integer> {
  static final String START = "<!-- bench influence-validation: start -->";
  static final String END = "<!-- bench influence-validation: end -->";
  /** The settings of the validation: half the customers held out (both sets are small). */
  static final InfluenceTraining.Settings FILMTRUST = new InfluenceTraining.Settings(true,
      List.of(InfluenceTraining.EXTERNAL), 1, 0.5, 100, 30, 0.0, 1.645, 50, 22);
  static final InfluenceTraining.Settings AMAZON = new InfluenceTraining.Settings(true,
      List.of(InfluenceTraining.HELPFUL_VOTES), 1, 0.5, 100, 30, 0.0, 1.645, 20, 22);
  static final LocalDate AMAZON_AS_OF = LocalDate.parse("2018-07-06");

  @Mixin CommonOptions common;

  @Option(names = "--data", defaultValue = "common/src/test/resources/reviews", paramLabel = "DIR",
      description = "Directory with filmtrust/ratings.txt, filmtrust/trust.txt and amazon_fashion_5.json "
          + "(default ${DEFAULT-VALUE}).")
  String data;

  @Option(names = "--doc", defaultValue = "docs/influence-validation.md", paramLabel = "FILE",
      description = "Markdown file whose generated section is replaced (default ${DEFAULT-VALUE}).")
  String doc;

  @Override
  public Integer call() throws IOException {
    CentraalSettings settings = common.settings();
    SparkSession spark = Sessions.createWithoutTables("bench influence-validation");
    BenchStages stages = new BenchStages();
    StringBuilder md = new StringBuilder();

    // FilmTrust: ratings only; the trust network is the outcome and never an input.
    Dataset<Row> ftFeatures = InfluenceValidation.features(
        InfluenceValidation.filmTrustReviews(spark, data + "/filmtrust/ratings.txt"),
        InfluenceValidation.FILMTRUST_AS_OF, settings.features()).localCheckpoint();
    Dataset<Row> trust = InfluenceValidation.filmTrustInDegree(spark, data + "/filmtrust/trust.txt").localCheckpoint();
    InfluenceTraining.Result ftFit = InfluenceTraining.fit(ftFeatures, Map.of(InfluenceTraining.EXTERNAL, trust),
        settings.influence(), FILMTRUST, "filmtrust");
    List<InfluenceValidation.Measured> ft = InfluenceValidation.compare(ftFeatures, trust, settings.influence(),
        ftFit.signalWeights(), FILMTRUST, FILMTRUST.precisionAtK());
    long[] ftHoldout = InfluenceValidation.holdoutSize(ftFeatures, trust, FILMTRUST);
    stages.end("FilmTrust");
    section(md, "FilmTrust: outcome = trust in-degree (held back)", ft, ftFit, ftHoldout, FILMTRUST.precisionAtK());

    // Amazon: review behaviour without the votes; the votes the reviews received are the outcome.
    Dataset<Row> reviews = InfluenceValidation.amazonReviews(spark, data + "/amazon_fashion_5.json").localCheckpoint();
    Dataset<Row> votes = InfluenceValidation.helpfulVotesReceived(reviews).localCheckpoint();
    Dataset<Row> amFeatures = InfluenceValidation.features(InfluenceValidation.withoutVotes(reviews), AMAZON_AS_OF,
        settings.features()).localCheckpoint();
    InfluenceTraining.Result amFit = InfluenceTraining.fit(amFeatures, Map.of(InfluenceTraining.HELPFUL_VOTES, votes),
        settings.influence(), AMAZON, "amazon");
    List<InfluenceValidation.Measured> am = InfluenceValidation.compare(amFeatures, votes, settings.influence(),
        amFit.signalWeights(), AMAZON, AMAZON.precisionAtK());
    long[] amHoldout = InfluenceValidation.holdoutSize(amFeatures, votes, AMAZON);
    stages.end("Amazon Fashion");
    section(md, "Amazon Fashion 5-core: outcome = helpful votes received (held back from the inputs)", am, amFit,
        amHoldout, AMAZON.precisionAtK());

    // Why not "votes on reviews written after a cut-off": how many customers known at the cut-off have one.
    md.append("Votes on reviews written after a cut-off (the pipeline's `helpful-votes` outcome), Amazon Fashion:\n\n")
        .append("| cut-off | outcome window end | reviewers known at the cut-off | of them with votes in the window |\n")
        .append("|---|---|---:|---:|\n");
    for (String[] window : new String[][] {{"2016-07-01", "2017-01-01"}, {"2017-01-01", "2018-07-06"}}) {
      LocalDate cutoff = LocalDate.parse(window[0]);
      LocalDate end = LocalDate.parse(window[1]);
      Dataset<Row> known = InfluenceValidation.features(reviews, cutoff, settings.features())
          .where(col(FeatureColumns.REVIEW_COUNT).gt(0)).select(FeatureColumns.CUSTOMER_KEY);
      long withVotes = known.join(InfluenceTraining.helpfulVotesOfReviewsWritten(reviews, cutoff, end)
          .where(col(ScoreColumns.INFLUENCE_OUTCOME).gt(0)), FeatureColumns.CUSTOMER_KEY).count();
      md.append(String.format(Locale.ROOT, "| %s | %s | %d | %d |\n", cutoff, end, known.count(), withVotes));
    }
    md.append('\n');
    stages.end("Amazon cut-off windows");

    String tables = md.toString();
    System.out.println(tables);
    Path path = Path.of(doc);
    String text = Files.exists(path) ? Files.readString(path, StandardCharsets.UTF_8) : START + "\n" + END + "\n";
    int s = text.indexOf(START);
    int e = text.indexOf(END);
    if (s < 0 || e < s) {
      throw new IllegalArgumentException(doc + " has no generated section (" + START + " ... " + END + ")");
    }
    Files.writeString(path, text.substring(0, s + START.length()) + "\n" + tables + text.substring(e),
        StandardCharsets.UTF_8);
    System.out.println("written: " + path.toAbsolutePath());
    return 0;
  }

  static void section(StringBuilder md, String title, List<InfluenceValidation.Measured> rows,
                      InfluenceTraining.Result fit, long[] holdout, int k) {
    md.append("#### ").append(title).append("\n\n")
        .append(String.format(Locale.ROOT, "Holdout: %d customers, %d with a positive outcome.%n%n", holdout[0],
            holdout[1]))
        .append(String.format(Locale.ROOT, "| score | Spearman | precision@%d |%n|---|---:|---:|%n", k));
    for (InfluenceValidation.Measured m : rows) {
      md.append(String.format(Locale.ROOT, "| %s | %.3f | %.3f |%n", m.score(), m.spearman(), m.precisionAtK()));
    }
    md.append("\nFitted weights (signals with weight > 0): ");
    StringBuilder w = new StringBuilder();
    fit.signalWeights().forEach((name, v) -> {
      if (v > 0) {
        w.append(w.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%s %.2f", name, v));
      }
    });
    md.append(w.length() == 0 ? "none" : w).append(". Training note: ").append(fit.note()).append(".\n\n");
    md.append("Spearman of each signal with the outcome (training half; blank = absent): ");
    StringBuilder c = new StringBuilder();
    fit.signalSpearman().forEach((name, v) -> {
      if (v != null && !v.isNaN()) {
        c.append(c.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%s %.3f", name, v));
      }
    });
    md.append(c).append(".\n\n");
  }
}
