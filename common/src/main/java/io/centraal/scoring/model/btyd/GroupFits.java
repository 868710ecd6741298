package io.centraal.scoring.model.btyd;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * One CLV fit per group of customers ({@code score.clv.fit-by}: an acquisition cohort, a region, a
 * channel), for populations whose purchase and dropout rates differ: a pooled BG/NBD averages them,
 * and its forecasts are then wrong in opposite directions for each. The group is a SQL expression
 * over the customer's row (e.g. {@code year(first_purchase_date)}, or {@code CASE WHEN share_online
 * > 0.5 THEN 'online' ELSE 'store' END}). A group with fewer customers with a purchase than the
 * minimum, a null group, and a group whose own transaction model cannot be trusted are scored with
 * the pooled fit, and {@link #note(String)} says why.
 *
 * <p>Fits run in parallel (one Spark job per group to collect its distinct (x, t_x, T) rows, then
 * milliseconds of fitting); each group's choice is made exactly as a run makes the pooled one.
 *
 * @param expression the SQL expression, or empty when fits are pooled
 * @param customers customers with a purchase per group (null groups left out)
 * @param fitted the groups with their own trusted fit
 * @param notes per group, why it uses the pooled fit (groups with their own fit have none)
 */
public record GroupFits(String expression, Map<String, Long> customers, Map<String, ClvModels> fitted,
                        Map<String, String> notes) {
  /** The group column added while scoring; not part of any output table. */
  public static final String GROUP = "_clv_fit_group";
  /** The clv_fit_group value of a customer scored with the pooled fit. */
  public static final String POOLED = "pooled";

  /** Pooled fits only. */
  public static GroupFits none() {
    return new GroupFits("", Map.of(), Map.of(), Map.of());
  }

  public boolean enabled() {
    return !expression.isEmpty();
  }

  /**
   * Fits each group of {@code buyers} (customers with a purchase summary) that has at least
   * {@code minCustomers} customers.
   *
   * @throws IllegalArgumentException naming the expression when it does not evaluate on the rows
   */
  public static GroupFits fit(Dataset<Row> buyers, String expression, long minCustomers, FitOptions options,
                              TransactionModelChoice choice) {
    if (expression == null || expression.isBlank()) {
      return none();
    }
    Dataset<Row> grouped = withGroup(buyers, expression);
    Map<String, Long> counts = new TreeMap<>();
    for (Row r : grouped.where(col(GROUP).isNotNull()).groupBy(GROUP).count().collectAsList()) {
      counts.put(r.getString(0), r.getLong(1));
    }
    Map<String, String> notes = new TreeMap<>();
    List<String> large = new ArrayList<>();
    counts.forEach((group, n) -> {
      if (n >= minCustomers) {
        large.add(group);
      } else {
        notes.put(group, n + " customers with a purchase, fewer than score.clv.fit-by-min-customers = "
            + minCustomers + ": pooled fit");
      }
    });
    Map<String, ClvModels> fits = new java.util.concurrent.ConcurrentHashMap<>();
    large.parallelStream().forEach(group -> fits.put(group, ClvModels.select(
        BtydModels.collectSummaries(grouped.where(col(GROUP).equalTo(group))), options, choice)));
    Map<String, ClvModels> trusted = new TreeMap<>();
    fits.forEach((group, models) -> {
      if (models.transactionModel().isPresent()) {
        trusted.put(group, models);
      } else {
        notes.put(group, "its own transaction model could not be trusted (" + models.transactions().reason()
            + "): pooled fit");
      }
    });
    return new GroupFits(expression, counts, trusted, notes);
  }

  /** {@code rows} with {@link #GROUP}: the expression as a string (null where it is null). */
  public static Dataset<Row> withGroup(Dataset<Row> rows, String expression) {
    Column group;
    try {
      group = expr(expression).cast("string");
      return rows.withColumn(GROUP, group);
    } catch (Exception e) { // Spark's AnalysisException, checked as far as javac knows
      throw new IllegalArgumentException("centraal.score.clv.fit-by = '" + expression + "' does not evaluate on the "
          + "customer rows (columns: " + String.join(", ", rows.columns()) + "): " + firstLine(e), e);
    }
  }

  private static String firstLine(Exception e) {
    String m = e instanceof AnalysisException a ? a.getSimpleMessage() : String.valueOf(e.getMessage());
    return m.lines().findFirst().orElse(m);
  }

  /** The fit of a group, if it has its own. */
  public Optional<ClvModels> of(String group) {
    return Optional.ofNullable(fitted.get(group));
  }

  /** Why a group uses the pooled fit, or null when it has its own. */
  public String note(String group) {
    return notes.get(group);
  }

  /**
   * The model_runs metrics: the expression and, per group, its customers and either its chosen
   * models with parameters or why it is pooled.
   */
  public Map<String, Object> toMetrics() {
    return toMetrics(models -> Map.of());
  }

  /** As {@link #toMetrics()}, with {@code extra}'s fields added to each group that has its own fit. */
  public Map<String, Object> toMetrics(java.util.function.Function<ClvModels, Map<String, Object>> extra) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("fit_by", expression);
    List<Map<String, Object>> groups = new ArrayList<>();
    customers.forEach((group, n) -> {
      Map<String, Object> g = new LinkedHashMap<>();
      g.put("group", group);
      g.put("customers", n);
      ClvModels models = fitted.get(group);
      g.put("own_fit", models != null);
      if (models != null) {
        models.transactionModel().ifPresent(f -> {
          g.put("transaction_model", f.modelName());
          g.put("transaction_params", named(f));
        });
        models.spendModel().ifPresent(f -> {
          g.put("spend_model", f.modelName());
          g.put("spend_params", named(f));
        });
        g.put("clv_status", models.clvStatus());
        g.putAll(extra.apply(models));
      } else {
        g.put("note", notes.get(group));
      }
      groups.add(g);
    });
    m.put("groups", groups);
    return m;
  }

  private static Map<String, Double> named(FitResult f) {
    Map<String, Double> p = new LinkedHashMap<>();
    for (int i = 0; i < f.params().length; i++) {
      p.put(f.paramNames().get(i), f.params()[i]);
    }
    return p;
  }

  /** Null-safe column reference used by callers to split rows by group. */
  public static Column group() {
    return col(GROUP);
  }
}
