package io.centraal.scoring.model.btyd;

import io.centraal.scoring.schema.FeatureColumns;
import io.centraal.scoring.schema.ScoreColumns;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Scores customers with a fitted transaction model and Gamma-Gamma spend model.
 *
 * <p><b>Input</b> (any numeric types, in the time unit the models were fitted in):
 * {@code frequency}, {@code recency}, {@code t}, {@code monetary_value}, and, when
 * {@link ClvSettings#onMargin()}, {@code margin_rate}. All other columns pass through unchanged.
 *
 * <p><b>Output</b>: the input plus four nullable doubles,
 * <ul>
 *   <li>{@code p_alive}: P(still a customer | history);</li>
 *   <li>{@code expected_purchases_<label>}: undiscounted expected repeat purchases over the
 *       horizon;</li>
 *   <li>{@code expected_avg_spend}: Gamma-Gamma expected spend per purchase;</li>
 *   <li>{@code clv_<label>}: discounted value over the horizon ({@link Clv#clv}), times
 *       {@code margin_rate} when scoring on margin.</li>
 * </ul>
 *
 * <p><b>Nulls</b>: a null frequency, recency or t gives nulls in all four outputs (nothing is
 * known about the customer's purchasing). A null monetary value, or frequency 0, gives the
 * population mean spend p*gamma/(q-1): without repeat purchases there is no customer-specific spend
 * evidence. A negative monetary value (returns exceeding purchases) counts as 0, which pulls the
 * expected spend below the population mean. When scoring on margin, a null margin_rate leaves that customer's CLV on revenue,
 * because an unknown margin is not a zero margin; the caller can tell these rows apart by the
 * null margin_rate. Non-null but invalid summaries (recency &gt; t, negative values) fail the job
 * with the offending values in the message.
 *
 * <p><b>Why a mapPartitions</b>: the models are plain serialisable Java records evaluated row by
 * row with no Spark-side state, so one pass over the data suffices, and the schema is checked on
 * the driver before anything runs.
 */
public final class ClvScoring {
  private ClvScoring() {}

  /**
   * Adds p_alive, expected_purchases_&lt;label&gt;, expected_avg_spend and clv_&lt;label&gt;.
   *
   * @param summary one row per customer with the input columns above
   * @param transactionModel a BG/NBD, MBG/NBD or Pareto/NBD fit
   * @param spendModel a Gamma-Gamma fit
   * @param settings horizon, periods, discounting, and whether CLV is on margin
   * @throws IllegalArgumentException naming the column when a required column is missing or not
   *     numeric, or an output column already exists
   */
  public static Dataset<Row> score(Dataset<Row> summary, FitResult transactionModel,
      FitResult spendModel, ClvSettings settings) {
    return score(summary, Optional.of(transactionModel), Optional.of(spendModel), settings);
  }

  /**
   * As {@link #score(Dataset, FitResult, FitResult, ClvSettings)}, for a run where a model could not
   * be trusted: without a transaction model, p_alive, expected purchases and CLV are null (expected
   * spend is still computed); without a spend model, expected spend and CLV are null. The caller
   * states why ({@link TransactionModelSelection}, {@link SpendModelSelection}).
   *
   * @param transactionModel a BG/NBD, MBG/NBD, Pareto/NBD or NBD fit, or empty
   * @param spendModel a Gamma-Gamma or shrunk-mean fit, or empty
   */
  public static Dataset<Row> score(Dataset<Row> summary, Optional<FitResult> transactionModel,
      Optional<FitResult> spendModel, ClvSettings settings) {
    StructType schema = summary.schema();
    List<String> required = requiredInputs(schema, settings);
    List<String> outputs = outputColumns(settings);
    for (String out : outputs) {
      if (Arrays.asList(schema.fieldNames()).contains(out)) {
        throw new IllegalArgumentException("input already has output column '" + out
            + "'; score a summary without previous scores");
      }
    }
    StructType outSchema = schema;
    for (String out : outputs) {
      outSchema = outSchema.add(out, DataTypes.DoubleType, true);
    }
    RowScorer scorer = new RowScorer(transactionModel.map(TransactionModel::fromFit).orElse(null),
        spendModel.map(SpendModel::fromFit).orElse(null), settings,
        required.stream().mapToInt(schema::fieldIndex).toArray());
    return summary.mapPartitions(scorer, Encoders.row(outSchema));
  }

  /** The four output column names, in output order. */
  public static List<String> outputColumns(ClvSettings settings) {
    return List.of(ScoreColumns.P_ALIVE, ScoreColumns.expectedPurchases(settings.horizonLabel()),
        ScoreColumns.EXPECTED_AVG_SPEND, ScoreColumns.clv(settings.horizonLabel()));
  }

  private record ScheduleKey(double x, double age) {
    /**
     * Mixes all the bits. Why not the record's own hash: whole-number doubles differ only in their
     * high bits, so Double.hashCode collides for most (x, T) of a day-grain summary and HashMap
     * falls back to tree bins.
     */
    @Override
    public int hashCode() {
      long h = (Double.doubleToLongBits(x) * 0x9E3779B97F4A7C15L + Double.doubleToLongBits(age)) * 0xBF58476D1CE4E5B9L;
      return (int) (h ^ (h >>> 32));
    }
  }

  /** Scores one partition; holds only serialisable model records and column positions. */
  private static final class RowScorer implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private final TransactionModel transactions; // null: no trusted transaction model
    private final SpendModel spend; // null: no spend model
    private final ClvSettings settings;
    private final int[] inputs; // frequency, recency, t, monetary_value[, margin_rate]
    private static final int MEMO_LIMIT = 200_000;
    private transient Map<ScheduleKey, double[]> memo;
    private transient Clv.StepDiscounts discounts;

    RowScorer(TransactionModel transactions, SpendModel spend, ClvSettings settings,
        int[] inputs) {
      this.transactions = transactions;
      this.spend = spend;
      this.settings = settings;
      this.inputs = inputs;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      return new Iterator<>() {
        @Override
        public boolean hasNext() {
          return rows.hasNext();
        }

        @Override
        public Row next() {
          return score(rows.next());
        }
      };
    }

    private Row score(Row row) {
      int width = row.length();
      Object[] values = new Object[width + 4];
      for (int i = 0; i < width; i++) {
        values[i] = row.get(i);
      }
      Double x = number(row, inputs[0]);
      Double tx = number(row, inputs[1]);
      Double age = number(row, inputs[2]);
      if (x == null || tx == null || age == null) {
        return RowFactory.create(values);
      }
      Double mx = number(row, inputs[3]);
      Double avgSpend = null;
      if (spend != null) {
        avgSpend = spendPerPurchase(spend, x, mx);
        if (!(avgSpend >= 0) || Double.isInfinite(avgSpend)) {
          throw new IllegalArgumentException("expected spend per purchase must be finite and >= 0, got " + avgSpend);
        }
        values[width + 2] = avgSpend;
      }
      if (transactions == null) {
        return RowFactory.create(values);
      }
      double[] perSummary = bySummary(x, tx, age);
      values[width] = perSummary[0];
      values[width + 1] = perSummary[1];
      if (avgSpend != null) {
        double clv = avgSpend * perSummary[2];
        if (settings.onMargin()) {
          Double margin = number(row, inputs[4]);
          clv = margin == null ? clv : clv * margin;
        }
        values[width + 3] = clv;
      }
      return RowFactory.create(values);
    }

    /**
     * P(alive), expected purchases and discounted purchases of a (x, tx, T) summary. The costly
     * part, the {@link Clv#ifAliveSchedule} (about 13 model evaluations with hypergeometric
     * series), depends on (x, T) only and is memoised per partition: 1M simulated customers at
     * day grain have 457k distinct (x, tx, T) but 19k distinct (x, T). The
     * memo is cleared when it reaches {@value #MEMO_LIMIT} entries.
     */
    private double[] bySummary(double x, double tx, double age) {
      if (memo == null || memo.size() >= MEMO_LIMIT) {
        memo = new HashMap<>();
        discounts = Clv.StepDiscounts.of(settings);
      }
      double[] schedule = memo.computeIfAbsent(new ScheduleKey(x, age),
          k -> Clv.ifAliveSchedule(transactions, x, age, settings));
      double pAlive = transactions.probabilityAlive(x, tx, age);
      double[] purchases = Clv.fromSchedule(pAlive, schedule, discounts);
      return new double[] {pAlive, purchases[0], purchases[1]};
    }

  }

  /**
   * The input columns, in the order the scorers index them (frequency, recency, t, monetary_value,
   * and margin_rate when scoring on margin), after checking that each is there and numeric; shared
   * with {@link ClvIntervalScoring}.
   */
  static List<String> requiredInputs(StructType schema, ClvSettings settings) {
    List<String> required = new ArrayList<>(List.of(FeatureColumns.FREQUENCY,
        FeatureColumns.RECENCY, FeatureColumns.T, FeatureColumns.MONETARY_VALUE));
    if (settings.onMargin()) {
      required.add(FeatureColumns.MARGIN_RATE);
    }
    BtydModels.requireNumeric(schema, required.toArray(String[]::new));
    return required;
  }

  /**
   * Expected spend per purchase of a customer with x repeat purchases of mean spend mx: the model's
   * conditional expectation, or its population mean without repeat spend evidence (x = 0 or mx
   * unknown); a negative mx (returns exceeding purchases) counts as 0.
   */
  static double spendPerPurchase(SpendModel spend, double x, Double mx) {
    return x > 0 && mx != null ? spend.conditionalExpectedAverageSpend(x, Math.max(mx, 0))
        : spend.populationMeanSpend();
  }

  /** A numeric column as a double, or null; shared with {@link ClvIntervalScoring}. */
  static Double number(Row row, int index) {
    return row.isNullAt(index) ? null : ((Number) row.get(index)).doubleValue();
  }
}
