package io.centraal.jobs;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.row_number;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.centraal.scoring.features.FeatureInputs;
import io.centraal.scoring.features.KeyedActivity;
import io.centraal.scoring.io.Tables;
import io.centraal.scoring.model.churn.ChurnModel;
import io.centraal.scoring.pipeline.ChurnStep;
import io.centraal.scoring.pipeline.ClvStep;
import io.centraal.scoring.config.CentraalSettings;
import io.centraal.scoring.demo.BadRowKind;
import io.centraal.scoring.demo.DemoColumns;
import io.centraal.scoring.demo.DemoSpec;
import io.centraal.scoring.demo.DemoTables;
import io.centraal.scoring.demo.GeneratedData;
import io.centraal.scoring.io.DeltaTables;
import io.centraal.scoring.model.churn.ChurnBaseline;
import io.centraal.scoring.model.churn.ChurnModelStore;
import io.centraal.scoring.model.churn.ChurnTraining;
import io.centraal.scoring.model.influence.ValueQuadrantScoring;
import io.centraal.scoring.run.RunContext;
import io.centraal.scoring.schema.CustomerScoresTable;
import io.centraal.scoring.schema.FeatureColumns;
import io.centraal.scoring.schema.LogColumns;
import io.centraal.scoring.schema.ScoreColumns;
import io.centraal.scoring.schema.TableNames;
import io.centraal.scoring.testing.SparkExtension;
import io.centraal.scoring.testing.TestSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Generates demo data, runs every stage, and checks the gold table against what was generated. */
@ExtendWith(SparkExtension.class)
class PipelineEndToEndTest {
  @org.junit.jupiter.api.extension.RegisterExtension
  static final io.centraal.scoring.testing.PostgresServer POSTGRES = new io.centraal.scoring.testing.PostgresServer();
  private static final long CUSTOMERS = 1200;

  @Test
  void generatedCustomersAreAllScoredOncePerDateAndRerunsReplaceOnlyTheirDate(SparkSession spark, @TempDir Path dir)
      throws Exception {
    // Sources side by side, as by default (the test JVMs ingest one at a time: see the pom).
    CentraalSettings settings = TestSettings.withDataDir(dir, Map.of("export.jdbc.enabled", "true",
        "export.jdbc.url", POSTGRES.url(), "export.jdbc.user", io.centraal.scoring.testing.PostgresServer.USER,
        "ingest.concurrent-sources", "2"));
    DemoSpec spec = GenerateCommand.spec(settings.demo(), CUSTOMERS, 7L);
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    Progress progress = new Progress(new PrintStream(log, true, StandardCharsets.UTF_8), spark);
    GeneratedData generated = GenerateCommand.generate(spark, spec, settings.paths().raw(), progress);
    assertEquals(CUSTOMERS, generated.customers());

    LocalDate asOf = spec.endDate();
    RunCommand.runPipeline(spark, settings, new RunContext(asOf, "e2e-1", "test"), progress);
    String printed = log.toString(StandardCharsets.UTF_8);
    assertTrue(printed.contains("[ingest  ] transactions") && printed.contains("[export  ] customer_scores"), printed);
    // Each stage line says what it cost in Spark's terms: ingesting a source takes jobs and tasks.
    java.util.regex.Matcher ingestWork = java.util.regex.Pattern
        .compile("\\[ingest  \\] transactions .* s +(\\d+) jobs +(\\d+) tasks").matcher(printed);
    assertTrue(ingestWork.find() && Long.parseLong(ingestWork.group(1)) > 0
        && Long.parseLong(ingestWork.group(2)) >= Long.parseLong(ingestWork.group(1)), printed);

    // Every generated person is one customer; all but those objecting to profiling are scored.
    long customers = DeltaTables.read(spark, settings.paths().silver(TableNames.IDENTITY_MAP))
        .select(FeatureColumns.CUSTOMER_KEY).distinct().count();
    assertEquals(CUSTOMERS, customers, "identity resolution finds exactly the generated persons");
    Dataset<Row> features = slice(spark, settings.paths().silver(TableNames.CUSTOMER_FEATURES), asOf);
    long objectors = features.where(col(FeatureColumns.PROFILING_ALLOWED).equalTo(false)).count();
    assertTrue(objectors > 0, "the demo has customers who object to profiling");
    // The review signals from the other reviews of the same product are features of a run (the
    // demo's reviews name products and fall on different days).
    assertTrue(features.where(col(FeatureColumns.REVIEW_NOVELTY).gt(0.0)).count() > 0
        && features.where(col(FeatureColumns.REVIEW_EARLINESS).gt(0.0)).count() > 0,
        "customer_features carries review_novelty and review_earliness");
    Dataset<Row> gold = slice(spark, settings.paths().gold(TableNames.CUSTOMER_SCORES), asOf).cache();
    assertEquals(CUSTOMERS - objectors, gold.count());
    assertEquals(gold.count(), gold.select(ScoreColumns.CUSTOMER_KEY).distinct().count(), "one row per customer");
    assertEquals(CustomerScoresTable.columns(settings.clv().horizonLabel()), Arrays.asList(gold.columns()),
        "the gold table has the contract's columns in order");
    String clv = ScoreColumns.clv(settings.clv().horizonLabel());
    assertEquals(0, gold.where(col(FeatureColumns.FREQUENCY).isNotNull().and(
        col(clv).isNull().or(col(ScoreColumns.P_ALIVE).isNull()).or(col(ScoreColumns.CHURN_RISK).isNull()))).count(),
        "every purchaser has a CLV, P(alive) and churn risk");
    assertEquals(0, gold.where(col(ScoreColumns.INFLUENCE_SCORE).isNull()
        .or(col(ScoreColumns.VALUE_QUADRANT).isNull())).count());

    // The quarantine holds the planted bad rows, except those dated after the as-of date: these
    // are deferred to a later run (the deferral rule), and counted as such in run_log.
    long quarantined = slice(spark, settings.paths().bronze(TableNames.QUARANTINE), asOf).count();
    long txDeferred = generated.badRows("transactions", BadRowKind.TS_AFTER_END);
    long reviewsDeferred = generated.badRows("reviews", BadRowKind.TS_AFTER_END);
    assertEquals(generated.badRows("transactions") + generated.badRows("reviews") - txDeferred - reviewsDeferred,
        quarantined, "exactly the planted bad rows are quarantined");
    String ingestDetail = spark.read().format("delta").load(settings.paths().gold(TableNames.RUN_LOG))
        .where(col(LogColumns.JOB).equalTo("ingest").and(col(LogColumns.STATUS).equalTo("succeeded")))
        .select(LogColumns.DETAIL).first().getString(0);
    assertTrue(ingestDetail.contains("\"deferred\":" + txDeferred + ",") && ingestDetail.contains(
        "\"deferred\":" + reviewsDeferred + ","), "deferred rows are recorded per source: " + ingestDetail);

    // The marketing drop holds exactly the consented customers (by identity, not by count), with a header.
    Path drop = dir.resolve("exports/marketing/as_of_date=" + asOf + "/csv");
    java.util.Set<Long> consentedKeys = new java.util.HashSet<>(gold.where(col(FeatureColumns.MARKETING_ALLOWED))
        .select(ScoreColumns.CUSTOMER_KEY).as(org.apache.spark.sql.Encoders.LONG()).collectAsList());
    long consented = consentedKeys.size();
    io.centraal.scoring.privacy.KeyedHash pseudonym = io.centraal.scoring.privacy.HashKeys.pseudonym(settings.privacy());
    java.util.Set<String> expectedPseudonyms = new java.util.HashSet<>();
    consentedKeys.forEach(k -> expectedPseudonyms.add(pseudonym.hex(Long.toString(k))));
    java.util.Set<String> csvPseudonyms = new java.util.HashSet<>(spark.read().option("header", "true").csv(drop.toString())
        .select(io.centraal.scoring.export.MarketingDrop.CUSTOMER_PSEUDONYM).as(org.apache.spark.sql.Encoders.STRING())
        .collectAsList());
    assertEquals(expectedPseudonyms, csvPseudonyms, "the drop lists exactly the customers whose consent allows marketing");
    long csvRows;
    try (Stream<Path> files = Files.list(drop)) {
      csvRows = files.filter(f -> f.toString().endsWith(".csv"))
          .mapToLong(f -> lines(f) - 1).sum();
    }
    assertEquals(consented, csvRows, "one row per customer");
    assertTrue(consented < gold.count(), "customers without marketing consent are left out");
    String dropDir = dir.resolve("exports/marketing/as_of_date=" + asOf).toString();
    OutputContractChecks.manifestMatchesTheDrop(spark, dropDir, asOf.toString());
    OutputContractChecks.schemasMatchContracts(spark, settings, dropDir);
    try (java.sql.Connection c = POSTGRES.connect(); java.sql.Statement st = c.createStatement();
         java.sql.ResultSet rs = st.executeQuery("SELECT count(*), min(as_of_date) FROM customer_scores")) {
      rs.next();
      assertEquals(consented, rs.getLong(1), "the JDBC table holds the consented customers");
      java.util.Set<Long> jdbcKeys = new java.util.HashSet<>();
      try (java.sql.Statement keys = c.createStatement();
           java.sql.ResultSet k = keys.executeQuery("SELECT customer_key FROM customer_scores")) {
        while (k.next()) {
          jdbcKeys.add(k.getLong(1));
        }
      }
      assertEquals(consentedKeys, jdbcKeys, "the JDBC table holds exactly the consented customers");
      assertEquals(Date.valueOf(asOf), rs.getDate(2));
    }

    // model_runs has the fitted models; run_log has one succeeded row per job.
    java.util.Set<String> models = new java.util.TreeSet<>(slice(spark, settings.paths().gold(TableNames.MODEL_RUNS),
        asOf).select(LogColumns.MODEL).collectAsList().stream().map(r -> r.getString(0)).toList());
    assertEquals(new java.util.TreeSet<>(List.of("bg_nbd", "mbg_nbd", "pareto_nbd", "nbd", "gamma_gamma", "shrunk_mean",
        ClvStep.CLV_MODEL_CHOICE, ClvStep.NEW_CUSTOMER_VALUE, ClvStep.CLV_FIT_BY, "churn", "influence",
        io.centraal.scoring.schema.DriftColumns.RUN_DRIFT_MODEL, io.centraal.scoring.schema.DriftColumns.VALIDITY_GATES_MODEL)),
        models,
        "one row per transaction and spend model (chosen or not), the choice, the value of a new customer, the"
            + " per-group fits, churn, influence, drift and the gates");
    // InfluenceTraining's features at its cut-off hold them too: a Spearman with the outcome, not
    // null (= absent), for both.
    String influenceMetrics = slice(spark, settings.paths().gold(TableNames.MODEL_RUNS), asOf)
        .where(col(LogColumns.MODEL).equalTo("influence")).select(LogColumns.METRICS_JSON).first().getString(0);
    for (String signal : List.of("novelty", "earliness")) {
      assertTrue(java.util.regex.Pattern.compile("\"signal_spearman\":\\{[^}]*\"" + signal + "\":-?[0-9]")
          .matcher(influenceMetrics).find(), signal + " is a present signal in the influence fit: " + influenceMetrics);
    }
    // Every modelled customer has its CLV interval around the estimate's neighbourhood: lower <= upper,
    // and the estimate inside for nearly all (the interval is of the parameters, not of the estimate).
    Dataset<Row> modelled = gold.where(col(ScoreColumns.CLV_STATUS).equalTo("modelled"));
    assertTrue(modelled.count() > 0);
    assertEquals(0, modelled.where(col(clv + "_lower").isNull().or(col(clv + "_lower").gt(col(clv + "_upper")))
        .or(col("p_alive_lower").gt(col("p_alive_upper")))).count(), "every modelled customer has ordered bounds");
    assertTrue(modelled.where(col(clv).between(col(clv + "_lower"), col(clv + "_upper"))).count()
        >= 0.95 * modelled.count(), "the estimate lies inside its own interval");
    assertEquals(1, gold.select(ScoreColumns.CLV_STATUS).where(col(FeatureColumns.FREQUENCY).isNotNull()).distinct()
        .count(), "one model choice for the whole date");
    assertEquals(5, DeltaTables.read(spark, settings.paths().gold(TableNames.RUN_LOG))
        .where(col(LogColumns.STATUS).equalTo("succeeded")).count());

    // Against the generator's truth: planted influencers rank in the top decile of influence and
    // mostly land in "Hidden influencer"; big spenders without influence do not rank there.
    Dataset<Row> truth = spark.read().parquet(settings.paths().raw() + "/" + DemoTables.TRUTH);
    Dataset<Row> identity = DeltaTables.read(spark, settings.paths().silver(TableNames.IDENTITY_MAP));
    Dataset<Row> segments = truth.join(identity, coalesce(truth.col(DemoColumns.Truth.CARD_REF),
            truth.col(DemoColumns.Truth.ACCOUNT_REF)).equalTo(identity.col(LogColumns.REF)))
        .select(col(FeatureColumns.CUSTOMER_KEY), col(DemoColumns.Truth.SEGMENT));
    long topK = (long) Math.ceil(gold.count() * 0.1);
    Dataset<Row> ranked = gold.join(segments, FeatureColumns.CUSTOMER_KEY)
        .withColumn("rank", row_number().over(Window.orderBy(col(ScoreColumns.INFLUENCE_SCORE).desc(),
            col(ScoreColumns.CUSTOMER_KEY))));
    for (String segment : List.of(DemoColumns.Segments.PLANTED_INFLUENCER, DemoColumns.Segments.BIG_SPENDER)) {
      Dataset<Row> members = ranked.where(col(DemoColumns.Truth.SEGMENT).equalTo(segment));
      long total = members.count();
      long inTop = members.where(col("rank").leq(topK)).count();
      long hidden = members.where(col(ScoreColumns.VALUE_QUADRANT).equalTo(ValueQuadrantScoring.HIDDEN_INFLUENCER)).count();
      System.out.printf("ground truth: %s: %d of %d in the top influence decile (top %d), %d hidden influencers%n",
          segment, inTop, total, topK, hidden);
      assertTrue(total >= 5, segment + " present in the scores: " + total);
      if (segment.equals(DemoColumns.Segments.PLANTED_INFLUENCER)) {
        assertTrue(inTop >= 0.9 * total, "planted influencers in the top decile: " + inTop + " of " + total);
        // The quadrant needs influence_score >= high-influence-min (80), an absolute cut on the 0-100
        // scale. Weights fitted on this data's outcome (helpful votes in the window) spread the score
        // differently: 10 of 12 planted influencers clear the cut (8 with a gain margin of 0), the
        // others stay in the top decile above but score below the cut.
        assertTrue(hidden >= 0.6 * total, "planted influencers found as hidden influencers: " + hidden + " of " + total);
      } else {
        assertTrue(inTop <= 0.1 * total, "big spenders in the top influence decile: " + inTop + " of " + total);
      }
    }

    // Churn: the model was trained (not the fallback) and saved; with and without the online
    // features on the same labelled rows and split. "With" is the run's own model: ChurnStep trained
    // it on these labelled rows (ChurnStep.labelledAtCutoff) with ChurnModel.features(true), and
    // model_runs holds its holdout metrics; only the model without them is trained here.
    String churnVersion = gold.select(ScoreColumns.CHURN_MODEL_VERSION).first().getString(0);
    assertTrue(churnVersion.startsWith("churn-lr-"), churnVersion);
    com.fasterxml.jackson.databind.JsonNode churnRun = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
        slice(spark, settings.paths().gold(TableNames.MODEL_RUNS), asOf).where(col(LogColumns.MODEL).equalTo("churn"))
            .select(LogColumns.METRICS_JSON).as(org.apache.spark.sql.Encoders.STRING()).first());
    assertEquals(ChurnModel.features(true), toList(churnRun.get("features")),
        "the run's model used the online features: " + churnRun);
    ChurnTraining.Settings churnSettings = settings.churn();
    Dataset<Row> featuresAtAsOf = Tables.required(spark, settings.paths().silver(TableNames.CUSTOMER_FEATURES), "features")
        .where(col(FeatureColumns.AS_OF_DATE).equalTo(java.sql.Date.valueOf(asOf)));
    FeatureInputs inputs = Tables.featureInputs(spark, settings.paths());
    Dataset<Row> labelled = ChurnStep.labelledAtCutoff(inputs, KeyedActivity.of(inputs, asOf), featuresAtAsOf,
        settings, asOf, churnSettings.windowDays()).rows();
    assertEquals(churnRun.get("positives").asLong() + churnRun.get("negatives").asLong(), labelled.count(),
        "the run's model was trained on the rows the offline model is trained on here: " + churnRun);
    ChurnTraining.Outcome offline = ChurnTraining.train(labelled, ChurnModel.features(false), churnSettings,
        "without", ChurnBaseline.P_ALIVE_MBGNBD);
    labelled.unpersist();
    double aucWith = churnRun.get("auc_roc").asDouble();
    double aucWithout = offline.metrics().get("auc_roc");
    System.out.printf("churn holdout AUC: with online features %.3f, without %.3f, 1 - P(alive) %.3f%n",
        aucWith, aucWithout, churnRun.get("baseline_auc_roc").asDouble());
    // Measured at 1,200 customers: 0.873 with, 0.861 without, baseline 0.847. The gain is within the
    // noise of a holdout this small, so it is asserted at 3,000 customers in ChurnOnlineSignalTest;
    // here both must at least rank.
    assertTrue(aucWith > 0.7 && aucWithout > 0.7, aucWith + " / " + aucWithout);
    ByteArrayOutputStream summary = new ByteArrayOutputStream();
    RunSummary.print(spark, settings, new RunContext(asOf, "e2e-1", "test"),
        new PrintStream(summary, true, StandardCharsets.UTF_8));
    String summaryText = summary.toString(StandardCharsets.UTF_8);
    assertTrue(summaryText.contains("lift_top_decile") && summaryText.contains("top features"), summaryText);

    // A second, earlier date scored with the saved churn model (no retraining), then a re-run of
    // the first: each date's slice is replaced, never added to.
    LocalDate earlier = asOf.minusDays(60);
    RunContext second = new RunContext(earlier, "e2e-2", "test");
    for (StageCommand job : List.of(new FeaturesJob(), new ScoreJob(ChurnModelStore.LATEST), new ExportJob())) {
      StageCommand.runLogged(job, spark, settings, second, progress);
    }
    long goldEarlier = slice(spark, settings.paths().gold(TableNames.CUSTOMER_SCORES), earlier).count();
    assertTrue(goldEarlier > 0 && goldEarlier <= gold.count());
    assertEquals(List.of(churnVersion), slice(spark, settings.paths().gold(TableNames.CUSTOMER_SCORES), earlier)
        .select(ScoreColumns.CHURN_MODEL_VERSION).distinct().as(org.apache.spark.sql.Encoders.STRING()).collectAsList(),
        "the saved model was reused");
    assertTrue(log.toString(StandardCharsets.UTF_8).contains("reused without retraining"));
    String goldPath = settings.paths().gold(TableNames.CUSTOMER_SCORES);
    long versionBefore = DeltaTables.latestVersion(spark, goldPath);
    StageCommand.runLogged(new ExportJob(), spark, settings, new RunContext(asOf, "e2e-3", "test"), progress);
    assertEquals(versionBefore + 1, DeltaTables.latestVersion(spark, goldPath), "the re-run committed one new version");
    assertEquals(gold.count(), slice(spark, goldPath, asOf).count(), "the date's rows were replaced, not added to");
    assertEquals(goldEarlier, slice(spark, goldPath, earlier).count(), "the other date is untouched");
    OutputContractChecks.duckDbReadsTheSameRows(spark, settings, dropDir);
    ByteArrayOutputStream status = new ByteArrayOutputStream();
    StatusCommand.print(spark, settings, 3, new PrintStream(status, true, StandardCharsets.UTF_8));
    List<String> statusLines = List.of(status.toString(StandardCharsets.UTF_8).split("\n"));
    assertEquals(4, statusLines.size(), "header + the 3 latest runs: " + statusLines);
    assertTrue(statusLines.get(0).startsWith("as_of_date  job") && statusLines.get(1).startsWith(asOf + "  export")
        && statusLines.get(1).contains("e2e-3"), "newest first: " + statusLines);
    gold.unpersist();
  }

  private static Dataset<Row> slice(SparkSession spark, String path, LocalDate asOf) {
    return DeltaTables.read(spark, path).where(col(FeatureColumns.AS_OF_DATE).equalTo(Date.valueOf(asOf)));
  }

  private static List<String> toList(com.fasterxml.jackson.databind.JsonNode array) {
    List<String> out = new java.util.ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static long lines(Path f) {
    try (Stream<String> l = Files.lines(f)) {
      return l.count();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
