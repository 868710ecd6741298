package io.centraal.scoring.schema;

import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;

import io.centraal.scoring.schema.InputColumns.Audience;
import io.centraal.scoring.schema.InputColumns.Clickstream;
import io.centraal.scoring.schema.InputColumns.Consent;
import io.centraal.scoring.schema.InputColumns.Follows;
import io.centraal.scoring.schema.InputColumns.IdentityLinks;
import io.centraal.scoring.schema.InputColumns.Reviews;
import io.centraal.scoring.schema.InputColumns.Transactions;
import io.centraal.scoring.schema.SourceContract.Field;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The canonical input contracts (what a source mapping maps onto), in one place. */
public final class SourceContracts {
  private SourceContracts() {}

  public static final String TRANSACTIONS = "transactions";
  public static final String CLICKSTREAM = "clickstream";
  public static final String REVIEWS = "reviews";
  public static final String IDENTITY_LINKS = "identity_links";
  public static final String FOLLOWS = "follows";
  public static final String AUDIENCE = "audience";
  public static final String CONSENT = "consent";

  public static final SourceContract TRANSACTIONS_CONTRACT = new SourceContract(TRANSACTIONS, List.of(
      new Field(Transactions.TRANSACTION_ID, StringType, true),
      // Not required: anonymous till sales count for totals, not for customer scores.
      new Field(Transactions.CUSTOMER_REF, StringType, false),
      new Field(Transactions.TS, TimestampType, true),
      new Field(Transactions.AMOUNT, DoubleType, true),
      new Field(Transactions.CHANNEL, StringType, true),
      new Field(Transactions.STORE_ID, StringType, false),
      new Field(Transactions.QUANTITY, DoubleType, false),
      new Field(Transactions.MARGIN, DoubleType, false),
      new Field(Transactions.CURRENCY, StringType, false)),
      List.of(Transactions.TRANSACTION_ID), Optional.of(Transactions.TS));

  public static final SourceContract CLICKSTREAM_CONTRACT = new SourceContract(CLICKSTREAM, List.of(
      new Field(Clickstream.EVENT_ID, StringType, true),
      new Field(Clickstream.TS, TimestampType, true),
      new Field(Clickstream.EVENT_TYPE, StringType, true),
      new Field(Clickstream.USER_REF, StringType, false),
      new Field(Clickstream.ANONYMOUS_ID, StringType, false),
      new Field(Clickstream.SESSION_ID, StringType, false),
      new Field(Clickstream.PRODUCT_ID, StringType, false),
      new Field(Clickstream.REFERRER_REF, StringType, false)),
      List.of(Clickstream.EVENT_ID), Optional.of(Clickstream.TS));

  public static final SourceContract REVIEWS_CONTRACT = new SourceContract(REVIEWS, List.of(
      new Field(Reviews.REVIEW_ID, StringType, true),
      new Field(Reviews.AUTHOR_REF, StringType, true),
      new Field(Reviews.PRODUCT_ID, StringType, true),
      new Field(Reviews.TS, TimestampType, true),
      new Field(Reviews.RATING, IntegerType, true),
      new Field(Reviews.TEXT, StringType, false),
      new Field(Reviews.HELPFUL_VOTES, LongType, false),
      new Field(Reviews.TOTAL_VOTES, LongType, false),
      new Field(Reviews.VERIFIED_PURCHASE, BooleanType, false)),
      List.of(Reviews.REVIEW_ID), Optional.of(Reviews.TS));

  public static final SourceContract IDENTITY_LINKS_CONTRACT = new SourceContract(IDENTITY_LINKS, List.of(
      new Field(IdentityLinks.REF_A, StringType, true),
      new Field(IdentityLinks.REF_B, StringType, true),
      new Field(IdentityLinks.LINK_TYPE, StringType, false)),
      List.of(IdentityLinks.REF_A, IdentityLinks.REF_B), Optional.empty());

  public static final SourceContract FOLLOWS_CONTRACT = new SourceContract(FOLLOWS, List.of(
      new Field(Follows.FOLLOWER_REF, StringType, true),
      new Field(Follows.FOLLOWED_REF, StringType, true)),
      List.of(Follows.FOLLOWER_REF, Follows.FOLLOWED_REF), Optional.empty());

  public static final SourceContract AUDIENCE_CONTRACT = new SourceContract(AUDIENCE, List.of(
      new Field(Audience.REF, StringType, true),
      new Field(Audience.AUDIENCE_SIZE, LongType, true)),
      List.of(Audience.REF), Optional.empty());

  public static final SourceContract CONSENT_CONTRACT = new SourceContract(CONSENT, List.of(
      new Field(Consent.CUSTOMER_REF, StringType, true),
      new Field(Consent.PROFILING_ALLOWED, BooleanType, true),
      new Field(Consent.MARKETING_ALLOWED, BooleanType, true),
      new Field(Consent.UPDATED_TS, TimestampType, true)),
      List.of(Consent.CUSTOMER_REF, Consent.UPDATED_TS), Optional.of(Consent.UPDATED_TS));

  /** All contracts in ingest order. */
  public static final List<SourceContract> ALL = List.of(TRANSACTIONS_CONTRACT, CLICKSTREAM_CONTRACT,
      REVIEWS_CONTRACT, IDENTITY_LINKS_CONTRACT, FOLLOWS_CONTRACT, AUDIENCE_CONTRACT, CONSENT_CONTRACT);

  private static final Map<String, SourceContract> BY_NAME =
      ALL.stream().collect(Collectors.toMap(SourceContract::name, Function.identity()));

  public static SourceContract byName(String name) {
    SourceContract c = BY_NAME.get(name);
    if (c == null) {
      throw new IllegalArgumentException("unknown source '" + name + "'; known sources: " + BY_NAME.keySet());
    }
    return c;
  }
}
