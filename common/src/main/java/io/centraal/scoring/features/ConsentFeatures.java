package io.centraal.scoring.features;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.struct;

import io.centraal.scoring.schema.FeatureColumns;
import io.centraal.scoring.schema.InputColumns.Consent;
import java.time.LocalDate;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Consent per customer as of a date: the latest record per reference wins; across a customer's
 * references the most restrictive answer wins (one objection is enough). Customers without any
 * record get the configured defaults (applied by {@link CustomerFeatures}).
 */
public final class ConsentFeatures {
  private ConsentFeatures() {}

  /** customer_key, profiling_allowed, marketing_allowed. */
  public static Dataset<Row> consent(Dataset<Row> consent, Dataset<Row> identityMap, LocalDate asOf) {
    Dataset<Row> latest = consent.where(Keyed.knownAt(Consent.UPDATED_TS, asOf))
        .groupBy(Consent.CUSTOMER_REF)
        .agg(max_by(struct(col(Consent.PROFILING_ALLOWED), col(Consent.MARKETING_ALLOWED)),
            col(Consent.UPDATED_TS)).as("_tmp_latest"));
    return Keyed.withKey(latest, Consent.CUSTOMER_REF, identityMap, FeatureColumns.CUSTOMER_KEY)
        .groupBy(FeatureColumns.CUSTOMER_KEY)
        .agg(min(col("_tmp_latest." + Consent.PROFILING_ALLOWED).cast("int")).cast("boolean")
                .as(FeatureColumns.PROFILING_ALLOWED),
            min(col("_tmp_latest." + Consent.MARKETING_ALLOWED).cast("int")).cast("boolean")
                .as(FeatureColumns.MARKETING_ALLOWED));
  }
}
