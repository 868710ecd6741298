package io.centraal.scoring.schema;

/**
 * Columns of the gold {@code customer_scores} table (README, "Outputs"; the JSON schema under resources/schemas).
 * Horizon-dependent columns carry the horizon label, e.g. {@code clv_12m}; the horizon, unit and
 * discount rate are stated in the table properties.
 */
public final class ScoreColumns {
  private ScoreColumns() {}

  public static final String CUSTOMER_KEY = FeatureColumns.CUSTOMER_KEY;
  public static final String AS_OF_DATE = FeatureColumns.AS_OF_DATE;
  public static final String RUN_ID = "run_id";
  public static final String CLV_MODEL_VERSION = "clv_model_version";
  public static final String CHURN_MODEL_VERSION = "churn_model_version";
  public static final String INFLUENCE_MODEL_VERSION = "influence_model_version";

  // RFM.
  public static final String RFM_R = "rfm_r";
  public static final String RFM_F = "rfm_f";
  public static final String RFM_M = "rfm_m";
  public static final String RFM_SEGMENT = "rfm_segment";

  // BTYD / CLV.
  public static final String P_ALIVE = "p_alive";
  public static final String EXPECTED_AVG_SPEND = "expected_avg_spend";
  public static final String CLV_TIER = "clv_tier";
  /**
   * Why a customer's CLV is what it is: modelled, spend_fallback, not_identified,
   * spend_not_identified or no_purchase (see {@code ClvModels}).
   */
  public static final String CLV_STATUS = "clv_status";
  /**
   * Which fit scored the customer's CLV under {@code score.clv.fit-by}: the customer's group when it
   * has its own fit, {@code pooled} otherwise; null when fits are pooled for everyone.
   */
  public static final String CLV_FIT_GROUP = "clv_fit_group";

  /** Expected number of purchases over the horizon, e.g. {@code expected_purchases_12m}. */
  public static String expectedPurchases(String horizonLabel) {
    return "expected_purchases_" + horizonLabel;
  }

  /** Discounted customer lifetime value over the horizon, e.g. {@code clv_12m}. */
  public static String clv(String horizonLabel) {
    return "clv_" + horizonLabel;
  }

  /**
   * Lower and upper bound of a score from parameter uncertainty ({@code score.clv.intervals}, P10 and
   * P90 by default), e.g. {@code clv_12m_lower}: named by role, not by quantile, so a change of the
   * quantiles does not change the table's columns.
   */
  public static String lower(String score) {
    return score + "_lower";
  }

  /** See {@link #lower}. */
  public static String upper(String score) {
    return score + "_upper";
  }

  /** The interval columns of the CLV scores, in table order: P(alive), expected purchases, CLV. */
  public static java.util.List<String> clvIntervals(String horizonLabel) {
    return java.util.List.of(lower(P_ALIVE), upper(P_ALIVE), lower(expectedPurchases(horizonLabel)),
        upper(expectedPurchases(horizonLabel)), lower(clv(horizonLabel)), upper(clv(horizonLabel)));
  }

  // Churn.
  public static final String CHURN_RISK = "churn_risk";
  public static final String CHURN_BAND = "churn_band";

  // Influence and its components (each a 0..1 percentile rank before weighting).
  public static final String INFLUENCE_SCORE = "influence_score";
  public static final String INFLUENCE_TIER = "influence_tier";
  public static final String INF_REVIEWS = "influence_reviews";
  public static final String INF_REACH = "influence_reach";
  public static final String INF_REFERRALS = "influence_referrals";
  public static final String INF_ADVOCACY = "influence_advocacy";
  public static final String ADVOCACY = "advocacy";
  public static final String FOLLOWER_PAGERANK = "follower_pagerank";

  /** One influence signal's percent rank (0..1) as the score combines it, e.g. {@code influence_signal_frequency}. */
  public static String influenceSignal(String signal) {
    return "influence_signal_" + signal;
  }

  /** Whether any customer of the date is active on an influence signal (boolean). */
  public static String influencePresent(String signal) {
    return "influence_present_" + signal;
  }

  /** What influence is trained to predict: the outcome in the window after the cut-off (double, >= 0). */
  public static final String INFLUENCE_OUTCOME = "influence_outcome";

  // Combined.
  public static final String VALUE_QUADRANT = "value_quadrant";
  public static final String RISK_FLAG = "risk_flag";

  // RFM segment summary (RfmScoring.segmentSummary; a report table, not customer_scores).
  public static final String SEGMENT_CUSTOMERS = "customers";
  public static final String SEGMENT_CUSTOMER_SHARE = "customer_share";
  public static final String SEGMENT_TOTAL_VALUE = "total_value";
  public static final String SEGMENT_VALUE_SHARE = "value_share";
}
