package io.centraal.scoring.model.btyd;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.centraal.scoring.features.TimeUnit;
import io.centraal.scoring.features.PurchaseRule;
import io.centraal.scoring.features.TransactionFeatures;
import io.centraal.scoring.schema.FeatureColumns;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * Calibration / holdout backtest of a BTYD model, the check every BTYD paper and tool shows
 * (Fader, Hardie &amp; Lee 2005, figures 2-4; lifetimes' {@code calibration_and_holdout_data}).
 *
 * <p><b>Periods.</b> The calibration period ends the day before {@code cutoff}: the calibration
 * summary is the run's BTYD summary ({@link TransactionFeatures#summary}, which {@link BtydSummary}
 * equals) as of {@code cutoff - 1 day} (so T counts to the
 * end of that day, as in the published CDNOW summary). The holdout runs from {@code cutoff} to
 * {@code holdoutEnd} inclusive, and its length in model time units is the prediction horizon.
 * The cohort is every customer with a purchase in the calibration period; customers whose first
 * purchase falls in the holdout are not part of it.
 *
 * <p><b>Model.</b> The transaction and spend models are chosen on the calibration summary exactly
 * as a run chooses them ({@link ClvModels}); every candidate that converged also predicts the
 * holdout, so the candidate table shows each model's holdout error beside the criterion that chose.
 *
 * <p><b>Outputs</b> (the {@code model_runs} contract for {@code model = "backtest"}): per customer,
 * predicted = E[X(T, T + holdout) | x, t_x, T] and actual = purchase periods in the holdout under
 * the same purchase rule; totals, MAE and RMSE over the cohort; the calibration table (mean
 * predicted and actual holdout purchases by calibration frequency 0..7+); and the weekly
 * cumulative tracking of repeat purchases over calibration + holdout, where predicted is
 * sum over customers of E[X(d - first purchase)] for a new customer (FHL 2005, figure 2); and the
 * predictive interval check: each customer's interval for the holdout count from the model's
 * distribution P(X = n | x, t_x, T) ({@link PurchaseInterval}, at the quantiles of
 * {@code score.clv.intervals}), the share of customers whose actual count fell inside, and the
 * share the model expected to fall inside (counts are whole numbers, so the expected share is at
 * least the nominal one; a calibrated model's actual share is close to its expected share).
 *
 * <p><b>Cost.</b> One sorted pass over the transactions ({@link BtydSummary#withHoldout}, the fold
 * {@code bench clv} reads with) gives each calibration customer's summary, holdout count and repeat
 * purchase days; it is persisted, and everything collected to the driver is grouped first: distinct
 * (x, t_x, T, actual) rows, distinct first-purchase dates and repeat purchases per day, so driver
 * work does not grow with the number of customers.
 */
public final class Backtest {
  private Backtest() {}

  /** Highest calibration frequency with its own row in the calibration table ("7+"). */
  public static final int TABLE_MAX_FREQUENCY = 7;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Unit of the holdout length as given on the command line (39w, 273d). */
  public enum HoldoutUnit {
    DAY(1), WEEK(7);
    public final int days;

    HoldoutUnit(int days) {
      this.days = days;
    }
  }

  /**
   * What to backtest.
   *
   * @param cutoff first day of the holdout period
   * @param holdoutPeriods holdout length in {@code holdoutUnit}
   * @param modelUnit the model time unit (recency, T, horizon)
   */
  public record Spec(LocalDate cutoff, int holdoutPeriods, HoldoutUnit holdoutUnit, TimeUnit modelUnit,
                     PurchaseRule purchaseRule, TransactionModelChoice model, FitOptions fitOptions,
                     IntervalSettings intervals, String fitBy, long fitByMinCustomers) {
    public Spec {
      if (holdoutPeriods < 1) {
        throw new IllegalArgumentException("holdout length must be >= 1, got " + holdoutPeriods);
      }
    }

    public LocalDate calibrationEnd() {
      return cutoff.minusDays(1);
    }

    public LocalDate holdoutEnd() {
      return cutoff.plusDays((long) holdoutPeriods * holdoutUnit.days - 1);
    }

    /** The holdout length in model time units, the prediction horizon. */
    public double horizon() {
      return holdoutPeriods * holdoutUnit.days / modelUnit.days;
    }
  }

  /**
   * The model choice (as a run makes it) and the contract's JSON objects.
   *
   * @param models every candidate's fit and the choice; the chosen transaction model may be empty,
   *     and then the metrics hold the actual holdout purchases and the candidate table only
   */
  public record Result(ClvModels models, long customers, String parametersJson, String metricsJson) {
    /** The transaction model the predictions come from, if one could be trusted. */
    public Optional<FitResult> transactions() {
      return models.transactionModel();
    }
  }

  /**
   * Runs the backtest: {@link #summarise}, then {@link #evaluate}.
   *
   * @param keyedTransactions canonical transactions ({@code ts, amount}) with a {@code customer_key}
   *     column; rows after the holdout end are ignored
   */
  public static Result run(Dataset<Row> keyedTransactions, Spec spec) {
    Dataset<Row> summary = summarise(keyedTransactions, spec);
    try {
      return evaluate(summary, spec);
    } finally {
      summary.unpersist();
    }
  }

  /**
   * The calibration/holdout summary ({@link BtydSummary#withHoldout}: one sorted pass over the
   * transactions, the fold {@code bench clv} uses), persisted and materialised, so the caller can
   * release its transactions before the models are fitted. The caller unpersists it.
   */
  public static Dataset<Row> summarise(Dataset<Row> keyedTransactions, Spec spec) {
    Dataset<Row> summary = BtydSummary.withHoldout(keyedTransactions, spec.calibrationEnd(), spec.holdoutEnd(),
        spec.modelUnit(), spec.purchaseRule()).persist(StorageLevel.MEMORY_AND_DISK());
    summary.count();
    return summary;
  }

  /**
   * The grouped (x, t_x, T, actual, customers) rows collected for the holdout comparison, as
   * columns. The per-row model evaluations are independent and are spread over the driver's cores
   * ({@link #predicted}, {@link #intervals}); every sum over them runs in row order, so the result
   * does not depend on the number of cores.
   */
  private record HoldoutRows(double[] x, double[] recency, double[] age, double[] actual, long[] customers) {
    static HoldoutRows of(List<Row> grouped) {
      int n = grouped.size();
      HoldoutRows rows = new HoldoutRows(new double[n], new double[n], new double[n], new double[n], new long[n]);
      for (int i = 0; i < n; i++) {
        Row r = grouped.get(i);
        rows.x[i] = ((Number) r.get(0)).doubleValue();
        rows.recency[i] = ((Number) r.get(1)).doubleValue();
        rows.age[i] = ((Number) r.get(2)).doubleValue();
        rows.actual[i] = ((Number) r.get(3)).doubleValue();
        rows.customers[i] = r.getLong(4);
      }
      return rows;
    }

    int size() {
      return x.length;
    }

    /** E[X(T, T + horizon) | x, t_x, T] of every row. */
    double[] predicted(TransactionModel model, double horizon) {
      double[] out = new double[size()];
      IntStream.range(0, size()).parallel()
          .forEach(i -> out[i] = model.conditionalExpectedPurchases(horizon, x[i], recency[i], age[i]));
      return out;
    }

    /** Every row's predictive interval of its holdout purchases. */
    PurchaseInterval[] intervals(TransactionModel model, double horizon, IntervalSettings settings) {
      PurchaseInterval[] out = new PurchaseInterval[size()];
      IntStream.range(0, size()).parallel().forEach(i -> out[i] = PurchaseInterval.of(model, horizon, x[i],
          recency[i], age[i], settings.lower(), settings.upper()));
      return out;
    }
  }

  /** Holdout errors of one model's predictions over the grouped (x, t_x, T, actual, customers) rows. */
  private record HoldoutError(double predictedTotal, double actualTotal, double mae, double rmse) {
    static HoldoutError of(TransactionModel model, List<Row> perCustomer, double horizon) {
      HoldoutRows rows = HoldoutRows.of(perCustomer);
      return of(rows, rows.predicted(model, horizon));
    }

    static HoldoutError of(HoldoutRows rows, double[] predicted) {
      double predictedTotal = 0;
      double actualTotal = 0;
      double absError = 0;
      double squaredError = 0;
      long customers = 0;
      for (int i = 0; i < rows.size(); i++) {
        double actual = rows.actual()[i];
        long n = rows.customers()[i];
        predictedTotal += n * predicted[i];
        actualTotal += n * actual;
        absError += n * Math.abs(predicted[i] - actual);
        squaredError += n * (predicted[i] - actual) * (predicted[i] - actual);
        customers += n;
      }
      return new HoldoutError(predictedTotal, actualTotal, absError / customers, Math.sqrt(squaredError / customers));
    }
  }

  /**
   * Fits, predicts and compares on a {@link #summarise}d calibration/holdout summary: grouped rows
   * only reach the driver.
   */
  public static Result evaluate(Dataset<Row> summary, Spec spec) {
    Dataset<Row> calibration = summary.select(FeatureColumns.CUSTOMER_KEY, FeatureColumns.FREQUENCY,
        FeatureColumns.RECENCY, FeatureColumns.T, FeatureColumns.MONETARY_VALUE, FeatureColumns.FIRST_PURCHASE_DATE);
    ClvModels models = ClvModels.select(BtydModels.collectSummaries(calibration), spec.fitOptions(), spec.model());
    Optional<FitResult> tx = models.transactionModel();

    List<Row> perCustomer = summary
        .groupBy(col(FeatureColumns.FREQUENCY), col(FeatureColumns.RECENCY), col(FeatureColumns.T),
            col(BtydSummary.HOLDOUT_PURCHASES))
        .count()
        .collectAsList();

    double horizon = spec.horizon();
    double[] bucketCustomers = new double[TABLE_MAX_FREQUENCY + 1];
    double[] bucketPredicted = new double[TABLE_MAX_FREQUENCY + 1];
    double[] bucketActual = new double[TABLE_MAX_FREQUENCY + 1];
    TransactionModel model = tx.map(TransactionModel::fromFit).orElse(null);
    boolean intervals = model != null && model.hasPurchaseDistribution();
    double[] bucketInsideExpected = new double[TABLE_MAX_FREQUENCY + 1];
    double[] bucketInside = new double[TABLE_MAX_FREQUENCY + 1];
    HoldoutRows rows = HoldoutRows.of(perCustomer);
    double[] predicted = model == null ? null : rows.predicted(model, horizon);
    PurchaseInterval[] rowIntervals = intervals ? rows.intervals(model, horizon, spec.intervals()) : null;
    double actualTotal = 0;
    long customers = 0;
    for (int i = 0; i < rows.size(); i++) {
      double actual = rows.actual()[i];
      long n = rows.customers()[i];
      int bucket = (int) Math.min(rows.x()[i], TABLE_MAX_FREQUENCY);
      bucketCustomers[bucket] += n;
      bucketActual[bucket] += n * actual;
      if (model != null) {
        bucketPredicted[bucket] += n * predicted[i];
      }
      if (intervals) {
        bucketInsideExpected[bucket] += n * rowIntervals[i].probability();
        bucketInside[bucket] += actual >= rowIntervals[i].lower() && actual <= rowIntervals[i].upper() ? n : 0;
      }
      actualTotal += n * actual;
      customers += n;
    }

    ObjectNode metrics = JSON.createObjectNode();
    metrics.put("cutoff", spec.cutoff().toString());
    metrics.put("holdout_end", spec.holdoutEnd().toString());
    metrics.put("holdout_periods", spec.holdoutPeriods());
    metrics.put("time_unit", spec.holdoutUnit().name().toLowerCase(Locale.ROOT));
    metrics.put("transaction_model", tx.map(FitResult::modelName).orElse(null));
    metrics.put("spend_model", models.spendModel().map(FitResult::modelName).orElse(null));
    metrics.put("model_time_unit", spec.modelUnit().name().toLowerCase(Locale.ROOT));
    metrics.put("calibration_end", spec.calibrationEnd().toString());
    metrics.put("customers", customers);
    metrics.put("actual_total", actualTotal);
    HoldoutError chosenError = model == null ? null : HoldoutError.of(rows, predicted);
    putErrors(metrics, chosenError);
    if (intervals) {
      ObjectNode interval = metrics.putObject("predictive_interval");
      interval.put("lower_quantile", spec.intervals().lower());
      interval.put("upper_quantile", spec.intervals().upper());
      interval.put("nominal_share", spec.intervals().level());
      interval.put("expected_share", java.util.Arrays.stream(bucketInsideExpected).sum() / customers);
      interval.put("actual_share", java.util.Arrays.stream(bucketInside).sum() / customers);
    }
    metrics.put("choice_reason", models.transactions().reason());
    ArrayNode candidates = metrics.putArray("candidates");
    for (TransactionModelSelection.Candidate c : models.transactions().candidates()) {
      ObjectNode row = candidates.addObject();
      row.put("model", c.kind().modelName());
      row.put("status", c.status().label());
      FitResult.putNumber(row, "log_likelihood", c.logLikelihood());
      FitResult.putNumber(row, "bic", c.bic());
      boolean chosen = tx.map(f -> f.modelName().equals(c.kind().modelName())).orElse(false);
      row.put("chosen", chosen);
      // A boundary candidate is scored where its optimiser ended, which is close to the limit it
      // runs to: the table then shows what it would have predicted, not a blank.
      putErrors(row, chosen ? chosenError : c.predictor()
          .map(m -> HoldoutError.of(rows, rows.predicted(m, horizon))).orElse(null));
      row.put("note", c.note());
    }
    ArrayNode table = metrics.putArray("calibration_table");
    for (int b = 0; b <= TABLE_MAX_FREQUENCY; b++) {
      ObjectNode row = table.addObject();
      row.put("frequency", b == TABLE_MAX_FREQUENCY ? b + "+" : Integer.toString(b));
      row.put("customers", (long) bucketCustomers[b]);
      if (bucketCustomers[b] > 0) {
        if (model != null) {
          row.put("predicted_mean", bucketPredicted[b] / bucketCustomers[b]);
        } else {
          row.putNull("predicted_mean");
        }
        row.put("actual_mean", bucketActual[b] / bucketCustomers[b]);
        if (intervals) {
          row.put("interval_expected_share", bucketInsideExpected[b] / bucketCustomers[b]);
          row.put("interval_actual_share", bucketInside[b] / bucketCustomers[b]);
        }
      } else {
        row.putNull("predicted_mean");
        row.putNull("actual_mean");
      }
    }
    if (model != null) {
      cumulative(metrics.putArray("cumulative"), summary, model, spec);
    }
    if (spec.fitBy() != null && !spec.fitBy().isBlank() && model != null) {
      fitByGroup(metrics.putObject("fit_by"), calibration, summary, model, spec);
    }

    ObjectNode parameters = JSON.createObjectNode();
    try {
      if (tx.isPresent()) {
        parameters.set("transaction_model", JSON.readTree(tx.get().toJson()));
      } else {
        parameters.putNull("transaction_model");
      }
      if (models.spendModel().isPresent()) {
        parameters.set("spend_model", JSON.readTree(models.spendModel().get().toJson()));
      } else {
        parameters.putNull("spend_model");
      }
      parameters.set("model_choice", JSON.readTree(models.toJson()));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    return new Result(models, customers, parameters.toString(), metrics.toString());
  }

  /**
   * Per-group fits ({@code score.clv.fit-by}) against the pooled fit on the same holdout: each
   * group's customers predicted by their own group's model (the pooled one where the group has
   * none) and by the pooled model, MAE and RMSE overall and per group. The expression is evaluated
   * on the calibration summary (customer_key, frequency, recency, t, monetary_value,
   * first_purchase_date): an acquisition cohort works here, a feature column does not.
   */
  private static void fitByGroup(ObjectNode out, Dataset<Row> calibration, Dataset<Row> summary,
                                 TransactionModel pooled, Spec spec) {
    GroupFits groups = GroupFits.fit(calibration, spec.fitBy(), spec.fitByMinCustomers(), spec.fitOptions(),
        spec.model());
    // The group is evaluated on the calibration columns alone (as the fit saw them), the holdout
    // count comes along.
    List<Row> rows = GroupFits.withGroup(calibration, spec.fitBy())
        .join(summary.select(FeatureColumns.CUSTOMER_KEY, BtydSummary.HOLDOUT_PURCHASES), FeatureColumns.CUSTOMER_KEY)
        .groupBy(col(GroupFits.GROUP), col(FeatureColumns.FREQUENCY), col(FeatureColumns.RECENCY), col(FeatureColumns.T),
            col(BtydSummary.HOLDOUT_PURCHASES)).count()
        .collectAsList();
    Map<String, List<Row>> byGroup = new TreeMap<>();
    for (Row r : rows) {
      // Drop the group column so the rows have HoldoutError's (x, t_x, T, actual, customers) layout.
      byGroup.computeIfAbsent(r.isNullAt(0) ? "null" : r.getString(0), g -> new java.util.ArrayList<>())
          .add(org.apache.spark.sql.RowFactory.create(r.get(1), r.get(2), r.get(3), r.get(4), r.get(5)));
    }
    double horizon = spec.horizon();
    double pooledAbs = 0;
    double pooledSq = 0;
    double groupAbs = 0;
    double groupSq = 0;
    long customers = 0;
    out.put("expression", spec.fitBy());
    ArrayNode table = out.putArray("groups");
    for (Map.Entry<String, List<Row>> e : byGroup.entrySet()) {
      long n = e.getValue().stream().mapToLong(r -> r.getLong(4)).sum();
      Optional<FitResult> own = groups.of(e.getKey()).flatMap(ClvModels::transactionModel);
      HoldoutError withPooled = HoldoutError.of(pooled, e.getValue(), horizon);
      HoldoutError withOwn = own.map(f -> HoldoutError.of(TransactionModel.fromFit(f), e.getValue(), horizon))
          .orElse(withPooled);
      ObjectNode row = table.addObject();
      row.put("group", e.getKey());
      row.put("customers", n);
      row.put("own_fit", own.isPresent());
      own.ifPresent(f -> row.put("model", f.modelName()));
      if (own.isEmpty() && groups.note(e.getKey()) != null) {
        row.put("note", groups.note(e.getKey()));
      }
      row.put("actual_total", withPooled.actualTotal());
      FitResult.putNumber(row, "predicted_total_pooled", withPooled.predictedTotal());
      FitResult.putNumber(row, "predicted_total_own", withOwn.predictedTotal());
      FitResult.putNumber(row, "mae_pooled", withPooled.mae());
      FitResult.putNumber(row, "mae_own", withOwn.mae());
      pooledAbs += n * withPooled.mae();
      pooledSq += n * withPooled.rmse() * withPooled.rmse();
      groupAbs += n * withOwn.mae();
      groupSq += n * withOwn.rmse() * withOwn.rmse();
      customers += n;
    }
    out.put("mae_pooled", pooledAbs / customers);
    out.put("mae_by_group", groupAbs / customers);
    out.put("rmse_pooled", Math.sqrt(pooledSq / customers));
    out.put("rmse_by_group", Math.sqrt(groupSq / customers));
  }

  /** predicted_total, mae and rmse of a model's holdout predictions, or nulls without a model. */
  private static void putErrors(ObjectNode node, HoldoutError error) {
    FitResult.putNumber(node, "predicted_total", error == null ? Double.NaN : error.predictedTotal());
    FitResult.putNumber(node, "mae", error == null ? Double.NaN : error.mae());
    FitResult.putNumber(node, "rmse", error == null ? Double.NaN : error.rmse());
  }

  /**
   * Weekly cumulative repeat purchases of the cohort, actual vs the model's new-customer
   * expectation, from the cohort's first purchase date to the holdout end (last week clipped).
   */
  private static void cumulative(ArrayNode out, Dataset<Row> summary, TransactionModel model, Spec spec) {
    TreeMap<LocalDate, Long> cohortByFirstDate = new TreeMap<>();
    for (Row r : summary.groupBy(FeatureColumns.FIRST_PURCHASE_DATE).count().collectAsList()) {
      cohortByFirstDate.put(r.getDate(0).toLocalDate(), r.getLong(1));
    }
    TreeMap<LocalDate, Long> repeatsByDate = new TreeMap<>();
    for (Row r : summary.select(explode(col(BtydSummary.REPEAT_DAYS)).as("_day")).groupBy("_day").count()
        .collectAsList()) {
      repeatsByDate.put(LocalDate.ofEpochDay(r.getInt(0)), r.getLong(1));
    }
    if (cohortByFirstDate.isEmpty()) {
      return;
    }
    LocalDate start = cohortByFirstDate.firstKey();
    LocalDate end = spec.holdoutEnd();
    double unitDays = spec.modelUnit().days;
    long actual = 0;
    LocalDate counted = start; // repeat purchases on dates <= counted are in `actual`
    actual += repeatsByDate.getOrDefault(start, 0L);
    for (int k = 1; ; k++) {
      LocalDate date = start.plusDays(7L * k - 1);
      if (date.isAfter(end)) {
        date = end;
      }
      for (Map.Entry<LocalDate, Long> e : repeatsByDate.subMap(counted, false, date, true).entrySet()) {
        actual += e.getValue();
      }
      counted = date;
      double predicted = 0;
      for (Map.Entry<LocalDate, Long> e : cohortByFirstDate.headMap(date, true).entrySet()) {
        double t = ChronoUnit.DAYS.between(e.getKey(), date) / unitDays;
        predicted += e.getValue() * model.expectedPurchasesNewCustomer(t);
      }
      ObjectNode row = out.addObject();
      row.put("period", k);
      row.put("date", date.toString());
      row.put("actual", actual);
      row.put("predicted", predicted);
      if (!date.isBefore(end)) {
        return;
      }
    }
  }

  /** A holdout length as given on the command line. */
  public record Holdout(int periods, HoldoutUnit unit) {
    /** Parses {@code 39w} or {@code 273d}. */
    public static Holdout parse(String text) {
      String s = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
      if (!s.matches("[0-9]{1,5}[dw]")) {
        throw new IllegalArgumentException(
            "holdout must be a number of days or weeks such as 273d or 39w, got '" + text + "'");
      }
      return new Holdout(Integer.parseInt(s.substring(0, s.length() - 1)),
          s.endsWith("w") ? HoldoutUnit.WEEK : HoldoutUnit.DAY);
    }
  }
}
