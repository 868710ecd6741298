package io.centraal.scoring.schema;

/**
 * Canonical column names of the input contracts (README, "Run on your own data").
 * Users map their own column names onto these in config; stages only ever see these names.
 */
public final class InputColumns {
  private InputColumns() {}

  /** Offline and online purchases; a negative amount is a return. */
  public static final class Transactions {
    private Transactions() {}
    public static final String TRANSACTION_ID = "transaction_id";
    public static final String CUSTOMER_REF = "customer_ref";
    public static final String TS = "ts";
    public static final String AMOUNT = "amount";
    public static final String CHANNEL = "channel";
    public static final String STORE_ID = "store_id";
    public static final String QUANTITY = "quantity";
    public static final String MARGIN = "margin";
    public static final String CURRENCY = "currency";
  }

  /** Web and app events. */
  public static final class Clickstream {
    private Clickstream() {}
    public static final String EVENT_ID = "event_id";
    public static final String TS = "ts";
    public static final String EVENT_TYPE = "event_type";
    public static final String USER_REF = "user_ref";
    public static final String ANONYMOUS_ID = "anonymous_id";
    public static final String SESSION_ID = "session_id";
    public static final String PRODUCT_ID = "product_id";
    public static final String REFERRER_REF = "referrer_ref";

    public static final String PAGE_VIEW = "page_view";
    public static final String PRODUCT_VIEW = "product_view";
    public static final String ADD_TO_CART = "add_to_cart";
    public static final String SEARCH = "search";
    public static final String SHARE = "share";
  }

  /** Product reviews. */
  public static final class Reviews {
    private Reviews() {}
    public static final String REVIEW_ID = "review_id";
    public static final String AUTHOR_REF = "author_ref";
    public static final String PRODUCT_ID = "product_id";
    public static final String TS = "ts";
    public static final String RATING = "rating";
    public static final String TEXT = "text";
    public static final String HELPFUL_VOTES = "helpful_votes";
    public static final String TOTAL_VOTES = "total_votes";
    public static final String VERIFIED_PURCHASE = "verified_purchase";
  }

  /** Known links between two references of one person (card - account - hashed e-mail - cookie). */
  public static final class IdentityLinks {
    private IdentityLinks() {}
    public static final String REF_A = "ref_a";
    public static final String REF_B = "ref_b";
    public static final String LINK_TYPE = "link_type";
  }

  /** Follow edges of the social graph: follower follows followed. */
  public static final class Follows {
    private Follows() {}
    public static final String FOLLOWER_REF = "follower_ref";
    public static final String FOLLOWED_REF = "followed_ref";
  }

  /** Audience size per reference (e.g. followers on an external platform). */
  public static final class Audience {
    private Audience() {}
    public static final String REF = "ref";
    public static final String AUDIENCE_SIZE = "audience_size";
  }

  /** Consent state per reference; the latest updated_ts wins. */
  public static final class Consent {
    private Consent() {}
    public static final String CUSTOMER_REF = "customer_ref";
    public static final String PROFILING_ALLOWED = "profiling_allowed";
    public static final String MARKETING_ALLOWED = "marketing_allowed";
    public static final String UPDATED_TS = "updated_ts";
  }
}
