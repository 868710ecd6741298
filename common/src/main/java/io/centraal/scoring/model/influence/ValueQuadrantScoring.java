package io.centraal.scoring.model.influence;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.percent_rank;
import static org.apache.spark.sql.functions.when;

import java.util.Map;
import java.util.List;
import java.util.LinkedHashMap;
import io.centraal.scoring.schema.Stage;
import io.centraal.scoring.model.PercentRanks;
import io.centraal.scoring.schema.StageSchema;
import io.centraal.scoring.schema.StageSchema.Kind;
import io.centraal.scoring.schema.FeatureColumns;
import io.centraal.scoring.schema.ScoreColumns;
import java.util.Objects;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * The value quadrant: financial value (CLV) x non-financial value (influence), with a risk flag.
 *
 * <p><b>Input</b>: {@code customer_key} (integral), the CLV column named in the settings (numeric,
 * e.g. {@code clv_12m}), {@code influence_score} (numeric, 0-100), {@code churn_risk} (numeric,
 * 0..1) and {@code advocacy} (string); optional {@code as_of_date} (tiers per date).
 *
 * <p><b>Output</b>: the input plus
 * <ul>
 *   <li>{@code clv_tier} (string {@value InfluenceScoring#TIER_HIGH} /
 *       {@value InfluenceScoring#TIER_MEDIUM} / {@value InfluenceScoring#TIER_LOW}): exact
 *       {@code percent_rank} of CLV among customers with a CLV on the date, against the
 *       settings' cut-offs (ties share the lower rank);</li>
 *   <li>{@code value_quadrant} (string): {@value #CHAMPION} (high CLV, high influence),
 *       {@value #HIDDEN_INFLUENCER} (low/medium CLV, high influence — the customer classic CRM
 *       misses), {@value #SPENDER} (high CLV, low influence), {@value #LOW_VALUE};</li>
 *   <li>{@code risk_flag} (boolean): churn risk above the threshold, or advocacy = detractor
 *       (some customers carry so much risk they are better not retained blindly).</li>
 * </ul>
 *
 * <p><b>Null semantics.</b> A null CLV gives a null {@code clv_tier} (unknown is not "low") and is
 * treated as not-high for the quadrant: a high-influence customer without a CLV estimate (e.g. no
 * purchases yet) is exactly a hidden influencer. A null {@code influence_score} counts as 0.
 * {@code risk_flag} is never null: a null churn risk or advocacy raises no flag on that ground.
 */
public final class ValueQuadrantScoring implements Stage {
  public static final String CHAMPION = "Champion";
  public static final String HIDDEN_INFLUENCER = "Hidden influencer";
  public static final String SPENDER = "Spender";
  public static final String LOW_VALUE = "Low value";

  private static final String TMP_HAS_CLV = StageSchema.TMP_PREFIX + "vq_has_clv";

  private final ValueQuadrantSettings settings;

  public ValueQuadrantScoring(ValueQuadrantSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  @Override
  public Map<String, Kind> inputColumns() {
    Map<String, Kind> in = new LinkedHashMap<>();
    in.put(ScoreColumns.CUSTOMER_KEY, Kind.INTEGRAL);
    in.put(settings.clvColumn(), Kind.NUMERIC);
    in.put(ScoreColumns.INFLUENCE_SCORE, Kind.NUMERIC);
    in.put(ScoreColumns.CHURN_RISK, Kind.NUMERIC);
    in.put(ScoreColumns.ADVOCACY, Kind.STRING);
    return in;
  }

  @Override
  public List<String> outputColumns() {
    return List.of(ScoreColumns.CLV_TIER, ScoreColumns.VALUE_QUADRANT, ScoreColumns.RISK_FLAG);
  }

  /** Adds {@code clv_tier}, {@code value_quadrant} and {@code risk_flag}; see the class doc. */
  @Override
  public Dataset<Row> transform(Dataset<Row> scored) {

    Column clv = col(settings.clvColumn()).cast("double");
    Dataset<Row> df = scored.withColumn(TMP_HAS_CLV, clv.isNotNull());
    Column pr = percent_rank().over(PercentRanks.window(df.schema(), clv.asc(), col(TMP_HAS_CLV)));
    Column tier = col(ScoreColumns.CLV_TIER);
    Column highInfluence = coalesce(col(ScoreColumns.INFLUENCE_SCORE).cast("double"), lit(0.0))
        .geq(settings.highInfluenceMin());
    Column highClv = coalesce(tier.equalTo(InfluenceScoring.TIER_HIGH), lit(false));
    Column churnRisk = coalesce(col(ScoreColumns.CHURN_RISK).cast("double").gt(settings.churnRiskThreshold()),
        lit(false));
    Column detractor = coalesce(col(ScoreColumns.ADVOCACY).equalTo(AdvocacyScoring.DETRACTOR), lit(false));

    return df
        .withColumn(ScoreColumns.CLV_TIER, when(col(TMP_HAS_CLV),
            when(pr.geq(settings.clvHighPercentile()), lit(InfluenceScoring.TIER_HIGH))
                .when(pr.geq(settings.clvMediumPercentile()), lit(InfluenceScoring.TIER_MEDIUM))
                .otherwise(lit(InfluenceScoring.TIER_LOW))))
        .withColumn(ScoreColumns.VALUE_QUADRANT,
            when(highClv.and(highInfluence), lit(CHAMPION))
                .when(highInfluence, lit(HIDDEN_INFLUENCER))
                .when(highClv, lit(SPENDER))
                .otherwise(lit(LOW_VALUE)))
        .withColumn(ScoreColumns.RISK_FLAG, churnRisk.or(detractor))
        .drop(TMP_HAS_CLV);
  }

  /**
   * The {@code n} hidden influencers with the highest influence score (ties by customer_key), for
   * outreach lists. Pass one as-of date: the ranking does not partition by date.
   *
   * @param scored output of {@link #apply}
   */
  public static Dataset<Row> topHiddenInfluencers(Dataset<Row> scored, int n) {
    if (n < 0) {
      throw new IllegalArgumentException("topHiddenInfluencers: n must be >= 0, got " + n);
    }
    StructType schema = scored.schema();
    String stage = "ValueQuadrantScoring.topHiddenInfluencers";
    StageSchema.require(schema, stage, ScoreColumns.VALUE_QUADRANT, Kind.STRING);
    StageSchema.require(schema, stage, ScoreColumns.INFLUENCE_SCORE, Kind.NUMERIC);
    StageSchema.require(schema, stage, ScoreColumns.CUSTOMER_KEY, Kind.INTEGRAL);
    return scored
        .where(col(ScoreColumns.VALUE_QUADRANT).equalTo(HIDDEN_INFLUENCER))
        .orderBy(col(ScoreColumns.INFLUENCE_SCORE).desc(), col(FeatureColumns.CUSTOMER_KEY).asc())
        .limit(n);
  }
}
