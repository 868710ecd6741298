package io.centraal.scoring.demo;

/**
 * Column names the demo generator adds to the canonical input contracts: the ground-truth table
 * ({@code truth/}) and one internal marker column. The exported tables use
 * {@link io.centraal.scoring.schema.InputColumns} only.
 */
public final class DemoColumns {
  private DemoColumns() {}

  /**
   * Internal, never written: which {@link BadRowKind} a generated row is (null for good rows). Uses
   * the reserved {@code _tmp_} prefix.
   */
  static final String TMP_BAD_KIND = "_tmp_bad_kind";

  /** Internal, never written: the referrer account while counting referred customers. */
  static final String TMP_REFERRER = "_tmp_referrer";

  /** The ground truth per generated person ({@code truth/}, Parquet). */
  public static final class Truth {
    private Truth() {}
    /** Person number in [0, customers); the generator's own key, not an input reference. */
    public static final String PERSON_ID = "person_id";
    /** Loyalty card ({@code L........}); null for persons with only an online account. */
    public static final String CARD_REF = "card_ref";
    /** Online account ({@code U........}); null for persons with only a card. */
    public static final String ACCOUNT_REF = "account_ref";
    /** Hashed e-mail ({@code e-<hex>}) linked to the account; null without an account. */
    public static final String EMAIL_REF = "email_ref";
    /** {@code regular}, {@code planted_influencer} or {@code big_spender}. */
    public static final String SEGMENT = "segment";
    /** store_only, online_only, store_heavy, mixed or online_heavy. */
    public static final String CHANNEL_PROFILE = "channel_profile";
    /** True purchase rate per day (segment factor applied). */
    public static final String LAMBDA_PER_DAY = "lambda_per_day";
    /** True dropout probability after each repeat purchase (BG/NBD p). */
    public static final String DROPOUT_P = "dropout_p";
    /** True Gamma-Gamma nu (rate of the spend Gamma). */
    public static final String NU = "nu";
    /** Expected spend per purchase: segment spend factor * gamma-gamma p / nu, in EUR. */
    public static final String EXPECTED_SPEND = "expected_spend";
    /** Date of the first purchase. */
    public static final String FIRST_PURCHASE_DATE = "first_purchase_date";
    /** Days from the first purchase to the end of the window (BG/NBD T, continuous). */
    public static final String T_DAYS = "t_days";
    /** Date of the repeat purchase after which the person dropped out; null if alive at the end. */
    public static final String DROPOUT_DATE = "dropout_date";
    /** Purchases in the window, the first included. */
    public static final String N_PURCHASES = "n_purchases";
    /** Repeat purchases in the window (BG/NBD x) = n_purchases - 1. */
    public static final String N_REPEAT_PURCHASES = "n_repeat_purchases";
    /** Distinct purchase days (what a daily aggregation of the transactions sees). */
    public static final String N_PURCHASE_DAYS = "n_purchase_days";
    /** Sum of all purchases in EUR, returns not subtracted. */
    public static final String TOTAL_SPEND = "total_spend";
    /** Account of the customer whose shared link brought this person; null if not referred. */
    public static final String REFERRED_BY = "referred_by";
    /** Number of generated persons this person referred. */
    public static final String N_REFERRED_CUSTOMERS = "n_referred_customers";
    /** Final consent: profiling allowed. */
    public static final String PROFILING_ALLOWED = "profiling_allowed";
    /** Final consent: marketing allowed. */
    public static final String MARKETING_ALLOWED = "marketing_allowed";
  }

  /** Values of {@link Truth#SEGMENT}. */
  public static final class Segments {
    private Segments() {}
    public static final String REGULAR = "regular";
    public static final String PLANTED_INFLUENCER = "planted_influencer";
    public static final String BIG_SPENDER = "big_spender";
  }
}
