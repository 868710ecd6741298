package io.centraal.scoring.model.rfm;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.percent_rank;
import static org.apache.spark.sql.functions.when;

import java.util.Map;
import java.util.LinkedHashMap;
import io.centraal.scoring.schema.Stage;
import io.centraal.scoring.model.PercentRanks;
import io.centraal.scoring.schema.StageSchema;
import io.centraal.scoring.schema.StageSchema.Kind;
import io.centraal.scoring.schema.FeatureColumns;
import io.centraal.scoring.schema.ScoreColumns;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;

/**
 * RFM scores and named segments (the score step).
 *
 * <p><b>Input</b> (one row per customer, e.g. the silver {@code customer_features} table):
 * <ul>
 *   <li>{@code customer_key} (integral) — carried through;</li>
 *   <li>{@code days_since_last_purchase} (integral) — null means the customer never purchased;</li>
 *   <li>{@code purchase_periods} (integral) — distinct purchase periods (F);</li>
 *   <li>{@code total_spend} (numeric) — net spend (M);</li>
 *   <li>optional {@code as_of_date}: when present, quantiles are computed per date.</li>
 * </ul>
 *
 * <p><b>Output</b>: the input plus {@code rfm_r}, {@code rfm_f}, {@code rfm_m} (int, 1..bins, bins
 * is best: most recent, most frequent, highest spend) and {@code rfm_segment} (string).
 *
 * <p><b>Scores.</b> Exact quantile bins from {@code percent_rank()} over the purchasers of the same
 * as-of date (see {@link PercentRanks}): {@code score = min(bins, floor(pr * bins) + 1)}. R ranks
 * days descending so that fewer days scores higher; F and M rank ascending. There is no
 * approximation error. <b>Ties</b> get the same score: a tied group takes the percent rank of its
 * first member, i.e. the lower score, so bins can be uneven — typically many one-time buyers all
 * get F = 1 and the F = 2 bin may be empty. This is deliberate: two customers with identical
 * behaviour must not get different scores because of row order.
 *
 * <p><b>Null semantics.</b> A customer with a null {@code days_since_last_purchase} has never
 * purchased: {@code rfm_r/f/m} are null (a score would claim a rank they do not have) and
 * {@code rfm_segment} is {@link RfmSettings#noPurchaseSegment()} (e.g. "No purchase"). Such customers
 * are excluded from the quantiles, so they do not push purchasers up. For purchasers, a null
 * {@code purchase_periods} or {@code total_spend} is ranked as 0 (lowest), not as unknown.
 *
 * <p><b>Segments.</b> The segment map is data ({@link RfmSettings#segmentRules()}): an ordered list
 * of (segment, R range, FM range) rules with FM = (F + M) / 2, first match wins, last rule is a
 * catch-all. The recommended map (5 bins) follows the widely reproduced R x (F+M)/2 grid with 11
 * named segments (as popularised by Putler's "RFM analysis" segment table); we made the cells
 * non-overlapping so the order is the only tie-breaker:
 * <pre>
 *   Champions           R 4-5  FM 4-5
 *   Loyal               R 3-5  FM 3-5
 *   Potential loyalist  R 4-5  FM 2-3
 *   New                 R 5    FM 1-2
 *   Promising           R 4    FM 1-2
 *   Need attention      R 3    FM 2-3
 *   About to sleep      R 3    FM 1-2
 *   Cannot lose them    R 1-2  FM 4.5-5
 *   At risk             R 1-2  FM 3-5
 *   Hibernating         R 2    FM 1-3
 *   Lost                R 1    FM 1-3
 *   Other               R 1-5  FM 1-5   (catch-all; unreachable with the grid above)
 * </pre>
 */
public final class RfmScoring implements Stage {
  private static final String TMP_PURCHASED = StageSchema.TMP_PREFIX + "rfm_purchased";

  private final RfmSettings settings;

  public RfmScoring(RfmSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  @Override
  public Map<String, Kind> inputColumns() {
    Map<String, Kind> in = new LinkedHashMap<>();
    in.put(FeatureColumns.CUSTOMER_KEY, Kind.INTEGRAL);
    in.put(FeatureColumns.DAYS_SINCE_LAST_PURCHASE, Kind.INTEGRAL);
    in.put(FeatureColumns.PURCHASE_PERIODS, Kind.INTEGRAL);
    in.put(FeatureColumns.TOTAL_SPEND, Kind.NUMERIC);
    return in;
  }

  @Override
  public List<String> outputColumns() {
    return List.of(ScoreColumns.RFM_R, ScoreColumns.RFM_F, ScoreColumns.RFM_M, ScoreColumns.RFM_SEGMENT);
  }

  /** Adds {@code rfm_r}, {@code rfm_f}, {@code rfm_m} and {@code rfm_segment}; see the class doc. */
  @Override
  public Dataset<Row> transform(Dataset<Row> customers) {

    Column purchased = col(FeatureColumns.DAYS_SINCE_LAST_PURCHASE).isNotNull();
    Dataset<Row> withFlag = customers.withColumn(TMP_PURCHASED, purchased);
    StructType flagged = withFlag.schema();
    Column flag = col(TMP_PURCHASED);

    Column r = bin(flagged, col(FeatureColumns.DAYS_SINCE_LAST_PURCHASE).desc(), flag);
    Column f = bin(flagged, coalesce(col(FeatureColumns.PURCHASE_PERIODS), lit(0L)).asc(), flag);
    Column m = bin(flagged, coalesce(col(FeatureColumns.TOTAL_SPEND).cast("double"), lit(0.0)).asc(), flag);

    Dataset<Row> scored = withFlag
        .withColumn(ScoreColumns.RFM_R, when(flag, r))
        .withColumn(ScoreColumns.RFM_F, when(flag, f))
        .withColumn(ScoreColumns.RFM_M, when(flag, m));
    Column fm = col(ScoreColumns.RFM_F).plus(col(ScoreColumns.RFM_M)).divide(2.0);
    return scored
        .withColumn(ScoreColumns.RFM_SEGMENT,
            when(flag, segmentExpr(col(ScoreColumns.RFM_R), fm))
                .otherwise(lit(settings.noPurchaseSegment())))
        .drop(TMP_PURCHASED);
  }

  private Column bin(StructType schema, Column orderBy, Column purchasedFlag) {
    WindowSpec w = PercentRanks.window(schema, orderBy, purchasedFlag);
    int bins = settings.bins();
    return least(lit(bins), floor(percent_rank().over(w).multiply(bins)).plus(1)).cast("int");
  }

  private Column segmentExpr(Column r, Column fm) {
    List<RfmSegmentRule> rules = settings.segmentRules();
    // The last rule is a catch-all (checked by RfmSettings); build the CASE from the back.
    Column expr = lit(rules.get(rules.size() - 1).segment());
    for (int i = rules.size() - 2; i >= 0; i--) {
      RfmSegmentRule rule = rules.get(i);
      Column match = r.between(rule.rMin(), rule.rMax()).and(fm.between(rule.fmMin(), rule.fmMax()));
      expr = when(match, lit(rule.segment())).otherwise(expr);
    }
    return expr;
  }

  /**
   * Segment summary of an RFM-scored table: per {@code rfm_segment} (and per {@code as_of_date}
   * when present) the number of customers, their share of all customers, the total of
   * {@code valueColumn} (e.g. {@code total_spend} or {@code clv_12m}) and its share of the total.
   *
   * <p>Output columns: [{@code as_of_date},] {@code rfm_segment}, {@code customers} (long),
   * {@code customer_share} (double, 0..1), {@code total_value} (double),
   * {@code value_share} (double, 0..1; null when the total value is 0), ordered by total value
   * descending. Null values are ignored in sums (SQL {@code SUM}); a segment whose values are all
   * null has total value null. Shares are over all rows, the "No purchase" segment included.
   */
  public static Dataset<Row> segmentSummary(Dataset<Row> scored, String valueColumn) {
    String stage = "RfmScoring.segmentSummary";
    StructType schema = scored.schema();
    StageSchema.require(schema, stage, ScoreColumns.RFM_SEGMENT, Kind.STRING);
    StageSchema.require(schema, stage, valueColumn, Kind.NUMERIC);
    boolean perDate = StageSchema.has(schema, FeatureColumns.AS_OF_DATE);

    List<Column> keys = new ArrayList<>();
    if (perDate) {
      keys.add(col(FeatureColumns.AS_OF_DATE));
    }
    keys.add(col(ScoreColumns.RFM_SEGMENT));
    WindowSpec all = perDate
        ? Window.partitionBy(col(FeatureColumns.AS_OF_DATE))
        : Window.partitionBy(lit(1));

    Dataset<Row> grouped = scored.groupBy(keys.toArray(new Column[0])).agg(
        functions.count(lit(1)).as(ScoreColumns.SEGMENT_CUSTOMERS),
        functions.sum(col(valueColumn).cast("double")).as(ScoreColumns.SEGMENT_TOTAL_VALUE));
    Column totalValue = functions.sum(col(ScoreColumns.SEGMENT_TOTAL_VALUE)).over(all);
    List<Column> out = new ArrayList<>(keys);
    out.add(col(ScoreColumns.SEGMENT_CUSTOMERS));
    out.add(col(ScoreColumns.SEGMENT_CUSTOMERS)
        .divide(functions.sum(col(ScoreColumns.SEGMENT_CUSTOMERS)).over(all))
        .as(ScoreColumns.SEGMENT_CUSTOMER_SHARE));
    out.add(col(ScoreColumns.SEGMENT_TOTAL_VALUE));
    out.add(when(totalValue.notEqual(0.0), col(ScoreColumns.SEGMENT_TOTAL_VALUE).divide(totalValue))
        .as(ScoreColumns.SEGMENT_VALUE_SHARE));
    List<Column> order = new ArrayList<>();
    if (perDate) {
      order.add(col(FeatureColumns.AS_OF_DATE));
    }
    order.add(col(ScoreColumns.SEGMENT_TOTAL_VALUE).desc_nulls_last());
    order.add(col(ScoreColumns.RFM_SEGMENT));
    return grouped.select(out.toArray(new Column[0])).orderBy(order.toArray(new Column[0]));
  }
}
