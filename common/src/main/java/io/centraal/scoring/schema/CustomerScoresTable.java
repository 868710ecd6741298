package io.centraal.scoring.schema;

import java.util.List;

/** Column order of the gold {@code customer_scores} table (README, "Outputs"). */
public final class CustomerScoresTable {
  private CustomerScoresTable() {}

  public static List<String> columns(String horizonLabel) {
    return List.of(
        ScoreColumns.CUSTOMER_KEY, ScoreColumns.AS_OF_DATE, ScoreColumns.RUN_ID,
        ScoreColumns.CLV_MODEL_VERSION, ScoreColumns.CHURN_MODEL_VERSION, ScoreColumns.INFLUENCE_MODEL_VERSION,
        FeatureColumns.FIRST_PURCHASE_DATE, FeatureColumns.LAST_PURCHASE_DATE,
        FeatureColumns.FREQUENCY, FeatureColumns.RECENCY, FeatureColumns.T, FeatureColumns.MONETARY_VALUE,
        FeatureColumns.TOTAL_SPEND,
        ScoreColumns.RFM_R, ScoreColumns.RFM_F, ScoreColumns.RFM_M, ScoreColumns.RFM_SEGMENT,
        ScoreColumns.P_ALIVE, ScoreColumns.expectedPurchases(horizonLabel), ScoreColumns.EXPECTED_AVG_SPEND,
        ScoreColumns.clv(horizonLabel), ScoreColumns.CLV_TIER,
        ScoreColumns.CHURN_RISK, ScoreColumns.CHURN_BAND,
        ScoreColumns.INFLUENCE_SCORE, ScoreColumns.INFLUENCE_TIER, ScoreColumns.INF_REVIEWS, ScoreColumns.INF_REACH,
        ScoreColumns.INF_REFERRALS, ScoreColumns.INF_ADVOCACY, ScoreColumns.ADVOCACY,
        ScoreColumns.VALUE_QUADRANT, ScoreColumns.RISK_FLAG, FeatureColumns.MARKETING_ALLOWED,
        // Added in contract 1.1 (new columns are appended).
        FeatureColumns.REFERRAL_VALUE,
        // Added in contract 1.2.
        ScoreColumns.CLV_STATUS,
        // Added in contract 1.3: the CLV scores' intervals from parameter uncertainty.
        ScoreColumns.lower(ScoreColumns.P_ALIVE), ScoreColumns.upper(ScoreColumns.P_ALIVE),
        ScoreColumns.lower(ScoreColumns.expectedPurchases(horizonLabel)),
        ScoreColumns.upper(ScoreColumns.expectedPurchases(horizonLabel)),
        ScoreColumns.lower(ScoreColumns.clv(horizonLabel)), ScoreColumns.upper(ScoreColumns.clv(horizonLabel)),
        ScoreColumns.CLV_FIT_GROUP);
  }

  /** Columns of the marketing drop: scores a CRM can act on, no raw references. */
  public static List<String> marketingColumns(String horizonLabel) {
    return List.of(
        ScoreColumns.CUSTOMER_KEY, ScoreColumns.AS_OF_DATE, ScoreColumns.RFM_SEGMENT,
        ScoreColumns.P_ALIVE, ScoreColumns.clv(horizonLabel), ScoreColumns.CLV_TIER,
        ScoreColumns.CHURN_RISK, ScoreColumns.CHURN_BAND, ScoreColumns.INFLUENCE_SCORE, ScoreColumns.INFLUENCE_TIER,
        ScoreColumns.ADVOCACY, ScoreColumns.VALUE_QUADRANT, ScoreColumns.RISK_FLAG,
        // Added in contract 1.1.
        ScoreColumns.CLV_STATUS);
  }
}
