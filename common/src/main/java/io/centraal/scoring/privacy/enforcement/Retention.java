package io.centraal.scoring.privacy.enforcement;

import static org.apache.spark.sql.functions.col;

import io.centraal.scoring.config.CentraalSettings;
import io.centraal.scoring.io.DeltaTables;
import io.centraal.scoring.schema.InputColumns.Clickstream;
import io.centraal.scoring.schema.SourceContracts;
import io.delta.tables.DeltaTable;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * Storage limitation (GDPR Art. 5(1)(e)) for raw clickstream: bronze events older than
 * {@code centraal.privacy.clickstream-retention-months} before the as-of date are deleted, then the
 * table is VACUUMed with {@code retention-vacuum-hours}. Features only look back within the
 * retention, so scores of later dates do not depend on the deleted events.
 */
public final class Retention {
  private Retention() {}

  /** Events with a timestamp before this instant (UTC midnight) are deleted. */
  public static Timestamp clickstreamCutoff(LocalDate asOf, int months) {
    return Timestamp.from(asOf.minusMonths(months).atStartOfDay(ZoneOffset.UTC).toInstant());
  }

  /** Deletes old clickstream rows; returns how many. Running it twice deletes nothing the second time. */
  public static long enforceClickstream(SparkSession spark, CentraalSettings settings, LocalDate asOf) {
    String path = settings.paths().bronze(SourceContracts.CLICKSTREAM);
    if (!DeltaTables.exists(spark, path)) {
      return 0L;
    }
    Timestamp cutoff = clickstreamCutoff(asOf, settings.privacy().clickstreamRetentionMonths());
    long old = DeltaTables.read(spark, path).where(col(Clickstream.TS).lt(cutoff)).count();
    if (old > 0) {
      DeltaTable.forPath(spark, path).delete(col(Clickstream.TS).lt(cutoff));
      Erasure.vacuum(spark, List.of(path), settings.privacy().retentionVacuumHours());
    }
    return old;
  }

}
