package io.centraal.scoring.privacy;

import io.centraal.scoring.schema.BronzeSchema;
import io.centraal.scoring.schema.FeatureColumns;
import io.centraal.scoring.schema.InputColumns.Audience;
import io.centraal.scoring.schema.InputColumns.Clickstream;
import io.centraal.scoring.schema.InputColumns.Consent;
import io.centraal.scoring.schema.InputColumns.Follows;
import io.centraal.scoring.schema.InputColumns.IdentityLinks;
import io.centraal.scoring.schema.InputColumns.Reviews;
import io.centraal.scoring.schema.InputColumns.Transactions;
import io.centraal.scoring.schema.LogColumns;
import io.centraal.scoring.schema.SourceContract;
import io.centraal.scoring.schema.SourceContracts;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Where personal references live in the bronze tables, in one place: e-mail hashing at ingest,
 * erasure and the no-statistics table property all read it.
 */
public final class PersonalData {
  private PersonalData() {}

  /**
   * Columns of each source that hold a reference to a person. A row carrying an erased person's
   * reference in one of them is deleted on erasure (except {@link #SECONDARY_REFERENCES}).
   */
  public static final Map<String, List<String>> REFERENCE_COLUMNS = Map.of(
      SourceContracts.TRANSACTIONS, List.of(Transactions.CUSTOMER_REF),
      SourceContracts.CLICKSTREAM, List.of(Clickstream.USER_REF, Clickstream.ANONYMOUS_ID, Clickstream.REFERRER_REF),
      SourceContracts.REVIEWS, List.of(Reviews.AUTHOR_REF),
      SourceContracts.IDENTITY_LINKS, List.of(IdentityLinks.REF_A, IdentityLinks.REF_B),
      SourceContracts.FOLLOWS, List.of(Follows.FOLLOWER_REF, Follows.FOLLOWED_REF),
      SourceContracts.AUDIENCE, List.of(Audience.REF),
      SourceContracts.CONSENT, List.of(Consent.CUSTOMER_REF));

  /**
   * Reference columns that name another person than the row's subject: a clickstream event of a
   * visitor who came through the erased person's shared link belongs to the visitor, so erasure
   * blanks the referrer instead of deleting the visitor's event.
   */
  public static final Map<String, List<String>> SECONDARY_REFERENCES = Map.of(
      SourceContracts.CLICKSTREAM, List.of(Clickstream.REFERRER_REF));

  /** Delta property naming the only columns that get min/max statistics in the transaction log. */
  public static final String STATS_COLUMNS_PROPERTY = "delta.dataSkippingStatsColumns";

  public static List<String> referenceColumns(String source) {
    List<String> columns = REFERENCE_COLUMNS.get(source);
    if (columns == null) {
      throw new IllegalArgumentException("no reference columns known for source '" + source + "'");
    }
    return columns;
  }

  /** Reference columns of a source whose matching rows are deleted (not blanked) on erasure. */
  public static List<String> primaryReferenceColumns(String source) {
    List<String> secondary = SECONDARY_REFERENCES.getOrDefault(source, List.of());
    return referenceColumns(source).stream().filter(c -> !secondary.contains(c)).toList();
  }

  /**
   * Table properties of a bronze source table. Delta writes each file's min/max values per column
   * into the transaction log, which VACUUM never cleans: a reference or a review text there would
   * outlive its erasure. So only non-text columns (timestamps, amounts, dates) get statistics.
   */
  public static Map<String, String> bronzeTableProperties(SourceContract contract) {
    return statsOnlyOn(BronzeSchema.of(contract));
  }

  /** The quarantine keeps raw lines: statistics only on the line number (the date is the partition). */
  public static Map<String, String> quarantineTableProperties() {
    return Map.of(STATS_COLUMNS_PROPERTY, LogColumns.SOURCE_LINE);
  }

  /** The identity map: statistics on the date only, never on the reference or the key (see {@link #customerTableProperties}). */
  public static Map<String, String> identityMapTableProperties() {
    return Map.of(STATS_COLUMNS_PROPERTY, LogColumns.FIRST_SEEN_AS_OF);
  }

  /**
   * A silver or gold table keyed by customer: statistics on numeric and date columns but never on
   * customer_key or text. Delta writes a file's min/max into the transaction log, which erasure's
   * VACUUM does not clean, so an erased customer's key would stay there as a file's minimum.
   */
  public static Map<String, String> customerTableProperties(StructType schema, List<String> partitionColumns) {
    // Delta refuses statistics on partition columns (their values are in the file paths anyway).
    String columns = Arrays.stream(schema.fields())
        .filter(f -> isScalarNonText(f) && !f.name().equals(FeatureColumns.CUSTOMER_KEY)
            && !partitionColumns.contains(f.name()))
        .map(StructField::name)
        .collect(Collectors.joining(","));
    return columns.isEmpty() ? Map.of("delta.dataSkippingNumIndexedCols", "0")
        : Map.of(STATS_COLUMNS_PROPERTY, columns);
  }

  /** Statistics only on numeric, date and timestamp columns: never on text, where references live. */
  static Map<String, String> statsOnlyOn(StructType schema) {
    String columns = Arrays.stream(schema.fields())
        .filter(f -> isScalarNonText(f))
        .map(StructField::name)
        .collect(Collectors.joining(","));
    return Map.of(STATS_COLUMNS_PROPERTY, columns);
  }

  private static boolean isScalarNonText(StructField f) {
    // Delta keeps statistics only on numeric, date and timestamp columns among the non-text ones.
    return f.dataType() instanceof org.apache.spark.sql.types.NumericType
        || f.dataType().equals(DataTypes.DateType) || f.dataType().equals(DataTypes.TimestampType);
  }
}
