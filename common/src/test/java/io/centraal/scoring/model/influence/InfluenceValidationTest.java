package io.centraal.scoring.model.influence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.centraal.scoring.config.CentraalSettings;
import io.centraal.scoring.testing.SparkExtension;
import io.centraal.scoring.testing.TestSettings;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The influence score against influence measured outside its inputs, on the real data sets in
 * {@code src/test/resources/reviews} (see {@code docs/influence-validation.md} for the numbers and
 * the discussion; the bench {@code influence-validation} prints the same table).
 */
@ExtendWith(SparkExtension.class)
class InfluenceValidationTest {
  /** Half the customers held out: both data sets are small, and the holdout carries the metrics. */
  static final InfluenceTraining.Settings FILMTRUST = new InfluenceTraining.Settings(true,
      List.of(InfluenceTraining.EXTERNAL), 1, 0.5, 100, 30, 0.0, 1.645, 50, 22);
  static final InfluenceTraining.Settings AMAZON = new InfluenceTraining.Settings(true,
      List.of(InfluenceTraining.HELPFUL_VOTES), 1, 0.5, 100, 30, 0.0, 1.645, 20, 22);
  static final LocalDate AMAZON_AS_OF = LocalDate.parse("2018-07-06");

  private static String resource(String name) {
    try {
      return Path.of(InfluenceValidationTest.class.getResource("/reviews/" + name).toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, InfluenceValidation.Measured> byName(List<InfluenceValidation.Measured> m) {
    return m.stream().collect(Collectors.toMap(InfluenceValidation.Measured::score, x -> x));
  }

  @Test
  void filmTrustFittedScoreWithNoveltyBeatsTheReviewCountOnHeldBackTrust(SparkSession spark,
                                                                               @TempDir Path dir) {
    CentraalSettings settings = TestSettings.withDataDir(dir, Map.of());
    Dataset<Row> reviews = InfluenceValidation.filmTrustReviews(spark, resource("filmtrust/ratings.txt"));
    Dataset<Row> features = InfluenceValidation.features(reviews, InfluenceValidation.FILMTRUST_AS_OF,
        settings.features()).localCheckpoint();
    Dataset<Row> trust = InfluenceValidation.filmTrustInDegree(spark, resource("filmtrust/trust.txt"));
    assertEquals(1508, features.count());

    InfluenceTraining.Result fit = InfluenceTraining.fit(features, Map.of(InfluenceTraining.EXTERNAL, trust),
        settings.influence(), FILMTRUST, "filmtrust");
    List<InfluenceValidation.Measured> measured = InfluenceValidation.compare(features, trust,
        settings.influence(), fit.signalWeights(), FILMTRUST, FILMTRUST.precisionAtK());
    System.out.println("FilmTrust " + fit.note() + "\n  weights " + fit.signalWeights() + "\n  " + measured);
    Map<String, InfluenceValidation.Measured> m = byName(measured);

    // No text, votes, verified flag, dates or graph in FilmTrust: those signals have weight 0.
    for (String absent : List.of("helpfulness", "substance", "verified", "earliness", "audience", "followers",
        "pagerank")) {
      assertEquals(0.0, fit.signalWeights().get(absent), 0.0, absent);
    }
    // On the training half two signals are associated with trust beyond noise: the frequency
    // (rho 0.13) and the novelty of the films rated (0.26; reviewers of the long tail are trusted,
    // rank-partial 0.23 given the count). Extremity and net promoter reviews stay within noise and
    // get no weight. The fit uses both, and on the holdout beats the review count it used to tie:
    // by more than 0.1 in Spearman (three standard errors) and in precision@50, and it stays ahead
    // of the configured weights, the mean rating and random.
    assertTrue(fit.fitted(), fit.note());
    assertTrue(fit.signalWeights().get("frequency") > 0, fit.signalWeights().toString());
    assertTrue(fit.signalWeights().get("novelty") > fit.signalWeights().get("frequency"), fit.signalWeights().toString());
    assertEquals(1.0, fit.signalWeights().get("frequency") + fit.signalWeights().get("novelty"), 1e-12,
        fit.signalWeights().toString());
    double fitted = m.get(InfluenceValidation.FITTED).spearman();
    assertTrue(fitted > m.get(InfluenceValidation.REVIEW_COUNT).spearman() + 0.1, measured.toString());
    assertTrue(fitted > m.get(InfluenceValidation.REVIEW_COUNT_DECAYED).spearman() + 0.1, measured.toString());
    assertTrue(m.get(InfluenceValidation.FITTED).precisionAtK() > m.get(InfluenceValidation.REVIEW_COUNT).precisionAtK()
        + 0.05, measured.toString());
    assertTrue(fitted > m.get(InfluenceValidation.HAND_SET).spearman() + 0.1, measured.toString());
    assertTrue(fitted > m.get(InfluenceValidation.MEAN_RATING).spearman() + 0.2, measured.toString());
    assertTrue(fitted > m.get(InfluenceValidation.RANDOM).spearman() + 0.1, measured.toString());
  }

  @Test
  void amazonFittedScoreBeatsTheBaselinesOnHelpfulVotesHeldBackFromItsInputs(SparkSession spark, @TempDir Path dir) {
    CentraalSettings settings = TestSettings.withDataDir(dir, Map.of());
    Dataset<Row> reviews = InfluenceValidation.amazonReviews(spark, resource("amazon_fashion_5.json"))
        .persist(StorageLevel.MEMORY_AND_DISK());
    assertEquals(3176 - 88 - 1, reviews.count(), "variant duplicates removed");
    // Checkpointed: cuts the lineage (JSON, text sentiment) out of the many small plans that follow.
    Dataset<Row> features = InfluenceValidation.features(InfluenceValidation.withoutVotes(reviews), AMAZON_AS_OF,
        settings.features()).localCheckpoint();
    Dataset<Row> votes = InfluenceValidation.helpfulVotesReceived(reviews).localCheckpoint();
    assertEquals(406, features.count());

    InfluenceTraining.Result fit = InfluenceTraining.fit(features, Map.of(InfluenceTraining.HELPFUL_VOTES, votes),
        settings.influence(), AMAZON, "amazon");
    List<InfluenceValidation.Measured> measured = InfluenceValidation.compare(features, votes,
        settings.influence(), fit.signalWeights(), AMAZON, AMAZON.precisionAtK());
    System.out.println("Amazon " + fit.note() + "\n  weights " + fit.signalWeights() + "\n  " + measured);
    Map<String, InfluenceValidation.Measured> m = byName(measured);

    assertEquals(0.0, fit.signalWeights().get("helpfulness"), 0.0, "votes are the outcome, not an input");
    assertTrue(fit.fitted(), fit.note());
    double fitted = m.get(InfluenceValidation.FITTED).spearman();
    // Text length (substance) and earliness (reviews written before most of the product's others,
    // read by everyone after them) are associated with later votes beyond noise; nothing else is,
    // and substance takes most of the weight. The fitted score is ahead of the configured weights
    // and of every baseline from the same inputs.
    assertTrue(fit.signalWeights().get("substance") > fit.signalWeights().get("earliness"), fit.signalWeights().toString());
    assertTrue(fit.signalWeights().get("earliness") > 0, fit.signalWeights().toString());
    assertEquals(1.0, fit.signalWeights().get("substance") + fit.signalWeights().get("earliness"), 1e-12,
        fit.signalWeights().toString());
    assertTrue(fitted > m.get(InfluenceValidation.HAND_SET).spearman() + 0.2, measured.toString());
    for (String baseline : List.of(InfluenceValidation.REVIEW_COUNT, InfluenceValidation.REVIEW_COUNT_DECAYED,
        InfluenceValidation.MEAN_RATING,
        InfluenceValidation.RANDOM)) {
      assertTrue(fitted > m.get(baseline).spearman() + 0.2, baseline + ": " + measured);
      assertTrue(m.get(InfluenceValidation.FITTED).precisionAtK() > m.get(baseline).precisionAtK(), baseline + ": " + measured);
    }
    reviews.unpersist();
  }
}
