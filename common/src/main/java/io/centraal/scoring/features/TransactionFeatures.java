package io.centraal.scoring.features;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.min_by;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;

import io.centraal.scoring.schema.FeatureColumns;
import io.centraal.scoring.schema.InputColumns.Transactions;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Purchase features per customer as of a date: totals, returns, margin, channel mix, and the BTYD
 * summary in the Fader-Hardie convention.
 *
 * <p><b>Returns and the purchase period.</b> Transactions of one customer on one day are netted
 * into one purchase period (a return, a negative amount, reduces that day's spend). Which days are
 * purchases is a {@link PurchaseRule}: by default ({@code NET_POSITIVE}) a day whose net spend is not
 * positive is not a purchase; it does not count for frequency, recency or monetary value, but its
 * amounts still count in total spend and returns. A return booked on a later day therefore lowers
 * total spend without erasing the original purchase. {@code ANY_SALE} counts every day with a sale
 * line, including zero-value sales, which is the convention of the published BTYD data sets (CDNOW
 * has zero-dollar purchases).
 *
 * <p><b>BTYD summary</b> (lifetimes' {@code summary_data_from_transaction_data}): frequency = purchase
 * periods - 1 (repeat purchases); recency = days from first to last purchase; T = days from first
 * purchase to the as-of date; both divided by the time unit's length in days. monetary_value =
 * mean net spend of the repeat purchase periods (first excluded), 0 when there is none.
 */
public final class TransactionFeatures {
  /** Columns of the daily table. */
  public static final String PURCHASE_DATE = "purchase_date";
  public static final String NET_AMOUNT = "net_amount";
  /** True when the day has at least one sale line (amount >= 0). */
  public static final String HAS_SALE = "has_sale";
  /**
   * Net amount of the day's lines without a known margin (0 when every line has one), so a margin
   * on the whole day can be estimated as {@code total_margin + rate x unknown_margin_amount}.
   */
  public static final String UNKNOWN_MARGIN_AMOUNT = "unknown_margin_amount";
  private static final String IS_PURCHASE = "_tmp_is_purchase";

  private TransactionFeatures() {}

  /**
   * One row per customer and day: {@code customer_key, purchase_date, net_amount, total_margin
   * (known margins; null margins count 0), unknown_margin_amount, n_transactions, returns_count,
   * returns_amount, store_transactions}. Input: bronze transactions
   * with a customer_key column; rows after the as-of date are ignored.
   */
  public static Dataset<Row> daily(Dataset<Row> keyedTransactions, LocalDate asOf) {
    Column amount = col(Transactions.AMOUNT);
    return keyedTransactions.where(Keyed.knownAt(Transactions.TS, asOf))
        .groupBy(col(FeatureColumns.CUSTOMER_KEY), to_date(col(Transactions.TS)).as(PURCHASE_DATE))
        .agg(sum(amount).as(NET_AMOUNT),
            sum(when(col(Transactions.MARGIN).isNotNull(), col(Transactions.MARGIN)).otherwise(lit(0.0)))
                .as(FeatureColumns.TOTAL_MARGIN),
            sum(when(col(Transactions.MARGIN).isNull(), amount).otherwise(lit(0.0))).as(UNKNOWN_MARGIN_AMOUNT),
            count(lit(1)).as(FeatureColumns.N_TRANSACTIONS),
            sum(when(amount.lt(0), 1).otherwise(0)).cast("long").as(FeatureColumns.RETURNS_COUNT),
            sum(when(amount.lt(0), amount.multiply(-1)).otherwise(0.0)).as(FeatureColumns.RETURNS_AMOUNT),
            sum(when(col(Transactions.CHANNEL).equalTo("store"), 1).otherwise(0)).cast("long").as("_tmp_store_tx"),
            max(amount.geq(0)).as(HAS_SALE));
  }

  /** Whether a day of {@link #daily} is a purchase period under the rule. */
  public static Column isPurchase(PurchaseRule rule) {
    return rule == PurchaseRule.NET_POSITIVE ? col(NET_AMOUNT).gt(0) : col(HAS_SALE);
  }

  /**
   * Purchase periods per customer in the window ({@code after}, {@code upTo}] under the rule:
   * {@code customer_key, purchases} (long), customers without one left out. The count of a backtest's
   * holdout and of the rolling backtest of earlier runs; {@code upTo} null = no upper bound.
   */
  public static Dataset<Row> purchasesIn(Dataset<Row> daily, PurchaseRule rule, LocalDate after, LocalDate upTo) {
    Column inWindow = col(PURCHASE_DATE).gt(lit(Date.valueOf(after)));
    if (upTo != null) {
      inWindow = inWindow.and(col(PURCHASE_DATE).leq(lit(Date.valueOf(upTo))));
    }
    return daily.where(isPurchase(rule).and(inWindow))
        .groupBy(FeatureColumns.CUSTOMER_KEY).agg(count(lit(1)).as(PURCHASES));
  }

  /** Column of {@link #purchasesIn}. */
  public static final String PURCHASES = io.centraal.scoring.schema.DriftColumns.PURCHASES;

  /** Per-customer purchase features and BTYD summary from {@link #daily}. */
  public static Dataset<Row> summary(Dataset<Row> daily, LocalDate asOf, TimeUnit unit, PurchaseRule rule) {
    return summaryAtDates(Keyed.atDatesOfDay(daily, PURCHASE_DATE, List.of(asOf)), unit, rule).drop(Keyed.AS_OF);
  }

  /** {@link #summary} per customer and as-of date, from purchase days spread over the dates ({@link Keyed}). */
  static Dataset<Row> summaryAtDates(Dataset<Row> dailyAtDates, TimeUnit unit, PurchaseRule rule) {
    Column asOfDate = Keyed.asOf();
    Column purchase = isPurchase(rule);
    Dataset<Row> perCustomer = dailyAtDates.withColumn(IS_PURCHASE, purchase)
        .groupBy(col(FeatureColumns.CUSTOMER_KEY), asOfDate)
        .agg(min(when(purchase, col(PURCHASE_DATE))).as(FeatureColumns.FIRST_PURCHASE_DATE),
            max(when(purchase, col(PURCHASE_DATE))).as(FeatureColumns.LAST_PURCHASE_DATE),
            sum(when(purchase, 1).otherwise(0)).cast("long").as(FeatureColumns.PURCHASE_PERIODS),
            sum(when(purchase, col(NET_AMOUNT)).otherwise(0.0)).as("_tmp_purchase_spend"),
            min_by(col(NET_AMOUNT), when(purchase, col(PURCHASE_DATE))).as("_tmp_first_spend"),
            sum(col(NET_AMOUNT)).as(FeatureColumns.TOTAL_SPEND),
            sum(col(FeatureColumns.TOTAL_MARGIN)).as(FeatureColumns.TOTAL_MARGIN),
            sum(col(FeatureColumns.N_TRANSACTIONS)).as(FeatureColumns.N_TRANSACTIONS),
            sum(col(FeatureColumns.RETURNS_COUNT)).as(FeatureColumns.RETURNS_COUNT),
            sum(col(FeatureColumns.RETURNS_AMOUNT)).as(FeatureColumns.RETURNS_AMOUNT),
            sum(col("_tmp_store_tx")).as("_tmp_store_tx"));

    Column periods = col(FeatureColumns.PURCHASE_PERIODS);
    Column hasPurchase = periods.gt(0);
    Column frequency = periods.minus(1).cast("double");
    return perCustomer
        .withColumn(FeatureColumns.FREQUENCY, when(hasPurchase, frequency))
        .withColumn(FeatureColumns.RECENCY, when(hasPurchase, datediff(col(FeatureColumns.LAST_PURCHASE_DATE),
            col(FeatureColumns.FIRST_PURCHASE_DATE)).divide(unit.days)))
        .withColumn(FeatureColumns.T, when(hasPurchase,
            datediff(asOfDate, col(FeatureColumns.FIRST_PURCHASE_DATE)).divide(unit.days)))
        .withColumn(FeatureColumns.MONETARY_VALUE, when(hasPurchase,
            when(frequency.gt(0), col("_tmp_purchase_spend").minus(col("_tmp_first_spend")).divide(frequency))
                .otherwise(lit(0.0))))
        .withColumn(FeatureColumns.AVG_PURCHASE_VALUE, when(hasPurchase, col("_tmp_purchase_spend").divide(periods)))
        .withColumn(FeatureColumns.DAYS_SINCE_LAST_PURCHASE,
            datediff(asOfDate, col(FeatureColumns.LAST_PURCHASE_DATE)))
        .withColumn(FeatureColumns.SHARE_STORE,
            col("_tmp_store_tx").divide(col(FeatureColumns.N_TRANSACTIONS)))
        .withColumn(FeatureColumns.SHARE_ONLINE, lit(1.0).minus(col(FeatureColumns.SHARE_STORE)))
        .drop("_tmp_purchase_spend", "_tmp_first_spend", "_tmp_store_tx");
  }
}
