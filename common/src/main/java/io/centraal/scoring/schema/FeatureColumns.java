package io.centraal.scoring.schema;

/**
 * Columns of the silver {@code customer_features} table: one row per customer_key per as_of_date.
 * Time quantities in the BTYD summary (recency, t) are expressed in the configured time unit
 * (days or weeks); the unit is recorded with every model run.
 */
public final class FeatureColumns {
  private FeatureColumns() {}

  public static final String CUSTOMER_KEY = "customer_key";
  public static final String AS_OF_DATE = "as_of_date";

  // Purchases (offline + online transactions, returns netted per purchase period).
  public static final String FIRST_PURCHASE_DATE = "first_purchase_date";
  public static final String LAST_PURCHASE_DATE = "last_purchase_date";
  public static final String N_TRANSACTIONS = "n_transactions";
  public static final String PURCHASE_PERIODS = "purchase_periods";
  public static final String TOTAL_SPEND = "total_spend";
  public static final String TOTAL_MARGIN = "total_margin";
  /** Margin as a fraction of revenue (nullable double); CLV on margin multiplies by it. */
  public static final String MARGIN_RATE = "margin_rate";
  public static final String RETURNS_COUNT = "returns_count";
  public static final String RETURNS_AMOUNT = "returns_amount";
  public static final String AVG_PURCHASE_VALUE = "avg_purchase_value";
  public static final String DAYS_SINCE_LAST_PURCHASE = "days_since_last_purchase";
  public static final String SHARE_STORE = "share_store";
  public static final String SHARE_ONLINE = "share_online";

  // BTYD summary (Fader-Hardie convention): repeat periods, time of last, age, mean repeat spend.
  public static final String FREQUENCY = "frequency";
  public static final String RECENCY = "recency";
  public static final String T = "t";
  public static final String MONETARY_VALUE = "monetary_value";

  // Online engagement.
  public static final String SESSIONS = "sessions";
  public static final String PAGE_VIEWS = "page_views";
  public static final String PRODUCT_VIEWS = "product_views";
  public static final String CART_ADDS = "cart_adds";
  public static final String SEARCHES = "searches";
  public static final String SHARES = "shares";
  public static final String ACTIVE_DAYS_ONLINE = "active_days_online";
  public static final String DAYS_SINCE_LAST_VISIT = "days_since_last_visit";

  // Review behaviour.
  public static final String REVIEW_COUNT = "review_count";
  public static final String REVIEW_COUNT_DECAYED = "review_count_decayed";
  public static final String DAYS_SINCE_LAST_REVIEW = "days_since_last_review";
  public static final String AVG_RATING = "avg_rating";
  public static final String HELPFUL_VOTES = "helpful_votes";
  public static final String TOTAL_VOTES = "total_votes";
  public static final String AVG_REVIEW_LENGTH = "avg_review_length";
  public static final String AVG_SENTIMENT = "avg_sentiment";
  public static final String VERIFIED_SHARE = "verified_share";
  public static final String RATING_EXTREMITY = "rating_extremity";
  public static final String PROMOTER_REVIEWS = "promoter_reviews";
  public static final String DETRACTOR_REVIEWS = "detractor_reviews";
  /**
   * Mean self-information of the products a customer reviewed, log2(reviewers / the product's
   * reviewers): high for reviewers of the long tail. Computed from per-product statistics
   * ({@code ReviewProductSignals}); null for a customer without a review that names a product.
   */
  public static final String REVIEW_NOVELTY = "review_novelty";
  /**
   * Mean share of the other reviews of the same product written on a later day: high for reviewers
   * who review a product before most others do. Null like {@link #REVIEW_NOVELTY}, and also when
   * nobody else reviewed the customer's products.
   */
  public static final String REVIEW_EARLINESS = "review_earliness";

  // Reach and referrals.
  public static final String FOLLOWERS = "followers";
  public static final String AUDIENCE_SIZE = "audience_size";
  public static final String REFERRED_VISITORS = "referred_visitors";
  public static final String REFERRED_CUSTOMERS = "referred_customers";
  public static final String REFERRED_REVENUE = "referred_revenue";
  /** Customer referral value: referred customers' margin in the window, discounted to the referred visit. */
  public static final String REFERRAL_VALUE = "referral_value";

  // Consent (latest state as of the date; absent consent record = not allowed).
  public static final String PROFILING_ALLOWED = "profiling_allowed";
  public static final String MARKETING_ALLOWED = "marketing_allowed";

  // Silver follow edges after identity resolution (one row per edge: follower follows followed).
  public static final String FOLLOWER_KEY = "follower_key";
  public static final String FOLLOWED_KEY = "followed_key";
}
