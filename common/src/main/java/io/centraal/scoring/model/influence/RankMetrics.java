package io.centraal.scoring.model.influence;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.centraal.scoring.schema.StageSchema;
import io.centraal.scoring.schema.StageSchema.Kind;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Matrix;
import org.apache.spark.ml.stat.Correlation;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * How well a score ranks customers by an outcome: Spearman's rank correlation (Pearson on average
 * ranks, so ties are handled the textbook way), and precision@k, computed in Spark.
 *
 * <p>Spearman collects the columns to the driver and ranks them there when the rows times the
 * columns are at most {@link #DRIVER_VALUES}; past that, MLlib's {@link Correlation}
 * ({@code "spearman"}) ranks them in Spark. Why: MLlib sorts every value of every column as one
 * distributed data set of boxed pairs, several Spark jobs and shuffles; at 100,000 customers the
 * influence training's three calls took 14 s of task time, most of the influence fit's tail. On
 * the driver the same ranks are a primitive sort per column.
 *
 * <p><b>precision@k</b> = the share of the k highest-scored customers who are among the k with the
 * largest outcome (every customer whose outcome is at least the k-th largest and above 0, so a tie
 * at the boundary counts all its members as relevant). Ties in the <em>score</em> at the k-th place
 * are resolved by expectation: the tied group contributes its share of relevant customers times the
 * places left, i.e. the mean precision over random tie orders. Without this, a score with big ties
 * (a random baseline, a count of reviews) would be credited or punished by the sort order of the keys.
 */
public final class RankMetrics {
  private RankMetrics() {}

  private static final String STAGE = "RankMetrics";
  /**
   * Rows times columns up to which Spearman ranks on the driver: 16M values are 128 MB of doubles,
   * and about 190 bytes a row while the rows are collected (700,000 rows of 15 columns: 133 MB).
   */
  public static final long DRIVER_VALUES = 16_000_000L;
  private static final String VECTOR = StageSchema.TMP_PREFIX + "rank_metrics_vector";

  /**
   * Spearman correlation of each score column with the outcome. A constant column (no ranking)
   * gives NaN; so does a constant outcome.
   *
   * @param rows   one row per customer; nulls in the columns are treated as 0
   * @param scores numeric columns to compare with the outcome
   * @return score column -> Spearman rho, in the order given
   */
  public static Map<String, Double> spearman(Dataset<Row> rows, String outcome, List<String> scores) {
    return spearman(rows, outcome, scores, DRIVER_VALUES);
  }

  /** {@link #spearman} ranking on the driver up to {@code driverValues} rows times columns, in MLlib past it. */
  static Map<String, Double> spearman(Dataset<Row> rows, String outcome, List<String> scores, long driverValues) {
    StageSchema.require(rows.schema(), STAGE, outcome, Kind.NUMERIC);
    scores.forEach(c -> StageSchema.require(rows.schema(), STAGE, c, Kind.NUMERIC));
    String[] inputs = new String[scores.size() + 1];
    Column[] cast = new Column[inputs.length];
    inputs[0] = outcome;
    for (int i = 0; i < scores.size(); i++) {
      inputs[i + 1] = scores.get(i);
    }
    for (int i = 0; i < inputs.length; i++) {
      cast[i] = org.apache.spark.sql.functions.coalesce(col(inputs[i]).cast("double"), lit(0.0)).as(inputs[i]);
    }
    Dataset<Row> vectors = new VectorAssembler().setInputCols(inputs).setOutputCol(VECTOR)
        .transform(rows.select(cast)).select(VECTOR);
    Map<String, Double> out = new LinkedHashMap<>();
    long n = vectors.count();
    if (n == 0) {
      scores.forEach(c -> out.put(c, Double.NaN));
      return out;
    }
    if (n * inputs.length <= driverValues) {
      List<Row> collected = vectors.collectAsList();
      double[][] columns = new double[inputs.length][collected.size()];
      for (int r = 0; r < collected.size(); r++) {
        org.apache.spark.ml.linalg.Vector v = collected.get(r).getAs(0);
        for (int c = 0; c < inputs.length; c++) {
          columns[c][r] = v.apply(c);
        }
      }
      double[] outcomeRanks = averageRanks(columns[0]);
      for (int i = 0; i < scores.size(); i++) {
        out.put(scores.get(i), pearson(outcomeRanks, averageRanks(columns[i + 1])));
      }
      return out;
    }
    Matrix m = Correlation.corr(vectors, VECTOR, "spearman").first().getAs(0);
    for (int i = 0; i < scores.size(); i++) {
      out.put(scores.get(i), m.apply(0, i + 1));
    }
    return out;
  }

  /** 1-based ranks of {@code values}, ties at the mean of the places they share (values ordered as {@link Double#compare}). */
  static double[] averageRanks(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    double[] ranks = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      int first = firstIndexPast(sorted, values[i], -1);
      int last = firstIndexPast(sorted, values[i], 0) - 1;
      ranks[i] = (first + last) / 2.0 + 1;
    }
    return ranks;
  }

  /**
   * The index of the first value of {@code sorted} that compares above {@code x} by more than
   * {@code compareAtMost} ({@link Double#compare}): -1 gives the first not below x, 0 the first above.
   */
  private static int firstIndexPast(double[] sorted, double x, int compareAtMost) {
    int lo = 0;
    int hi = sorted.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (Double.compare(sorted[mid], x) <= compareAtMost) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** Pearson's correlation; NaN when either side is constant (as MLlib gives). */
  private static double pearson(double[] x, double[] y) {
    double mx = 0;
    double my = 0;
    for (int i = 0; i < x.length; i++) {
      mx += x[i];
      my += y[i];
    }
    mx /= x.length;
    my /= y.length;
    double sxy = 0;
    double sxx = 0;
    double syy = 0;
    for (int i = 0; i < x.length; i++) {
      double dx = x[i] - mx;
      double dy = y[i] - my;
      sxy += dx * dy;
      sxx += dx * dx;
      syy += dy * dy;
    }
    return sxx == 0 || syy == 0 ? Double.NaN : sxy / Math.sqrt(sxx * syy);
  }

  /**
   * precision@k of {@code score} against {@code outcome} (see the class doc); k is capped at the
   * number of rows. 0 rows or no customer with a positive outcome gives NaN (nothing to find).
   */
  public static double precisionAtK(Dataset<Row> rows, String score, String outcome, int k) {
    if (k < 1) {
      throw new IllegalArgumentException(STAGE + ".precisionAtK: k must be >= 1, got " + k);
    }
    StageSchema.require(rows.schema(), STAGE, score, Kind.NUMERIC);
    StageSchema.require(rows.schema(), STAGE, outcome, Kind.NUMERIC);
    Column s = org.apache.spark.sql.functions.coalesce(col(score).cast("double"), lit(0.0));
    Column y = org.apache.spark.sql.functions.coalesce(col(outcome).cast("double"), lit(0.0));
    Dataset<Row> sy = rows.select(s.as("s"), y.as("y"));
    List<Row> topOutcomes = sy.select("y").orderBy(col("y").desc()).limit(k).collectAsList();
    int kk = topOutcomes.size(); // k capped at the number of rows
    if (kk == 0) {
      return Double.NaN;
    }
    double kthOutcome = topOutcomes.get(kk - 1).getDouble(0);
    if (!(kthOutcome > 0)) {
      // Fewer than k positive outcomes: the relevant set is every customer with a positive outcome.
      kthOutcome = Double.MIN_VALUE;
    }
    double kthScore = kth(sy, "s", kk);
    Column relevant = col("y").geq(kthOutcome);
    Row r = sy.agg(
        count(when(col("s").gt(kthScore), lit(1))),
        count(when(col("s").equalTo(kthScore), lit(1))),
        sum(when(col("s").gt(kthScore).and(relevant), 1L).otherwise(0L)),
        sum(when(col("s").equalTo(kthScore).and(relevant), 1L).otherwise(0L)),
        sum(when(relevant, 1L).otherwise(0L))).first();
    long above = r.getLong(0);
    long tied = r.getLong(1);
    long relevantAbove = r.getLong(2);
    long relevantTied = r.getLong(3);
    if (r.getLong(4) == 0) {
      return Double.NaN;
    }
    double expectedHits = relevantAbove + (double) (kk - above) * relevantTied / tied;
    return expectedHits / kk;
  }

  /** The k-th largest value of a column (k within the row count). */
  private static double kth(Dataset<Row> sy, String column, int k) {
    List<Row> top = sy.select(column).orderBy(col(column).desc()).limit(k).collectAsList();
    return top.get(top.size() - 1).getDouble(0);
  }
}
