package io.centraal.scoring.model.churn;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.centraal.scoring.schema.FeatureColumns;
import io.centraal.scoring.schema.ScoreColumns;
import io.centraal.scoring.testing.SparkExtension;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The churn pipeline on a seeded synthetic population whose true churn probability is a known
 * logistic function of two features (base rate about 20%): calibration under class weighting, the
 * model_runs metrics contract, persistence and the fallback.
 */
@ExtendWith(SparkExtension.class)
class ChurnModelTest {
  private static final int N = 6000;
  private static final List<String> FEATURES = List.of(FeatureColumns.DAYS_SINCE_LAST_PURCHASE,
      FeatureColumns.FREQUENCY, FeatureColumns.SESSIONS);
  private static Dataset<Row> rows;
  /** Balanced class weights + isotonic calibration, trained once for the tests that only read it. */
  private static ChurnTraining.Outcome trained;

  static ChurnTraining.Settings settings(double calibrationShare, boolean balanced, int minClass) {
    return new ChurnTraining.Settings(90, minClass, 100, 0.0, 0.3, calibrationShare, balanced, 0.3, 0.6, 11L);
  }

  /** True logit: -1.6 + 0.012 (days - 180) - 0.35 (frequency - 3); sessions is pure noise. */
  @BeforeAll
  static void population() {
    SparkSession spark = SparkExtension.spark();
    Random rnd = new Random(42);
    List<Row> out = new ArrayList<>();
    for (long k = 1; k <= N; k++) {
      double days = rnd.nextInt(366);
      double freq = rnd.nextInt(8);
      double sessions = rnd.nextInt(20);
      double p = 1 / (1 + Math.exp(-(-1.6 + 0.012 * (days - 180) - 0.35 * (freq - 3))));
      double label = rnd.nextDouble() < p ? 1.0 : 0.0;
      // A weaker baseline: P(alive) that only sees the recency, with noise.
      double pAlive = 1 / (1 + Math.exp(0.006 * (days - 180) + rnd.nextGaussian()));
      out.add(RowFactory.create(k, days, freq, sessions, label, pAlive));
    }
    StructType schema = new StructType().add(FeatureColumns.CUSTOMER_KEY, DataTypes.LongType)
        .add(FeatureColumns.DAYS_SINCE_LAST_PURCHASE, DataTypes.DoubleType)
        .add(FeatureColumns.FREQUENCY, DataTypes.DoubleType).add(FeatureColumns.SESSIONS, DataTypes.DoubleType)
        .add(ChurnModel.LABEL, DataTypes.DoubleType).add(ChurnBaseline.P_ALIVE_MBGNBD, DataTypes.DoubleType);
    rows = spark.createDataFrame(out, schema).repartition(2).cache();
    trained = train(0.2, true);
  }

  private static ChurnTraining.Outcome train(double calibrationShare, boolean balanced) {
    return ChurnTraining.train(rows, FEATURES, settings(calibrationShare, balanced, 50), "v-test",
        ChurnBaseline.P_ALIVE_MBGNBD);
  }

  @Test
  void classWeightsInflateProbabilitiesAndIsotonicCalibrationRestoresThem() {
    ChurnTraining.Outcome calibrated = trained;
    Map<String, Double> after = calibrated.metrics();
    Map<String, Double> before = calibrated.uncalibratedMetrics();
    System.out.printf("churn calibration: ECE weighted %.3f -> isotonic %.3f; Brier %.4f -> %.4f; AUC %.3f -> %.3f%n",
        before.get("ece"), after.get("ece"), before.get("brier"), after.get("brier"), before.get("auc_roc"),
        after.get("auc_roc"));
    // Balanced weights push the mean prediction far above the base rate (~0.2) ...
    assertTrue(before.get("ece") > 0.1, "weighted LR is miscalibrated: ECE " + before.get("ece"));
    // ... isotonic calibration on a separate split brings it back, without hurting the ranking much.
    assertTrue(after.get("ece") < 0.04, "calibrated ECE " + after.get("ece"));
    assertTrue(after.get("brier") < before.get("brier"));
    assertTrue(after.get("auc_roc") > before.get("auc_roc") - 0.02, after + " vs " + before);
    // Every populated reliability bin: observed rate within 0.1 of the mean prediction.
    for (JsonNode bin : json(calibrated).get("reliability")) {
      if (bin.get("count").asLong() >= 100) {
        assertEquals(bin.get("mean_predicted").asDouble(), bin.get("observed_rate").asDouble(), 0.1, bin.toString());
      }
    }
  }

  @Test
  void theSplitKeepsEveryCustomerInItsPartWhateverThePartitioning() {
    Dataset<Row>[] a = ChurnTraining.split(rows, 11L, 0.6, 0.2);
    Dataset<Row>[] b = ChurnTraining.split(rows.repartition(5, col(FeatureColumns.SESSIONS)), 11L, 0.6, 0.2);
    double[] shares = {0.6, 0.2, 0.2};
    long total = 0;
    for (int i = 0; i < shares.length; i++) {
      List<Long> keys = keys(a[i]);
      assertTrue(keys.equals(keys(b[i])), "part " + i + " holds other customers after repartitioning");
      assertEquals(shares[i], keys.size() / (double) N, 0.03, "share of part " + i);
      total += keys.size();
    }
    assertEquals(N, total, "every customer in exactly one part");
  }

  private static List<Long> keys(Dataset<Row> part) {
    return part.select(FeatureColumns.CUSTOMER_KEY).orderBy(FeatureColumns.CUSTOMER_KEY).as(
        org.apache.spark.sql.Encoders.LONG()).collectAsList();
  }

  @Test
  void metricsJsonFollowsTheModelRunsContract() {
    JsonNode m = json(trained);
    for (String k : ChurnTraining.HEADLINE) {
      assertTrue(m.get(k).isNumber() && m.get("baseline_" + k).isNumber(), k);
    }
    assertTrue(m.get("auc_roc").asDouble() > m.get("baseline_auc_roc").asDouble(), "model beats the weak baseline");

    JsonNode roc = m.get("roc");
    assertTrue(roc.size() >= 10 && roc.size() <= 101, "roc points: " + roc.size());
    assertEquals(0.0, roc.get(0).get("fpr").asDouble());
    assertEquals(1.0, roc.get(roc.size() - 1).get("tpr").asDouble());
    double area = 0;
    for (int i = 1; i < roc.size(); i++) {
      double f0 = roc.get(i - 1).get("fpr").asDouble();
      double f1 = roc.get(i).get("fpr").asDouble();
      assertTrue(f1 >= f0 && roc.get(i).get("tpr").asDouble() >= roc.get(i - 1).get("tpr").asDouble(), "monotone");
      area += (f1 - f0) * (roc.get(i).get("tpr").asDouble() + roc.get(i - 1).get("tpr").asDouble()) / 2;
    }
    assertEquals(m.get("auc_roc").asDouble(), area, 0.02, "trapezoid area of the points ~ AUC");

    JsonNode lift = m.get("lift");
    assertEquals(10, lift.size());
    double meanLift = 0;
    double meanBaseline = 0;
    for (int d = 0; d < 10; d++) {
      assertEquals(d + 1, lift.get(d).get("decile").asInt());
      meanLift += lift.get(d).get("lift").asDouble() / 10;
      meanBaseline += lift.get(d).get("baseline_lift").asDouble() / 10;
    }
    assertEquals(1.0, meanLift, 0.01, "equal-size deciles average to lift 1");
    assertEquals(1.0, meanBaseline, 0.01);
    // Same top decile up to how ties of the calibrated (stepwise) score are broken.
    assertEquals(m.get("lift_top_decile").asDouble(), lift.get(0).get("lift").asDouble(), 0.15);
    assertTrue(lift.get(0).get("lift").asDouble() > lift.get(9).get("lift").asDouble());

    long count = 0;
    for (JsonNode bin : m.get("reliability")) {
      count += bin.get("count").asLong();
      assertTrue(bin.has("bin") && bin.has("mean_predicted") && bin.has("observed_rate"));
    }
    assertEquals(m.get("holdout_rows").asLong(), count);

    // Standardised coefficients: recency (true +0.012/day, sd ~106 days -> ~ +1.3) first, frequency
    // negative, the noise feature last and near 0.
    JsonNode fi = m.get("feature_importances");
    assertEquals(FeatureColumns.DAYS_SINCE_LAST_PURCHASE, fi.get(0).get("feature").asText());
    assertTrue(fi.get(0).get("weight").asDouble() > 0.8);
    assertEquals(FeatureColumns.FREQUENCY, fi.get(1).get("feature").asText());
    assertTrue(fi.get(1).get("weight").asDouble() < -0.5);
    assertTrue(Math.abs(fi.get(2).get("weight").asDouble()) < 0.1, fi.toString());
  }

  @Test
  void aSavedModelScoresExactlyLikeTheTrainedOneAndLatestIsTheNewest(SparkSession spark, @TempDir Path dir)
      throws Exception {
    String models = dir.resolve("models/churn").toString();
    PipelineModel model = trained.model().orElseThrow();
    // v2 is saved first but trained later: latest goes by trained_at, not by name or save order.
    ChurnModelStore.save(spark, models, "v2", model, metadata("v2", "2024-02-01T00:00:00Z"));
    copyTree(dir.resolve("models/churn/v2"), dir.resolve("models/churn/v1")); // one MLlib save is slow enough
    java.nio.file.Files.writeString(dir.resolve("models/churn/v1/metadata.json"),
        io.centraal.scoring.io.Json.write(metadata("v1", "2024-01-01T00:00:00Z")));
    java.nio.file.Files.delete(dir.resolve("models/churn/v1/.metadata.json.crc")); // the copied checksum no longer fits
    java.nio.file.Files.createDirectories(dir.resolve("models/churn/v3-incomplete/pipeline"));
    assertEquals(List.of("v1", "v2"), ChurnModelStore.versions(spark, models), "incomplete saves are ignored");

    ChurnModelStore.Saved latest = ChurnModelStore.load(spark, models, ChurnModelStore.LATEST);
    assertEquals("v2", latest.version());
    assertEquals(FEATURES, ChurnModelStore.features(latest.metadata()));
    Dataset<Row> sample = rows.limit(200);
    List<Row> a = ChurnModel.score(model, sample).orderBy(FeatureColumns.CUSTOMER_KEY)
        .select(ScoreColumns.CHURN_RISK).collectAsList();
    List<Row> b = ChurnModel.score(latest.model(), sample).orderBy(FeatureColumns.CUSTOMER_KEY)
        .select(ScoreColumns.CHURN_RISK).collectAsList();
    assertEquals(a, b);
    assertEquals("v1", ChurnModelStore.load(spark, models, "v1").version());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ChurnModelStore.load(spark, models, "v9"));
    assertTrue(e.getMessage().contains("v1, v2"), e.getMessage());
  }

  private static void copyTree(Path from, Path to) throws java.io.IOException {
    try (java.util.stream.Stream<Path> all = java.nio.file.Files.walk(from)) {
      for (Path p : all.toList()) {
        java.nio.file.Files.copy(p, to.resolve(from.relativize(p).toString()));
      }
    }
  }

  private static Map<String, Object> metadata(String version, String trainedAt) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("version", version);
    m.put("trained_at", trainedAt);
    m.put("features", FEATURES);
    return m;
  }

  @Test
  void tooFewExamplesFallBackToOneMinusMbgNbdPAlive() {
    ChurnTraining.Outcome o = ChurnTraining.train(rows, FEATURES, settings(0.2, true, N), "v-test",
        ChurnBaseline.P_ALIVE_MBGNBD);
    assertTrue(o.model().isEmpty());
    assertEquals(ChurnTraining.FALLBACK_VERSION, o.version());
    assertTrue(o.note().contains("too few examples") && o.note().contains("MBG/NBD"), o.note());
    Dataset<Row> scored = ChurnTraining.apply(o, rows, settings(0.2, true, N), ChurnBaseline.P_ALIVE_MBGNBD);
    assertEquals(0, scored.where(col(ScoreColumns.CHURN_RISK).minus(
        org.apache.spark.sql.functions.lit(1.0).minus(col(ChurnBaseline.P_ALIVE_MBGNBD))).notEqual(0.0)).count());
    assertFalse(ChurnTraining.metricsJson(o).contains("auc_roc"));
  }

  private static JsonNode json(ChurnTraining.Outcome o) {
    try {
      return new ObjectMapper().readTree(ChurnTraining.metricsJson(o));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
