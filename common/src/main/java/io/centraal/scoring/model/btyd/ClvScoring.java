package io.centraal.scoring.model.btyd;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.raise_error;
import static org.apache.spark.sql.functions.when;

import io.centraal.scoring.schema.FeatureColumns;
import io.centraal.scoring.schema.ScoreColumns;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
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
    StructType schema = checkedInput(summary.schema(), settings);
    List<String> required = new ArrayList<>(List.of(FeatureColumns.FREQUENCY,
        FeatureColumns.RECENCY, FeatureColumns.T, FeatureColumns.MONETARY_VALUE));
    if (settings.onMargin()) {
      required.add(FeatureColumns.MARGIN_RATE);
    }
    List<String> outputs = outputColumns(settings);
    StructType outSchema = schema;
    for (String out : outputs) {
      outSchema = outSchema.add(out, DataTypes.DoubleType, true);
    }
    RowScorer scorer = new RowScorer(TransactionModel.fromFit(transactionModel),
        GammaGammaModel.fromFit(spendModel), settings,
        required.stream().mapToInt(schema::fieldIndex).toArray());
    return summary.mapPartitions(scorer, Encoders.row(outSchema));
  }

  /**
   * The same columns as {@link #score(Dataset, FitResult, FitResult, ClvSettings)}, value for value,
   * for large summaries: P(alive), expected purchases and discounted purchases depend on
   * (x, t_x, T) only, so they are computed once per distinct (x, t_x, T) of the summary (a Spark
   * distinct, scored in parallel, the costly series once per distinct (x, T)) and joined back by
   * broadcast; the expected spend and CLV are
   * column expressions. On day-level data half the customers share their (x, t_x, T) with
   * another, so this halves the model evaluations, and no customer row passes through a Java
   * function. Worth it when the summary is cached: it is read twice.
   */
  public static Dataset<Row> scoreByDistinctRows(Dataset<Row> summary, FitResult transactionModel,
      FitResult spendModel, ClvSettings settings) {
    StructType schema = checkedInput(summary.schema(), settings);
    TransactionModel transactions = TransactionModel.fromFit(transactionModel);
    GammaGammaModel spend = GammaGammaModel.fromFit(spendModel);
    StructType scoredSchema = new StructType()
        .add(KEY_X, DataTypes.DoubleType, false).add(KEY_TX, DataTypes.DoubleType, false)
        .add(KEY_T, DataTypes.DoubleType, false).add(P_ALIVE, DataTypes.DoubleType, false)
        .add(EXPECTED, DataTypes.DoubleType, false).add(DISCOUNTED, DataTypes.DoubleType, false);
    Column x = col(FeatureColumns.FREQUENCY).cast(DataTypes.DoubleType);
    Column tx = col(FeatureColumns.RECENCY).cast(DataTypes.DoubleType);
    Column age = col(FeatureColumns.T).cast(DataTypes.DoubleType);
    Column mx = col(FeatureColumns.MONETARY_VALUE).cast(DataTypes.DoubleType);
    Column known = x.isNotNull().and(tx.isNotNull()).and(age.isNotNull());
    // Partitioned by (x, T) so that each partition's scorer computes every (x, T) schedule once.
    Dataset<Row> byRow = summary.where(known).select(x.as(KEY_X), tx.as(KEY_TX), age.as(KEY_T)).distinct()
        .repartition(col(KEY_X), col(KEY_T))
        .mapPartitions(new DistinctRowScorer(transactions, settings), Encoders.row(scoredSchema));
    // GammaGammaModel.conditionalExpectedAverageSpend as a column, the same operations in the
    // same order, so the two scoring paths agree to the last bit.
    Column ownSpend = lit(spend.gamma()).plus(x.multiply(greatest(mx, lit(0.0)))).multiply(spend.p())
        .divide(lit(spend.p()).multiply(x).plus(spend.q()).minus(1));
    Column avgSpend = when(known, when(x.gt(0).and(mx.isNotNull()), ownSpend)
        .otherwise(lit(spend.populationMeanSpend())));
    Column checkedSpend = when(avgSpend.geq(0).and(avgSpend.lt(Double.POSITIVE_INFINITY)), avgSpend)
        .otherwise(when(known, raise_error(concat(
            lit("expected spend per purchase must be finite and >= 0, got "), avgSpend.cast("string")))))
        .cast(DataTypes.DoubleType);
    Column clv = checkedSpend.multiply(col(DISCOUNTED));
    if (settings.onMargin()) {
      Column margin = col(FeatureColumns.MARGIN_RATE).cast(DataTypes.DoubleType);
      clv = when(margin.isNull(), clv).otherwise(clv.multiply(margin));
    }
    List<String> outputs = outputColumns(settings);
    List<Column> columns = new ArrayList<>();
    for (String name : schema.fieldNames()) {
      columns.add(summary.col(name));
    }
    // Cannot happen unless the summary changes between its two reads (not cached, not deterministic).
    Column pAlive = when(known.and(col(P_ALIVE).isNull()), raise_error(concat(lit(
        "summary row missing from the distinct rows: frequency="), x.cast("string"), lit(" recency="),
        tx.cast("string"), lit(" t="), age.cast("string")))).otherwise(col(P_ALIVE));
    columns.add(pAlive.cast(DataTypes.DoubleType).as(outputs.get(0)));
    columns.add(col(EXPECTED).as(outputs.get(1)));
    columns.add(checkedSpend.as(outputs.get(2)));
    columns.add(clv.as(outputs.get(3)));
    return summary
        .join(broadcast(byRow), x.equalTo(col(KEY_X)).and(tx.equalTo(col(KEY_TX))).and(age.equalTo(col(KEY_T))),
            "left")
        .select(columns.toArray(Column[]::new));
  }

  private static final String KEY_X = "_tmp_score_x";
  private static final String KEY_TX = "_tmp_score_tx";
  private static final String KEY_T = "_tmp_score_t";
  private static final String P_ALIVE = "_tmp_score_p_alive";
  private static final String EXPECTED = "_tmp_score_expected";
  private static final String DISCOUNTED = "_tmp_score_discounted";

  private static StructType checkedInput(StructType schema, ClvSettings settings) {
    List<String> required = new ArrayList<>(List.of(FeatureColumns.FREQUENCY,
        FeatureColumns.RECENCY, FeatureColumns.T, FeatureColumns.MONETARY_VALUE));
    if (settings.onMargin()) {
      required.add(FeatureColumns.MARGIN_RATE);
    }
    BtydModels.requireNumeric(schema, required.toArray(String[]::new));
    for (String out : outputColumns(settings)) {
      if (Arrays.asList(schema.fieldNames()).contains(out)) {
        throw new IllegalArgumentException("input already has output column '" + out
            + "'; score a summary without previous scores");
      }
    }
    return schema;
  }

  /** The four output column names, in output order. */
  public static List<String> outputColumns(ClvSettings settings) {
    return List.of(ScoreColumns.P_ALIVE, ScoreColumns.expectedPurchases(settings.horizonLabel()),
        ScoreColumns.EXPECTED_AVG_SPEND, ScoreColumns.clv(settings.horizonLabel()));
  }

  /**
   * Scores distinct (x, t_x, T) rows: appends P(alive), expected and discounted purchases, from
   * the {@link Clv#ifAliveSchedule} of each (x, T), computed once per partition.
   */
  private static final class DistinctRowScorer implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private final TransactionModel transactions;
    private final ClvSettings settings;

    DistinctRowScorer(TransactionModel transactions, ClvSettings settings) {
      this.transactions = transactions;
      this.settings = settings;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      Map<SummaryKey, double[]> schedules = new HashMap<>(); // by (x, T); a few thousand per partition
      return new Iterator<>() {
        @Override
        public boolean hasNext() {
          return rows.hasNext();
        }

        @Override
        public Row next() {
          Row row = rows.next();
          double x = row.getDouble(0);
          double tx = row.getDouble(1);
          double age = row.getDouble(2);
          double[] schedule = schedules.computeIfAbsent(new SummaryKey(x, 0, age),
              k -> Clv.ifAliveSchedule(transactions, x, age, settings));
          double pAlive = transactions.probabilityAlive(x, tx, age);
          double[] purchases = Clv.fromSchedule(pAlive, schedule, settings);
          return RowFactory.create(x, tx, age, pAlive, purchases[0], purchases[1]);
        }
      };
    }
  }

  private record SummaryKey(double x, double tx, double age) {}

  /** Scores one partition; holds only serialisable model records and column positions. */
  private static final class RowScorer implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private final TransactionModel transactions;
    private final GammaGammaModel spend;
    private final ClvSettings settings;
    private final int[] inputs; // frequency, recency, t, monetary_value[, margin_rate]
    private static final int MEMO_LIMIT = 200_000;
    private transient Map<SummaryKey, double[]> memo;

    RowScorer(TransactionModel transactions, GammaGammaModel spend, ClvSettings settings,
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
      double avgSpend = x > 0 && mx != null
          ? spend.conditionalExpectedAverageSpend(x, Math.max(mx, 0))
          : spend.populationMeanSpend();
      if (!(avgSpend >= 0) || Double.isInfinite(avgSpend)) {
        throw new IllegalArgumentException("expected spend per purchase must be finite and >= 0, got " + avgSpend);
      }
      double[] perSummary = bySummary(x, tx, age);
      double clv = avgSpend * perSummary[2];
      if (settings.onMargin()) {
        Double margin = number(row, inputs[4]);
        clv = margin == null ? clv : clv * margin;
      }
      values[width] = perSummary[0];
      values[width + 1] = perSummary[1];
      values[width + 2] = avgSpend;
      values[width + 3] = clv;
      return RowFactory.create(values);
    }

    /**
     * P(alive), expected purchases and discounted purchases of a (x, tx, T) summary, memoised per
     * partition: on day-level data about half the customers share their summary with another
     * (1M simulated customers have 457k distinct rows), and these three cost about 13 model
     * evaluations. The memo is cleared when it reaches {@value #MEMO_LIMIT} entries.
     */
    private double[] bySummary(double x, double tx, double age) {
      if (memo == null || memo.size() >= MEMO_LIMIT) {
        memo = new HashMap<>();
      }
      return memo.computeIfAbsent(new SummaryKey(x, tx, age), k -> {
        double[] purchases = Clv.expectedAndDiscountedPurchases(transactions, x, tx, age, settings);
        return new double[] {transactions.probabilityAlive(x, tx, age), purchases[0], purchases[1]};
      });
    }

    private static Double number(Row row, int index) {
      return row.isNullAt(index) ? null : ((Number) row.get(index)).doubleValue();
    }
  }
}
