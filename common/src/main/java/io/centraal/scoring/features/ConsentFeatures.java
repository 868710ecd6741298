package io.centraal.scoring.features;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.struct;

import io.centraal.scoring.schema.FeatureColumns;
import io.centraal.scoring.schema.InputColumns.Consent;
import java.time.LocalDate;
import java.util.List;
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
    return consentAtDates(consent, identityMap, List.of(asOf)).drop(Keyed.AS_OF);
  }

  /** {@link #consent} per customer and as-of date, for each of {@code dates}. */
  static Dataset<Row> consentAtDates(Dataset<Row> consent, Dataset<Row> identityMap, List<LocalDate> dates) {
    Dataset<Row> latest = Keyed.atDatesOfTs(consent, Consent.UPDATED_TS, dates)
        .groupBy(col(Consent.CUSTOMER_REF), Keyed.asOf())
        .agg(max_by(struct(col(Consent.PROFILING_ALLOWED), col(Consent.MARKETING_ALLOWED)),
            col(Consent.UPDATED_TS)).as("_tmp_latest"));
    return Keyed.withKey(latest, Consent.CUSTOMER_REF, identityMap, FeatureColumns.CUSTOMER_KEY)
        .groupBy(col(FeatureColumns.CUSTOMER_KEY), Keyed.asOf())
        .agg(min(col("_tmp_latest." + Consent.PROFILING_ALLOWED).cast("int")).cast("boolean")
                .as(FeatureColumns.PROFILING_ALLOWED),
            min(col("_tmp_latest." + Consent.MARKETING_ALLOWED).cast("int")).cast("boolean")
                .as(FeatureColumns.MARKETING_ALLOWED));
  }
}
