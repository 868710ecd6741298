package io.centraal.scoring.model.btyd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.centraal.scoring.features.PurchaseRule;
import io.centraal.scoring.features.TimeUnit;
import io.centraal.scoring.schema.FeatureColumns;
import io.centraal.scoring.schema.InputColumns.Transactions;
import io.centraal.scoring.testing.SparkExtension;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Fits per group earn their place on a holdout: two acquisition cohorts generated from BG/NBD
 * populations with different purchase and dropout rates (loyal regulars acquired in 2023, occasional
 * buyers who leave quickly acquired in 2024), one pooled fit against one fit per cohort
 * ({@code fit-by = year(first_purchase_date)}), both scored on the same 26-week holdout.
 */
@ExtendWith(SparkExtension.class)
class GroupFitsBacktestTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Regulars: a purchase every ~3 weeks while alive, rarely leaving. */
  private static final BgNbdModel REGULARS = new BgNbdModel(2.0, 40, 0.3, 6);
  /** Occasional buyers: a purchase every ~4 months while alive, half gone after a purchase. */
  private static final BgNbdModel OCCASIONAL = new BgNbdModel(0.4, 50, 2.0, 2.0);
  private static final LocalDate CUTOFF = LocalDate.parse("2025-01-01");
  private static final StructType TRANSACTIONS = new StructType()
      .add(FeatureColumns.CUSTOMER_KEY, DataTypes.LongType, false)
      .add(Transactions.TS, DataTypes.TimestampType, false)
      .add(Transactions.AMOUNT, DataTypes.DoubleType, false)
      .add(Transactions.MARGIN, DataTypes.DoubleType, true)
      .add(Transactions.CHANNEL, DataTypes.StringType, true);

  @Test
  void perCohortFitsBeatThePooledFitOnTheHoldout(SparkSession spark) throws Exception {
    List<Row> rows = new ArrayList<>();
    SplittableRandom rng = new SplittableRandom(11);
    addCohort(rows, REGULARS, LocalDate.parse("2023-01-01"), 0, 2500, rng);
    addCohort(rows, OCCASIONAL, LocalDate.parse("2024-01-01"), 100_000, 2500, rng);
    Dataset<Row> keyed = spark.createDataFrame(rows, TRANSACTIONS);

    Backtest.Result result = Backtest.run(keyed, spec("year(first_purchase_date)"));
    JsonNode fitBy = JSON.readTree(result.metricsJson()).get("fit_by");
    assertEquals("year(first_purchase_date)", fitBy.get("expression").asText());
    JsonNode groups = fitBy.get("groups");
    assertEquals(2, groups.size());
    for (JsonNode g : groups) {
      assertTrue(g.get("own_fit").asBoolean(), g.toString());
      assertTrue(g.get("mae_own").asDouble() < g.get("mae_pooled").asDouble(), g.toString());
    }
    double pooled = fitBy.get("mae_pooled").asDouble();
    double byGroup = fitBy.get("mae_by_group").asDouble();
    System.out.printf(Locale.ROOT, "fit-by cohort: holdout MAE pooled %.4f, per cohort %.4f (RMSE %.4f vs %.4f); %s%n",
        pooled, byGroup, fitBy.get("rmse_pooled").asDouble(), fitBy.get("rmse_by_group").asDouble(), groups);
    assertTrue(byGroup < 0.95 * pooled, "per-cohort MAE " + byGroup + " vs pooled " + pooled);
    // The pooled fit's overall MAE is the run's own figure (same customers, same model).
    assertEquals(JSON.readTree(result.metricsJson()).get("mae").asDouble(), pooled, 1e-9);

    // A group below the minimum falls back to the pooled fit, and says so.
    Backtest.Spec strict = new Backtest.Spec(CUTOFF, 26, Backtest.HoldoutUnit.WEEK, TimeUnit.DAYS,
        PurchaseRule.NET_POSITIVE, TransactionModelChoice.of(TransactionModelKind.BG_NBD),
        new FitOptions(0, 50, 500, 1e-8, "days"), IntervalSettings.off(), "year(first_purchase_date)", 3000);
    JsonNode small = JSON.readTree(Backtest.run(keyed, strict).metricsJson()).get("fit_by");
    for (JsonNode g : small.get("groups")) {
      assertFalse(g.get("own_fit").asBoolean());
      assertTrue(g.get("note").asText().contains("fit-by-min-customers"), g.toString());
    }
    assertEquals(small.get("mae_pooled").asDouble(), small.get("mae_by_group").asDouble(), 1e-12);

    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
        () -> Backtest.run(keyed, spec("share_online > 0.5")));
    assertTrue(bad.getMessage().contains("fit-by = 'share_online > 0.5'"), bad.getMessage());
  }

  private static Backtest.Spec spec(String fitBy) {
    return new Backtest.Spec(CUTOFF, 26, Backtest.HoldoutUnit.WEEK, TimeUnit.DAYS, PurchaseRule.NET_POSITIVE,
        TransactionModelChoice.of(TransactionModelKind.BG_NBD), new FitOptions(0, 50, 500, 1e-8, "days"),
        IntervalSettings.off(), fitBy, 500);
  }

  /**
   * Customers acquired evenly over the first 300 days of the cohort year, each with a first purchase
   * and the BG/NBD repeat purchases of {@code model} up to the end of the holdout.
   */
  private static void addCohort(List<Row> rows, BgNbdModel model, LocalDate start, long firstKey, int customers,
                                SplittableRandom rng) {
    BgNbdSimulator simulator = new BgNbdSimulator(model);
    LocalDate end = CUTOFF.plusWeeks(26);
    for (int i = 0; i < customers; i++) {
      LocalDate first = start.plusDays(rng.nextInt(300));
      long key = firstKey + i;
      rows.add(row(key, first, rng));
      double age = java.time.temporal.ChronoUnit.DAYS.between(first, end) - 1;
      for (double t : simulator.repeatPurchaseTimes(age, rng)) {
        rows.add(row(key, first.plusDays((long) Math.ceil(t)), rng));
      }
    }
  }

  private static Row row(long key, LocalDate day, SplittableRandom rng) {
    return RowFactory.create(key, Timestamp.valueOf(day.atTime(12, 0)), 10 + 40 * rng.nextDouble(), null, "store");
  }
}
