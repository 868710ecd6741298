package io.centraal.scoring.model.btyd;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.to_date;

import io.centraal.scoring.features.PurchaseRule;
import io.centraal.scoring.features.TimeUnit;
import io.centraal.scoring.features.TransactionFeatures;
import io.centraal.scoring.run.UtcDays;
import io.centraal.scoring.schema.FeatureColumns;
import io.centraal.scoring.schema.InputColumns.Transactions;
import java.sql.Date;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.StructType;

/**
 * The BTYD summary alone, for jobs that need nothing else from the transactions: the same
 * frequency, recency, T and monetary value as {@link TransactionFeatures#summary} (same purchase
 * periods, same {@link PurchaseRule}, same time unit; tests check equality on CDNOW), without its
 * totals, returns, margin and channel columns.
 *
 * <p><b>Why a second path, and why sorted</b>: the general feature path carries eleven aggregates
 * through two hash aggregations, the first keyed by (customer, day): on millions of transactions
 * nearly every line is its own group, and the hash-map probes cost more than the model fits and
 * scoring together. Here the lines are shuffled by customer once, sorted by customer within each
 * partition (Spark's external sorter: a radix sort for a long key, spilling when memory runs
 * short), and one streaming pass orders each customer's lines by day and folds them into the
 * summary, holding one customer at a time.
 *
 * <p><b>Input</b>: {@code customer_key} (any orderable type), {@code ts} (timestamp or date),
 * {@code amount}; rows after the as-of date, and rows without a date, are ignored, as are null
 * amounts (a sum skips them).
 *
 * <p><b>Output</b>: one row per customer: {@code customer_key, frequency, recency, t,
 * monetary_value} (doubles; recency and t in {@code unit}). A customer with no purchase period
 * (e.g. only returns under {@code NET_POSITIVE}) keeps a row with nulls, as in the feature path.
 */
public final class BtydSummary {
  private BtydSummary() {}

  private static final String DAY = "_tmp_day";
  private static final String FIRST_DAY = "_tmp_first_day";
  /** {@link #withHoldout}: purchase periods after the calibration end, up to the holdout end. */
  public static final String HOLDOUT_PURCHASES = "holdout_purchases";
  /**
   * {@link #withHoldout}: the days (since 1970-01-01) of the customer's repeat purchase periods,
   * those after the first, in calibration and holdout, ascending.
   */
  public static final String REPEAT_DAYS = "repeat_days";

  /** Per-customer BTYD summary of {@code transactions} as of {@code asOf}. */
  public static Dataset<Row> of(Dataset<Row> transactions, LocalDate asOf, TimeUnit unit, PurchaseRule rule) {
    Dataset<Row> lines = lines(transactions, asOf);
    return fold(lines, new CustomerFold(asOf.toEpochDay(), false, unit.days, rule),
        summarySchema(lines));
  }

  /**
   * The calibration/holdout summary of a backtest in the same single pass: per customer with a
   * purchase period up to {@code calibrationEnd}, the summary as of that day (as {@link #of}), the
   * first purchase date ({@code first_purchase_date}), the purchase periods in (calibration end,
   * holdout end] ({@link #HOLDOUT_PURCHASES}, long) and the repeat purchase days up to the holdout
   * end ({@link #REPEAT_DAYS}, array of int) for the tracking series. Customers whose first
   * purchase falls after the calibration end have no row.
   */
  public static Dataset<Row> withHoldout(Dataset<Row> transactions, LocalDate calibrationEnd, LocalDate holdoutEnd,
                                         TimeUnit unit, PurchaseRule rule) {
    if (holdoutEnd.isBefore(calibrationEnd)) {
      throw new IllegalArgumentException("holdout end " + holdoutEnd + " is before the calibration end " + calibrationEnd);
    }
    Dataset<Row> lines = lines(transactions, holdoutEnd);
    StructType out = summarySchema(lines)
        .add(FIRST_DAY, DataTypes.IntegerType, true)
        .add(HOLDOUT_PURCHASES, DataTypes.LongType, true)
        .add(REPEAT_DAYS, DataTypes.createArrayType(DataTypes.IntegerType, false), true);
    Dataset<Row> folded = fold(lines,
        new CustomerFold(calibrationEnd.toEpochDay(), true, unit.days, rule), out);
    return folded.where(col(FeatureColumns.FREQUENCY).isNotNull())
        .select(col(FeatureColumns.CUSTOMER_KEY), col(FeatureColumns.FREQUENCY), col(FeatureColumns.RECENCY),
            col(FeatureColumns.T), col(FeatureColumns.MONETARY_VALUE),
            date_add(lit(Date.valueOf(LocalDate.EPOCH)), col(FIRST_DAY)).as(FeatureColumns.FIRST_PURCHASE_DATE),
            col(HOLDOUT_PURCHASES), col(REPEAT_DAYS));
  }

  /** (customer_key, day since 1970-01-01, amount as double) of the lines dated up to {@code lastDay}. */
  private static Dataset<Row> lines(Dataset<Row> transactions, LocalDate lastDay) {
    // A date column is compared as a date: promoting every row to a timestamp costs a time-zone
    // conversion per row.
    boolean isDate = transactions.schema().apply(Transactions.TS).dataType() instanceof DateType;
    Column knownAt = isDate ? col(Transactions.TS).leq(lit(Date.valueOf(lastDay)))
        : UtcDays.onOrBefore(col(Transactions.TS), lastDay);
    Column day = datediff(isDate ? col(Transactions.TS) : to_date(col(Transactions.TS)),
        lit(Date.valueOf(LocalDate.EPOCH)));
    return transactions.where(knownAt)
        .select(col(FeatureColumns.CUSTOMER_KEY), day.as(DAY), col(Transactions.AMOUNT).cast(DataTypes.DoubleType));
  }

  private static StructType summarySchema(Dataset<Row> lines) {
    return new StructType()
        .add(FeatureColumns.CUSTOMER_KEY, lines.schema().apply(FeatureColumns.CUSTOMER_KEY).dataType(), true)
        .add(FeatureColumns.FREQUENCY, DataTypes.DoubleType, true)
        .add(FeatureColumns.RECENCY, DataTypes.DoubleType, true)
        .add(FeatureColumns.T, DataTypes.DoubleType, true)
        .add(FeatureColumns.MONETARY_VALUE, DataTypes.DoubleType, true);
  }

  private static Dataset<Row> fold(Dataset<Row> lines, CustomerFold fold, StructType out) {
    return lines.repartition(col(FeatureColumns.CUSTOMER_KEY))
        // Sorted by customer alone: a one-key sort on a long key is a radix sort in Spark; each
        // customer's few lines are ordered by day in the fold.
        .sortWithinPartitions(col(FeatureColumns.CUSTOMER_KEY))
        .mapPartitions(fold, Encoders.row(out));
  }

  /**
   * Folds a partition's (customer_key, day, amount) lines, clustered by customer, into one summary
   * row per customer: a day is a purchase period when the rule says so (any sale, or a positive
   * net); frequency is purchase periods - 1, recency the first to the last purchase period, T the
   * first purchase period to the as-of date, monetary value the mean net spend of the repeat
   * periods (0 without any).
   */
  private static final class CustomerFold implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private final long asOfDay;
    private final boolean withHoldout;
    private final double unitDays;
    private final PurchaseRule rule;

    /**
     * @param asOfDay the summary's as-of day (the calibration end)
     * @param withHoldout whether rows carry the first purchase day, holdout count and repeat days
     */
    CustomerFold(long asOfDay, boolean withHoldout, double unitDays, PurchaseRule rule) {
      this.asOfDay = asOfDay;
      this.withHoldout = withHoldout;
      this.unitDays = unitDays;
      this.rule = rule;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> input) {
      return new Iterator<>() {
        private Row pending = input.hasNext() ? input.next() : null;
        private int[] days = new int[16];
        private double[] amounts = new double[16];

        @Override
        public boolean hasNext() {
          return pending != null;
        }

        @Override
        public Row next() {
          if (pending == null) {
            throw new NoSuchElementException();
          }
          Object customer = pending.get(0);
          int n = 0;
          while (pending != null && Objects.equals(pending.get(0), customer)) {
            if (!pending.isNullAt(2)) {
              if (n == days.length) {
                days = Arrays.copyOf(days, 2 * n);
                amounts = Arrays.copyOf(amounts, 2 * n);
              }
              // Insertion by day: a customer has a few lines, and a stable insertion keeps
              // each day's lines in input order.
              int day = pending.getInt(1);
              int at = n++;
              while (at > 0 && days[at - 1] > day) {
                days[at] = days[at - 1];
                amounts[at] = amounts[at - 1];
                at--;
              }
              days[at] = day;
              amounts[at] = pending.getDouble(2);
            }
            pending = input.hasNext() ? input.next() : null;
          }
          return summarise(customer, n);
        }

        /** The summary row of the customer's first {@code n} lines in {@code days}/{@code amounts}. */
        private Row summarise(Object customer, int n) {
          long periods = 0;
          int first = 0;
          int last = 0;
          double spend = 0;
          double firstSpend = 0;
          long holdout = 0;
          int repeats = 0;
          int[] repeatDays = withHoldout ? new int[n] : null;
          int i = 0;
          while (i < n) {
            int day = days[i];
            double net = 0;
            boolean sale = false;
            for (; i < n && days[i] == day; i++) {
              net += amounts[i];
              sale |= amounts[i] >= 0;
            }
            if (rule == PurchaseRule.NET_POSITIVE ? net > 0 : sale) {
              if (day > asOfDay) {
                holdout++;
                if (periods > 0) {
                  repeatDays[repeats++] = day;
                }
                continue;
              }
              if (periods == 0) {
                first = day;
                firstSpend = net;
              } else if (withHoldout) {
                repeatDays[repeats++] = day;
              }
              last = day;
              periods++;
              spend += net;
            }
          }
          if (periods == 0) {
            return withHoldout ? RowFactory.create(customer, null, null, null, null, null, null, null)
                : RowFactory.create(customer, null, null, null, null);
          }
          double frequency = periods - 1;
          double recency = (last - first) / unitDays;
          double age = (asOfDay - first) / unitDays;
          double monetary = frequency > 0 ? (spend - firstSpend) / frequency : 0.0;
          if (!withHoldout) {
            return RowFactory.create(customer, frequency, recency, age, monetary);
          }
          return RowFactory.create(customer, frequency, recency, age, monetary, first, holdout,
              Arrays.copyOf(repeatDays, repeats));
        }
      };
    }
  }
}
