package io.centraal.scoring.model.churn;

import static org.apache.spark.sql.functions.col;

import io.centraal.scoring.schema.FeatureColumns;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The churn model's holdout scores, brought to the driver in one pass, and every holdout metric and
 * curve of the model_runs contract computed from them: AUC-ROC and AUC-PR, log loss, Brier score,
 * top-decile lift, expected calibration error, the reliability table, the ROC curve and the lift per
 * decile.
 *
 * <p>Why on the driver: the holdout is a share of the customers at the cut-off, a few numbers per
 * row (16 MB per million rows and score column), and the metrics are about 25 small aggregations
 * and sorts over it. As Spark queries they were about 70 Spark jobs per training run, each paying
 * the scheduler's and the planner's fixed cost, for a few thousand rows on a demo. Computed here
 * they cost one job that collects the rows, and every metric is exact: the AUCs take every distinct
 * score as a threshold (MLlib's evaluator groups the scores into 1,000 bins), and ties in the
 * sorted metrics are broken by customer key, so a rerun reports the same numbers.
 */
public final class HoldoutMetrics {
  /** Bins of the reliability table: [k/10, (k+1)/10), the last one closed. */
  static final int RELIABILITY_BINS = 10;
  private static final double LOG_LOSS_CLAMP = 1e-15;

  private final long[] keys;
  private final double[] labels;
  private final Map<String, double[]> scores;
  /** Each column's rows in rank order, sorted once: the metrics, the ROC curve and the lift share it. */
  private final Map<String, Ranked> rankedColumns = new HashMap<>();

  private HoldoutMetrics(long[] keys, double[] labels, Map<String, double[]> scores) {
    this.keys = keys;
    this.labels = labels;
    this.scores = scores;
  }

  /**
   * Collects {@code customer_key}, the label ({@link ChurnModel#LABEL}, 1 = churned) and the named
   * score columns (probabilities in [0, 1]) of {@code holdout}. A null score leaves its row out of
   * that column's metrics.
   */
  public static HoldoutMetrics collect(Dataset<Row> holdout, List<String> scoreColumns) {
    List<Column> columns = new ArrayList<>(List.of(col(FeatureColumns.CUSTOMER_KEY).cast("long"),
        col(ChurnModel.LABEL).cast("double")));
    scoreColumns.forEach(c -> columns.add(col(c).cast("double")));
    List<Row> rows = holdout.select(columns.toArray(Column[]::new)).collectAsList();
    int n = rows.size();
    long[] keys = new long[n];
    double[] labels = new double[n];
    double[][] values = new double[scoreColumns.size()][n];
    for (int i = 0; i < n; i++) {
      Row r = rows.get(i);
      keys[i] = r.getLong(0);
      labels[i] = r.getDouble(1);
      for (int c = 0; c < values.length; c++) {
        values[c][i] = r.isNullAt(2 + c) ? Double.NaN : r.getDouble(2 + c);
      }
    }
    Map<String, double[]> scores = new LinkedHashMap<>();
    for (int c = 0; c < values.length; c++) {
      scores.put(scoreColumns.get(c), values[c]);
    }
    return new HoldoutMetrics(keys, labels, scores);
  }

  /** Rows in the holdout. */
  public int rows() {
    return labels.length;
  }

  /**
   * AUC-ROC, AUC-PR, log loss (probabilities clamped to [1e-15, 1 - 1e-15]), Brier score, lift of the
   * top decile (churn rate among the 10% highest scores over the base rate), expected calibration
   * error (count-weighted |mean predicted - observed| over the reliability bins), base rate and
   * counts, of one score column.
   */
  public Map<String, Double> evaluate(String column) {
    Ranked r = ranked(column);
    int n = r.order.length;
    double positives = 0;
    double logLoss = 0;
    double brier = 0;
    for (int i : r.order) {
      double y = labels[i];
      double p = r.score[i];
      double clamped = Math.min(Math.max(p, LOG_LOSS_CLAMP), 1 - LOG_LOSS_CLAMP);
      positives += y;
      logLoss -= y * Math.log(clamped) + (1 - y) * Math.log(1 - clamped);
      brier += (p - y) * (p - y);
    }
    Map<String, Double> m = new LinkedHashMap<>();
    double[] areas = areas(r, positives, n - positives);
    m.put("auc_roc", areas[0]);
    m.put("auc_pr", areas[1]);
    m.put("log_loss", n > 0 ? logLoss / n : Double.NaN);
    m.put("brier", n > 0 ? brier / n : Double.NaN);
    double baseRate = n > 0 ? positives / n : Double.NaN;
    m.put("base_rate", baseRate);
    m.put("holdout_rows", (double) n);
    m.put("holdout_positives", positives);
    int top = (int) Math.max(1, Math.round(n * 0.1));
    double topPositives = 0;
    for (int k = 0; k < Math.min(top, n); k++) {
      topPositives += labels[r.order[k]];
    }
    m.put("lift_top_decile", baseRate > 0 ? (topPositives / Math.min(top, n)) / baseRate : Double.NaN);
    double ece = 0;
    for (Map<String, Object> bin : reliabilityTable(column)) {
      ece += ((Number) bin.get("count")).doubleValue() / n
          * Math.abs((Double) bin.get("mean_predicted") - (Double) bin.get("observed_rate"));
    }
    m.put("ece", ece);
    return m;
  }

  /**
   * Reliability table: per bin k of the score ([k/10, (k+1)/10), the last bin closed), the mean
   * score, the observed churn rate and the row count; empty bins are left out.
   */
  public List<Map<String, Object>> reliabilityTable(String column) {
    double[] score = scores.get(column);
    double[] sum = new double[RELIABILITY_BINS];
    double[] churned = new double[RELIABILITY_BINS];
    long[] count = new long[RELIABILITY_BINS];
    for (int i = 0; i < score.length; i++) {
      if (Double.isNaN(score[i])) {
        continue;
      }
      int bin = Math.min((int) (score[i] * RELIABILITY_BINS), RELIABILITY_BINS - 1);
      sum[bin] += score[i];
      churned[bin] += labels[i];
      count[bin]++;
    }
    List<Map<String, Object>> out = new ArrayList<>();
    for (int b = 0; b < RELIABILITY_BINS; b++) {
      if (count[b] > 0) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("bin", b);
        row.put("mean_predicted", sum[b] / count[b]);
        row.put("observed_rate", churned[b] / count[b]);
        row.put("count", count[b]);
        out.add(row);
      }
    }
    return out;
  }

  /**
   * ROC curve at no more than 101 points: (0, 0), then one point per distinct threshold among the
   * 1st..99th percentiles of the score (rows scoring at or above the threshold are positive), then
   * (1, 1).
   */
  public List<Map<String, Object>> rocCurve(String column) {
    Ranked r = ranked(column);
    int n = r.order.length;
    double[] ascending = new double[n];
    for (int k = 0; k < n; k++) {
      ascending[k] = r.score[r.order[n - 1 - k]];
    }
    TreeSet<Double> thresholds = new TreeSet<>();
    for (int q = 1; q <= 99 && n > 0; q++) {
      // The q-th percentile: the smallest score with at least q% of the rows at or below it.
      thresholds.add(ascending[Math.max(0, (int) Math.ceil(q / 100.0 * n) - 1)]);
    }
    double positives = 0;
    for (int i : r.order) {
      positives += labels[i];
    }
    double negatives = n - positives;
    List<Map<String, Object>> out = new ArrayList<>();
    out.add(point(0.0, 0.0));
    // Sweep the rows from the highest score down, reporting each threshold once every row scoring
    // at or above it is counted.
    double tp = 0;
    double fp = 0;
    int k = 0;
    for (double t : thresholds.descendingSet()) {
      while (k < n && r.score[r.order[k]] >= t) {
        tp += labels[r.order[k]];
        fp += 1 - labels[r.order[k]];
        k++;
      }
      out.add(point(negatives > 0 ? fp / negatives : 0.0, positives > 0 ? tp / positives : 0.0));
    }
    out.add(point(1.0, 1.0));
    return out;
  }

  /**
   * Lift per decile of the score (decile 1 = the 10% highest) for the model and the baseline column:
   * the churn rate in the decile over the overall churn rate. Deciles are exact row-number deciles
   * (SQL {@code NTILE(10)}: the first {@code n mod 10} deciles hold one row more), ties broken by
   * customer key.
   */
  public List<Map<String, Object>> liftByDecile(String modelColumn, String baselineColumn) {
    double[] model = decileRates(ranked(modelColumn).order);
    double[] baseline = decileRates(ranked(baselineColumn).order);
    double base = 0;
    for (double y : labels) {
      base += y;
    }
    base = labels.length > 0 ? base / labels.length : 0;
    List<Map<String, Object>> out = new ArrayList<>();
    for (int d = 1; d <= 10; d++) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("decile", d);
      row.put("lift", base > 0 ? model[d - 1] / base : null);
      row.put("baseline_lift", base > 0 ? baseline[d - 1] / base : null);
      out.add(row);
    }
    return out;
  }

  private double[] decileRates(int[] order) {
    int n = order.length;
    double[] rates = new double[10];
    int start = 0;
    for (int d = 0; d < 10; d++) {
      int size = n / 10 + (d < n % 10 ? 1 : 0);
      double churned = 0;
      for (int k = start; k < start + size; k++) {
        churned += labels[order[k]];
      }
      rates[d] = size > 0 ? churned / size : 0.0;
      start += size;
    }
    return rates;
  }

  /**
   * Areas under the ROC and precision-recall curves with every distinct score as a threshold (the
   * rows tied at a score enter together): the ROC area by the trapezoidal rule from (0, 0) to
   * (1, 1), which counts a tied positive-negative pair as half; the PR area by the trapezoidal rule
   * over (recall, precision), starting at recall 0 with the precision of the highest threshold, as
   * MLlib's {@code BinaryClassificationMetrics} defines it.
   */
  private double[] areas(Ranked r, double positives, double negatives) {
    int n = r.order.length;
    if (n == 0 || positives == 0) {
      return new double[] {Double.NaN, Double.NaN};
    }
    double roc = 0;
    double pr = 0;
    double tp = 0;
    double fp = 0;
    double lastTpr = 0;
    double lastFpr = 0;
    double lastRecall = 0;
    double lastPrecision = Double.NaN;
    int k = 0;
    while (k < n) {
      double t = r.score[r.order[k]];
      while (k < n && r.score[r.order[k]] == t) {
        tp += labels[r.order[k]];
        fp += 1 - labels[r.order[k]];
        k++;
      }
      double tpr = tp / positives;
      double fpr = negatives > 0 ? fp / negatives : 0.0;
      roc += (fpr - lastFpr) * (tpr + lastTpr) / 2;
      double precision = tp / (tp + fp);
      if (Double.isNaN(lastPrecision)) {
        lastPrecision = precision;
      }
      pr += (tpr - lastRecall) * (precision + lastPrecision) / 2;
      lastTpr = tpr;
      lastFpr = fpr;
      lastRecall = tpr;
      lastPrecision = precision;
    }
    roc += (1 - lastFpr) * (1 + lastTpr) / 2;
    return new double[] {roc, pr};
  }

  /** The rows with a score in the column, highest score first, ties by customer key. */
  private Ranked ranked(String column) {
    return rankedColumns.computeIfAbsent(column, this::rank);
  }

  private Ranked rank(String column) {
    double[] score = scores.get(column);
    if (score == null) {
      throw new IllegalArgumentException("holdout has no score column " + column + "; it has " + scores.keySet());
    }
    Integer[] boxed = new Integer[score.length];
    int n = 0;
    for (int i = 0; i < score.length; i++) {
      if (!Double.isNaN(score[i])) {
        boxed[n++] = i;
      }
    }
    Integer[] present = Arrays.copyOf(boxed, n);
    Arrays.sort(present, (a, b) -> {
      int byScore = Double.compare(score[b], score[a]);
      return byScore != 0 ? byScore : Long.compare(keys[a], keys[b]);
    });
    int[] order = new int[n];
    for (int k = 0; k < n; k++) {
      order[k] = present[k];
    }
    return new Ranked(score, order);
  }

  private record Ranked(double[] score, int[] order) {}

  private static Map<String, Object> point(double fpr, double tpr) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("fpr", fpr);
    p.put("tpr", tpr);
    return p;
  }
}
