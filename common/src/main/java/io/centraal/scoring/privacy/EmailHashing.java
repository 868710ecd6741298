package io.centraal.scoring.privacy;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import io.centraal.scoring.schema.InputColumns.IdentityLinks;
import io.centraal.scoring.schema.SourceContract;
import io.centraal.scoring.schema.SourceContracts;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Pseudonymises e-mail references at ingest: every reference that is an e-mail becomes the keyed
 * hash (HMAC-SHA256, hex) of the trimmed, lower-cased address, so "Jan@X.nl " and "jan@x.nl"
 * resolve to one customer and the address itself never reaches a bronze table.
 *
 * <p>A reference is an e-mail when it contains an '@' (in any reference column of any source; no
 * card number, account id or cookie does), or when it is {@code ref_b} of an identity link whose
 * {@code link_type} is one of {@code centraal.privacy.email-link-types} (for upstreams that deliver
 * an opaque e-mail id).
 */
public final class EmailHashing {
  private EmailHashing() {}

  /** Normalisation before hashing, the same at ingest and at erasure. */
  public static String normalise(String email) {
    return email.trim().toLowerCase(Locale.ROOT);
  }

  /** Which rows' column {@code column} holds an e-mail. */
  static Column isEmail(SourceContract contract, String column, List<String> emailLinkTypes) {
    Column hasAt = col(column).contains("@");
    if (contract.name().equals(SourceContracts.IDENTITY_LINKS) && column.equals(IdentityLinks.REF_B)
        && !emailLinkTypes.isEmpty()) {
      return hasAt.or(col(IdentityLinks.LINK_TYPE).isin(emailLinkTypes.toArray()));
    }
    return hasAt;
  }

  /**
   * The rows with every e-mail reference replaced by its keyed hash. The key is asked for only
   * when an e-mail is present, so sources without e-mails (e.g. CDNOW) need no key; a missing key
   * fails naming the variable and where the e-mails were found.
   */
  public static Dataset<Row> apply(Dataset<Row> rows, SourceContract contract, PrivacySettings privacy,
                                   Supplier<KeyedHash> key) {
    List<String> columns = PersonalData.referenceColumns(contract.name());
    if (columns.isEmpty()) {
      return rows;
    }
    KeyedHash hash;
    try {
      hash = key.get();
    } catch (io.centraal.scoring.run.InvalidConfigException e) {
      // Only without a key does it matter whether e-mails are present: a scan decides (with a key
      // the hash is simply applied, and no Spark job is spent looking).
      Column any = lit(false);
      for (String c : columns) {
        any = any.or(isEmail(contract, c, privacy.emailLinkTypes()).and(col(c).isNotNull()));
      }
      if (rows.where(any).isEmpty()) {
        return rows;
      }
      throw new io.centraal.scoring.run.InvalidConfigException("source '" + contract.name()
          + "' has e-mail references in " + columns + ", which are hashed at ingest: " + e.getMessage(), e);
    }
    Dataset<Row> out = rows;
    for (String c : columns) {
      out = out.withColumn(c, when(isEmail(contract, c, privacy.emailLinkTypes()).and(col(c).isNotNull()),
          hash.column(lower(trim(col(c))))).otherwise(col(c)));
    }
    return out;
  }
}
