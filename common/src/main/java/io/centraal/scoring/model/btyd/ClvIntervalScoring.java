package io.centraal.scoring.model.btyd;

import static org.apache.spark.sql.functions.col;

import io.centraal.scoring.schema.FeatureColumns;
import io.centraal.scoring.schema.ScoreColumns;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Per-customer intervals of P(alive), expected purchases and CLV from parameter uncertainty: the
 * scores are recomputed under {@link IntervalSettings#replicates()} parameter vectors drawn from the
 * fits' asymptotic normal ({@link ParameterUncertainty}), transaction and spend model drawn
 * independently (they are fitted independently), and the lower and upper quantiles of each
 * customer's values are kept. The interval is about the model's parameters, not about the
 * customer's future behaviour: it says how much the customer's expected value could move if the
 * models were refitted on another sample of the same population ({@link PurchaseInterval} is the
 * predictive interval of the purchases themselves).
 *
 * <p><b>Input</b>: as {@link ClvScoring}. <b>Output</b>: the input plus the six nullable doubles of
 * {@link ScoreColumns#clvIntervals}. Nulls: where {@link ClvScoring} leaves a score null, and for
 * every customer when the transaction model has no covariance (a boundary or fallback model); a
 * spend model without covariance (the shrunk-mean fallback) is held at its estimate, so the CLV
 * interval then reflects purchase uncertainty only.
 *
 * <p><b>Cost.</b> Replicates x the point scoring. Rows are partitioned and sorted by (x, T, t_x)
 * first, so each (x, T) schedule of every draw is computed once per partition it falls in and each
 * (x, t_x, T) P(alive) once; at 100 replicates on a million day-grain customers (19k distinct (x, T))
 * that is about 25M schedule evaluations (see docs/benchmarks.md for the measured cost).
 */
public final class ClvIntervalScoring {
  private ClvIntervalScoring() {}

  /**
   * Adds the interval columns.
   *
   * @param summary rows as for {@link ClvScoring#score}
   * @param transactionModel the chosen transaction model, or empty
   * @param spendModel the chosen spend model, or empty
   * @param intervals replicates, quantiles and seed; when off, the columns are added as nulls
   */
  public static Dataset<Row> score(Dataset<Row> summary, Optional<FitResult> transactionModel,
      Optional<FitResult> spendModel, ClvSettings settings, IntervalSettings intervals) {
    StructType schema = summary.schema();
    List<String> required = ClvScoring.requiredInputs(schema, settings);
    List<String> outputs = ScoreColumns.clvIntervals(settings.horizonLabel());
    StructType outSchema = schema;
    for (String out : outputs) {
      if (Arrays.asList(schema.fieldNames()).contains(out)) {
        throw new IllegalArgumentException("input already has interval column '" + out + "'");
      }
      outSchema = outSchema.add(out, DataTypes.DoubleType, true);
    }
    List<TransactionModel> txDraws = !intervals.enabled() ? List.of() : transactionModel
        .map(f -> ParameterUncertainty.transactionModels(f, intervals.replicates(), intervals.seed()))
        .orElse(List.of());
    List<SpendModel> spendDraws = spendModel.map(f -> spendDraws(f, intervals)).orElse(List.of());
    Dataset<Row> ordered = txDraws.isEmpty() ? summary
        // An explicit partition count: adaptive execution would merge a shuffle that is small in
        // bytes into one task, but each row here costs hundreds of model evaluations.
        : summary.repartition(summary.sparkSession().sessionState().conf().numShufflePartitions(),
                col(FeatureColumns.FREQUENCY), col(FeatureColumns.T))
            .sortWithinPartitions(FeatureColumns.FREQUENCY, FeatureColumns.T, FeatureColumns.RECENCY);
    IntervalScorer scorer = new IntervalScorer(txDraws.toArray(TransactionModel[]::new),
        spendDraws.toArray(SpendModel[]::new), settings, intervals,
        required.stream().mapToInt(schema::fieldIndex).toArray());
    return ordered.mapPartitions(scorer, Encoders.row(outSchema));
  }

  /**
   * The spend model's draws, one per replicate: drawn when it has a covariance, else its estimate
   * repeated (the shrunk-mean fallback has none).
   */
  private static List<SpendModel> spendDraws(FitResult fit, IntervalSettings intervals) {
    if (!intervals.enabled()) {
      return List.of();
    }
    // Another seed than the transaction draws: the two models' draws are independent.
    List<SpendModel> draws = ParameterUncertainty.spendModels(fit, intervals.replicates(), intervals.seed() + 1);
    if (!draws.isEmpty()) {
      return draws;
    }
    SpendModel estimate = SpendModel.fromFit(fit);
    return java.util.Collections.nCopies(intervals.replicates(), estimate);
  }

  /** Scores one partition, sorted by (x, T, t_x), reusing the last (x, T) and (x, t_x, T). */
  private static final class IntervalScorer implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private final TransactionModel[] transactions;
    private final SpendModel[] spends;
    private final ClvSettings settings;
    private final IntervalSettings intervals;
    private final int[] inputs; // frequency, recency, t, monetary_value[, margin_rate]

    IntervalScorer(TransactionModel[] transactions, SpendModel[] spends, ClvSettings settings,
                   IntervalSettings intervals, int[] inputs) {
      this.transactions = transactions;
      this.spends = spends;
      this.settings = settings;
      this.intervals = intervals;
      this.inputs = inputs;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      PartitionState state = new PartitionState(transactions.length, Clv.StepDiscounts.of(settings));
      return new Iterator<>() {
        @Override
        public boolean hasNext() {
          return rows.hasNext();
        }

        @Override
        public Row next() {
          return score(rows.next(), state);
        }
      };
    }

    private Row score(Row row, PartitionState state) {
      int width = row.length();
      Object[] values = new Object[width + 6];
      for (int i = 0; i < width; i++) {
        values[i] = row.get(i);
      }
      Double x = ClvScoring.number(row, inputs[0]);
      Double tx = ClvScoring.number(row, inputs[1]);
      Double age = ClvScoring.number(row, inputs[2]);
      int k = transactions.length;
      if (x == null || tx == null || age == null || k == 0) {
        return RowFactory.create(values);
      }
      if (state.x != x || state.age != age) {
        for (int d = 0; d < k; d++) {
          state.schedules[d] = Clv.ifAliveSchedule(transactions[d], x, age, settings);
        }
        state.x = x;
        state.age = age;
        state.tx = Double.NaN;
      }
      if (state.tx != tx) {
        for (int d = 0; d < k; d++) {
          double alive = transactions[d].probabilityAlive(x, tx, age);
          double[] purchases = Clv.fromSchedule(alive, state.schedules[d], state.discounts);
          state.alive[d] = alive;
          state.expected[d] = purchases[0];
          state.discounted[d] = purchases[1];
        }
        state.tx = tx;
      }
      double[] aliveSorted = state.alive.clone();
      Arrays.sort(aliveSorted);
      values[width] = ParameterUncertainty.quantileOfSorted(aliveSorted, intervals.lower());
      values[width + 1] = ParameterUncertainty.quantileOfSorted(aliveSorted, intervals.upper());
      double[] expectedSorted = state.expected.clone();
      Arrays.sort(expectedSorted);
      values[width + 2] = ParameterUncertainty.quantileOfSorted(expectedSorted, intervals.lower());
      values[width + 3] = ParameterUncertainty.quantileOfSorted(expectedSorted, intervals.upper());
      if (spends.length == k) {
        Double mx = ClvScoring.number(row, inputs[3]);
        double margin = 1;
        if (settings.onMargin()) {
          Double m = ClvScoring.number(row, inputs[4]);
          margin = m == null ? 1 : m; // as ClvScoring: an unknown margin leaves the CLV on revenue
        }
        double[] clv = new double[k];
        for (int d = 0; d < k; d++) {
          clv[d] = ClvScoring.spendPerPurchase(spends[d], x, mx) * state.discounted[d] * margin;
        }
        Arrays.sort(clv);
        values[width + 4] = ParameterUncertainty.quantileOfSorted(clv, intervals.lower());
        values[width + 5] = ParameterUncertainty.quantileOfSorted(clv, intervals.upper());
      }
      return RowFactory.create(values);
    }

  }

  /** The draws' values at the last (x, T) and (x, t_x, T) of a partition. */
  private static final class PartitionState {
    final double[][] schedules;
    final double[] alive;
    final double[] expected;
    final double[] discounted;
    final Clv.StepDiscounts discounts;
    double x = Double.NaN;
    double age = Double.NaN;
    double tx = Double.NaN;

    PartitionState(int draws, Clv.StepDiscounts discounts) {
      this.schedules = new double[draws][];
      this.alive = new double[draws];
      this.expected = new double[draws];
      this.discounted = new double[draws];
      this.discounts = discounts;
    }
  }
}
