package io.centraal.scoring.model.btyd;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.min_by;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;

import io.centraal.scoring.config.CentraalSettings.TimeUnit;
import io.centraal.scoring.features.PurchaseRule;
import io.centraal.scoring.features.TransactionFeatures;
import io.centraal.scoring.schema.FeatureColumns;
import io.centraal.scoring.schema.InputColumns.Transactions;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DateType;

/**
 * The BTYD summary alone, for jobs that need nothing else from the transactions: the same
 * frequency, recency, T and monetary value as {@link TransactionFeatures#summary} (same purchase
 * periods, same {@link PurchaseRule}, same time unit; tests check equality on CDNOW), without its
 * totals, returns, margin and channel columns.
 *
 * <p><b>Why a second path</b>: the general feature path carries eleven aggregates through two
 * hash aggregations, which on millions of transactions costs more than the model fits and scoring
 * together. Here the per-day aggregation keeps two values (net spend, whether the day has a sale)
 * and the per-customer one five.
 *
 * <p><b>Input</b>: {@code customer_key}, {@code ts} (timestamp or date), {@code amount}; rows after
 * the as-of date are ignored. Partitioning the input by customer_key beforehand lets both
 * aggregations share one shuffle.
 *
 * <p><b>Output</b>: one row per customer: {@code customer_key, frequency, recency, t,
 * monetary_value} (doubles; recency and t in {@code unit}). A customer with no purchase period
 * (e.g. only returns under {@code NET_POSITIVE}) keeps a row with nulls, as in the feature path.
 */
public final class BtydSummary {
  private BtydSummary() {}

  private static final String DAY = "_tmp_day";
  private static final String NET = "_tmp_net";
  private static final String HAS_SALE = "_tmp_has_sale";
  private static final String FIRST = "_tmp_first";
  private static final String LAST = "_tmp_last";
  private static final String PERIODS = "_tmp_periods";
  private static final String SPEND = "_tmp_spend";
  private static final String FIRST_SPEND = "_tmp_first_spend";

  /** Per-customer BTYD summary of {@code transactions} as of {@code asOf}. */
  public static Dataset<Row> of(Dataset<Row> transactions, LocalDate asOf, TimeUnit unit, PurchaseRule rule) {
    Column amount = col(Transactions.AMOUNT);
    // A date column is compared as a date: promoting every row to a timestamp costs a time-zone
    // conversion per row.
    boolean isDate = transactions.schema().apply(Transactions.TS).dataType() instanceof DateType;
    Column knownAt = isDate ? col(Transactions.TS).leq(lit(Date.valueOf(asOf)))
        : col(Transactions.TS).lt(lit(Timestamp.valueOf(asOf.plusDays(1).atStartOfDay())));
    Dataset<Row> daily = transactions.where(knownAt)
        .groupBy(col(FeatureColumns.CUSTOMER_KEY), to_date(col(Transactions.TS)).as(DAY))
        .agg(sum(amount).as(NET), max(amount.geq(0)).as(HAS_SALE));
    Column purchase = rule == PurchaseRule.NET_POSITIVE ? col(NET).gt(0) : col(HAS_SALE);
    Column purchaseDay = when(purchase, col(DAY));
    Dataset<Row> perCustomer = daily.groupBy(FeatureColumns.CUSTOMER_KEY)
        .agg(min(purchaseDay).as(FIRST), max(purchaseDay).as(LAST),
            sum(when(purchase, 1).otherwise(0)).cast("long").as(PERIODS),
            sum(when(purchase, col(NET)).otherwise(0.0)).as(SPEND),
            min_by(col(NET), purchaseDay).as(FIRST_SPEND));

    Column periods = col(PERIODS);
    Column hasPurchase = periods.gt(0);
    Column frequency = periods.minus(1).cast("double");
    return perCustomer.select(col(FeatureColumns.CUSTOMER_KEY),
        when(hasPurchase, frequency).as(FeatureColumns.FREQUENCY),
        when(hasPurchase, datediff(col(LAST), col(FIRST)).divide(unit.days)).as(FeatureColumns.RECENCY),
        when(hasPurchase, datediff(lit(Date.valueOf(asOf)), col(FIRST)).divide(unit.days)).as(FeatureColumns.T),
        when(hasPurchase, when(frequency.gt(0), col(SPEND).minus(col(FIRST_SPEND)).divide(frequency))
            .otherwise(lit(0.0))).as(FeatureColumns.MONETARY_VALUE));
  }
}
