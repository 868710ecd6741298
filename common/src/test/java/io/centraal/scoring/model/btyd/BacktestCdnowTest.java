package io.centraal.scoring.model.btyd;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.centraal.scoring.config.CentraalSettings;
import io.centraal.scoring.dq.SourceValidator;
import io.centraal.scoring.features.TransactionFeaturesCdnowTest;
import io.centraal.scoring.io.SourceReader;
import io.centraal.scoring.schema.FeatureColumns;
import io.centraal.scoring.schema.InputColumns.Transactions;
import io.centraal.scoring.schema.SourceContracts;
import io.centraal.scoring.testing.SparkExtension;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The backtest on the raw CDNOW 1/10 sample reproduces the published calibration fit (BG/NBD
 * r, alpha, a, b and LL of Fader, Hardie &amp; Lee 2005) and the published holdout total (1,882
 * repeat purchase days in weeks 40-78), and its predictions agree with the model evaluated on the
 * published calibration summary.
 */
@ExtendWith(SparkExtension.class)
class BacktestCdnowTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void reproducesPublishedCalibrationFitAndHoldoutTotal(SparkSession spark, @TempDir Path dir) throws Exception {
    CentraalSettings settings = TransactionFeaturesCdnowTest.cdnowSettings(dir);
    LocalDate cutoff = LocalDate.parse("1997-10-01");
    Backtest.Holdout holdout = Backtest.Holdout.parse("39w");
    Backtest.Spec spec = new Backtest.Spec(cutoff, holdout.periods(), holdout.unit(), settings.timeUnit(),
        settings.features().purchaseRule(), TransactionModelChoice.of(TransactionModelKind.BG_NBD), settings.clv().fitOptions(settings.timeUnit()),
        settings.clv().intervals(), "", 0);
    assertEquals(LocalDate.parse("1998-06-30"), spec.holdoutEnd());

    Dataset<Row> raw = SourceReader.read(spark, settings.sources().get(SourceContracts.TRANSACTIONS));
    Dataset<Row> keyed = SourceValidator.validate(raw, SourceContracts.TRANSACTIONS_CONTRACT,
            settings.sources().get(SourceContracts.TRANSACTIONS),
            settings.ingest().rules(spec.holdoutEnd(), spec.holdoutEnd(), false))
        .valid().withColumn(FeatureColumns.CUSTOMER_KEY, col(Transactions.CUSTOMER_REF).cast("long"));
    Backtest.Result result = Backtest.run(keyed, spec);

    // Fader, Hardie & Lee (2005): r, alpha, a, b = 0.2426, 4.4137, 0.7930, 2.4262; LL -9582.43.
    FitResult fit = result.transactions().orElseThrow();
    double[] published = {0.2426, 4.4137, 0.7930, 2.4262};
    for (int i = 0; i < published.length; i++) {
      assertEquals(published[i], fit.params()[i], 1e-3 * published[i], fit.paramNames().get(i));
    }
    assertEquals(-9582.43, fit.logLikelihood(), 0.01);

    JsonNode m = JSON.readTree(result.metricsJson());
    assertEquals("1997-10-01", m.get("cutoff").asText());
    assertEquals("1998-06-30", m.get("holdout_end").asText());
    assertEquals(39, m.get("holdout_periods").asInt());
    assertEquals("week", m.get("time_unit").asText());
    assertEquals("bg_nbd", m.get("transaction_model").asText());
    assertEquals(1882, m.get("actual_total").asDouble(), 0, "published holdout repeat purchase days");

    // Predictions equal the model evaluated on the published calibration summary, bucket by bucket.
    BgNbdModel model = BgNbdModel.fromFit(fit);
    List<CdnowFixtures.Customer> summary = CdnowFixtures.summary();
    double[] customers = new double[8];
    double[] predicted = new double[8];
    double total = 0;
    for (CdnowFixtures.Customer c : summary) {
      double p = model.conditionalExpectedPurchases(39, c.x(), c.tx(), c.t());
      int b = (int) Math.min(c.x(), 7);
      customers[b]++;
      predicted[b] += p;
      total += p;
    }
    // Published T and t_x are rounded to 0.01 week; ours are exact days / 7.
    assertEquals(total, m.get("predicted_total").asDouble(), 1e-3 * total);
    JsonNode table = m.get("calibration_table");
    assertEquals(8, table.size());
    for (int b = 0; b < 8; b++) {
      JsonNode row = table.get(b);
      assertEquals(b == 7 ? "7+" : Integer.toString(b), row.get("frequency").asText());
      assertEquals(customers[b], row.get("customers").asDouble(), 0, "bucket " + b);
      assertEquals(predicted[b] / customers[b], row.get("predicted_mean").asDouble(), 2e-3, "bucket " + b);
    }
    // MAE and RMSE recomputed here, customer by customer: the model on the published summary against
    // the purchase days each customer had in the holdout, counted straight from the raw rows.
    java.util.Map<Long, Long> holdoutDays = new java.util.HashMap<>();
    keyed.where(org.apache.spark.sql.functions.to_date(col(Transactions.TS)).between(
            java.sql.Date.valueOf(cutoff), java.sql.Date.valueOf(spec.holdoutEnd())))
        .groupBy(FeatureColumns.CUSTOMER_KEY)
        .agg(org.apache.spark.sql.functions.countDistinct(org.apache.spark.sql.functions.to_date(col(Transactions.TS))))
        .collectAsList().forEach(r -> holdoutDays.put(r.getLong(0), r.getLong(1)));
    assertEquals(1882, holdoutDays.values().stream().mapToLong(Long::longValue).sum(), "the published holdout total");
    double absError = 0;
    double squaredError = 0;
    for (CdnowFixtures.Customer c : summary) {
      double error = model.conditionalExpectedPurchases(39, c.x(), c.tx(), c.t()) - holdoutDays.getOrDefault((long) c.id(), 0L);
      absError += Math.abs(error);
      squaredError += error * error;
    }
    double mae = absError / summary.size();
    double rmse = Math.sqrt(squaredError / summary.size());
    assertEquals(summary.size(), result.customers(), "the same customers");
    assertEquals(mae, m.get("mae").asDouble(), 1e-3 * mae, "mean absolute error per customer");
    assertEquals(rmse, m.get("rmse").asDouble(), 1e-3 * rmse, "root mean squared error per customer");

    // Predictive interval for each customer's holdout purchases (P10/P90 of the model's P(X = n)),
    // recomputed customer by customer: the share whose actual count fell inside, and the share the
    // model expected. On real data the two agree: the model's spread of outcomes is right, not only
    // its mean.
    double inside = 0;
    double expectedInside = 0;
    for (CdnowFixtures.Customer c : summary) {
      PurchaseInterval interval = PurchaseInterval.of(model, 39, c.x(), c.tx(), c.t(), 0.1, 0.9);
      long actual = holdoutDays.getOrDefault((long) c.id(), 0L);
      inside += actual >= interval.lower() && actual <= interval.upper() ? 1 : 0;
      expectedInside += interval.probability();
    }
    JsonNode interval = m.get("predictive_interval");
    System.out.printf(java.util.Locale.ROOT, "CDNOW holdout, P10-P90 predictive interval: actual share %.4f, "
        + "expected %.4f (backtest: %.4f, %.4f)%n", inside / summary.size(), expectedInside / summary.size(),
        interval.get("actual_share").asDouble(), interval.get("expected_share").asDouble());
    assertEquals(0.8, interval.get("nominal_share").asDouble(), 1e-12);
    assertEquals(inside / summary.size(), interval.get("actual_share").asDouble(), 0.005);
    assertEquals(expectedInside / summary.size(), interval.get("expected_share").asDouble(), 0.005);
    assertEquals(interval.get("expected_share").asDouble(), interval.get("actual_share").asDouble(), 0.02,
        "share of holdout counts inside the interval vs the share the model expected");

    // Weekly tracking: 78 weeks from 1997-01-01; at the end, all calibration repeats plus the holdout's.
    JsonNode cumulative = m.get("cumulative");
    assertEquals(78, cumulative.size());
    JsonNode last = cumulative.get(77);
    assertEquals("1998-06-30", last.get("date").asText());
    double calibrationRepeats = summary.stream().mapToDouble(CdnowFixtures.Customer::x).sum();
    assertEquals(calibrationRepeats + 1882, last.get("actual").asDouble(), 0);
    JsonNode week39 = cumulative.get(38);
    assertEquals("1997-09-30", week39.get("date").asText());
    assertEquals(calibrationRepeats, week39.get("actual").asDouble(), 0);
    for (int k = 1; k < cumulative.size(); k++) {
      assertTrue(cumulative.get(k).get("predicted").asDouble() >= cumulative.get(k - 1).get("predicted").asDouble());
    }

    JsonNode params = JSON.readTree(result.parametersJson());
    assertEquals(fit.param("r"), params.get("transaction_model").get("params").get("r").asDouble(), 0);
    assertTrue(params.get("spend_model").get("standard_errors").get("p").asDouble() > 0);
  }
}
