package io.centraal.scoring.demo;

import io.centraal.scoring.schema.InputColumns.Audience;
import io.centraal.scoring.schema.InputColumns.Clickstream;
import io.centraal.scoring.schema.InputColumns.Consent;
import io.centraal.scoring.schema.InputColumns.Follows;
import io.centraal.scoring.schema.InputColumns.IdentityLinks;
import io.centraal.scoring.schema.InputColumns.Reviews;
import io.centraal.scoring.schema.InputColumns.Transactions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Schemas of the demo exports, in the column order they are written. Timestamps and amounts are
 * strings on purpose: they are written pre-formatted (and a few bad rows hold unparsable text), so
 * these are also the schemas to read the raw exports back with before parsing.
 */
public final class DemoSchemas {
  private DemoSchemas() {}

  /** {@code transactions/} (CSV): ts {@code yyyy-MM-dd HH:mm:ss}, amount/margin {@code -?\d+\.\d\d}. */
  public static final StructType TRANSACTIONS = new StructType(new StructField[] {
      string(Transactions.TRANSACTION_ID),
      string(Transactions.CUSTOMER_REF),
      string(Transactions.TS),
      string(Transactions.AMOUNT),
      string(Transactions.CHANNEL),
      string(Transactions.STORE_ID),
      field(Transactions.QUANTITY, DataTypes.IntegerType),
      string(Transactions.MARGIN),
      string(Transactions.CURRENCY)});

  /** {@code clickstream/} (JSON lines): ts {@code yyyy-MM-dd'T'HH:mm:ss'Z'}. */
  public static final StructType CLICKSTREAM = new StructType(new StructField[] {
      string(Clickstream.EVENT_ID),
      string(Clickstream.TS),
      string(Clickstream.EVENT_TYPE),
      string(Clickstream.USER_REF),
      string(Clickstream.ANONYMOUS_ID),
      string(Clickstream.SESSION_ID),
      string(Clickstream.PRODUCT_ID),
      string(Clickstream.REFERRER_REF)});

  /** {@code reviews/} (JSON lines): ts {@code yyyy-MM-dd'T'HH:mm:ss'Z'}. */
  public static final StructType REVIEWS = new StructType(new StructField[] {
      string(Reviews.REVIEW_ID),
      string(Reviews.AUTHOR_REF),
      string(Reviews.PRODUCT_ID),
      string(Reviews.TS),
      field(Reviews.RATING, DataTypes.IntegerType),
      string(Reviews.TEXT),
      field(Reviews.HELPFUL_VOTES, DataTypes.IntegerType),
      field(Reviews.TOTAL_VOTES, DataTypes.IntegerType),
      field(Reviews.VERIFIED_PURCHASE, DataTypes.BooleanType)});

  /** {@code identity_links/} (CSV). */
  public static final StructType IDENTITY_LINKS = new StructType(new StructField[] {
      string(IdentityLinks.REF_A), string(IdentityLinks.REF_B), string(IdentityLinks.LINK_TYPE)});

  /** {@code follows/} (CSV). */
  public static final StructType FOLLOWS = new StructType(new StructField[] {
      string(Follows.FOLLOWER_REF), string(Follows.FOLLOWED_REF)});

  /** {@code audience/} (CSV). */
  public static final StructType AUDIENCE = new StructType(new StructField[] {
      string(Audience.REF), field(Audience.AUDIENCE_SIZE, DataTypes.LongType)});

  /** {@code consent/} (CSV): updated_ts {@code yyyy-MM-dd HH:mm:ss}. */
  public static final StructType CONSENT = new StructType(new StructField[] {
      string(Consent.CUSTOMER_REF),
      field(Consent.PROFILING_ALLOWED, DataTypes.BooleanType),
      field(Consent.MARKETING_ALLOWED, DataTypes.BooleanType),
      string(Consent.UPDATED_TS)});

  /** {@code truth/} (Parquet): one row per generated person. */
  public static final StructType TRUTH = new StructType(new StructField[] {
      new StructField(DemoColumns.Truth.PERSON_ID, DataTypes.LongType, false, Metadata.empty()),
      string(DemoColumns.Truth.CARD_REF),
      string(DemoColumns.Truth.ACCOUNT_REF),
      string(DemoColumns.Truth.EMAIL_REF),
      string(DemoColumns.Truth.SEGMENT),
      string(DemoColumns.Truth.CHANNEL_PROFILE),
      field(DemoColumns.Truth.LAMBDA_PER_DAY, DataTypes.DoubleType),
      field(DemoColumns.Truth.DROPOUT_P, DataTypes.DoubleType),
      field(DemoColumns.Truth.NU, DataTypes.DoubleType),
      field(DemoColumns.Truth.EXPECTED_SPEND, DataTypes.DoubleType),
      field(DemoColumns.Truth.FIRST_PURCHASE_DATE, DataTypes.DateType),
      field(DemoColumns.Truth.T_DAYS, DataTypes.DoubleType),
      field(DemoColumns.Truth.DROPOUT_DATE, DataTypes.DateType),
      field(DemoColumns.Truth.N_PURCHASES, DataTypes.IntegerType),
      field(DemoColumns.Truth.N_REPEAT_PURCHASES, DataTypes.IntegerType),
      field(DemoColumns.Truth.N_PURCHASE_DAYS, DataTypes.IntegerType),
      field(DemoColumns.Truth.TOTAL_SPEND, DataTypes.createDecimalType(18, 2)),
      string(DemoColumns.Truth.REFERRED_BY),
      field(DemoColumns.Truth.N_REFERRED_CUSTOMERS, DataTypes.LongType),
      field(DemoColumns.Truth.PROFILING_ALLOWED, DataTypes.BooleanType),
      field(DemoColumns.Truth.MARKETING_ALLOWED, DataTypes.BooleanType)});

  /** A generated table plus the internal bad-row marker (dropped before writing). */
  static StructType withBadKind(StructType schema) {
    return schema.add(string(DemoColumns.TMP_BAD_KIND));
  }

  /**
   * The truth rows as generated by the executors: dates as epoch days (IntegerType, converted to
   * dates afterwards so the encoder does not depend on the session's java8API setting) and without
   * the referral count (joined on afterwards).
   */
  static final StructType TRUTH_GENERATED = truthGenerated();

  private static StructType truthGenerated() {
    StructType out = new StructType();
    for (StructField f : TRUTH.fields()) {
      if (f.name().equals(DemoColumns.Truth.N_REFERRED_CUSTOMERS)) {
        continue;
      }
      out = out.add(f.dataType().equals(DataTypes.DateType) ? field(f.name(), DataTypes.IntegerType) : f);
    }
    return out;
  }

  private static StructField string(String name) {
    return field(name, DataTypes.StringType);
  }

  private static StructField field(String name, DataType type) {
    return new StructField(name, type, true, Metadata.empty());
  }
}
