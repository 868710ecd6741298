package io.centraal.scoring.ingest;

import static org.apache.spark.sql.functions.array_distinct;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.transform;

import io.centraal.scoring.config.CentraalSettings;
import io.centraal.scoring.config.SourceSettings;
import io.centraal.scoring.dq.SourceValidator;
import io.centraal.scoring.io.DeltaTables;
import io.centraal.scoring.io.SourceReader;
import io.centraal.scoring.privacy.EmailHashing;
import io.centraal.scoring.privacy.HashKeys;
import io.centraal.scoring.privacy.PersonalData;
import io.centraal.scoring.run.DataQualityGateException;
import io.centraal.scoring.run.InvalidInputException;
import io.centraal.scoring.run.RunContext;
import io.centraal.scoring.schema.LogColumns;
import io.centraal.scoring.schema.OutputSchemas;
import io.centraal.scoring.schema.SourceContract;
import io.centraal.scoring.schema.SourceContracts;
import io.centraal.scoring.schema.TableNames;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;

/**
 * Ingests one source into its bronze Delta table: read, map and validate, write the rejected
 * rows to the quarantine slice of this as-of date and source, check the reject share, then MERGE
 * the accepted rows on their natural key (re-ingesting the same files inserts nothing).
 */
public final class Ingestion {
  private Ingestion() {}

  /**
   * What happened to one source. {@code read = accepted + quarantined}, always.
   *
   * @param inserted accepted rows whose natural key was new to bronze
   * @param reasons  quarantined rows per reason code (a row may have several)
   */
  public record SourceOutcome(String source, long read, long accepted, long quarantined, long inserted,
                              Map<String, Long> reasons) {}

  public static SourceOutcome ingest(SparkSession spark, CentraalSettings settings, SourceContract contract,
                                     RunContext ctx) {
    SourceSettings source = settings.sources().get(contract.name());
    CentraalSettings.Ingest ingest = settings.ingest();
    SourceValidator.Rules rules = new SourceValidator.Rules(ctx.asOfDate(), ingest.timestampFloor(),
        ingest.currencies(), ingest.ratingMin(), ingest.ratingMax(), ingest.maxAbsAmount());

    Dataset<Row> raw = SourceReader.read(spark, source).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      SourceValidator.Result result = SourceValidator.validate(raw, contract, source, rules);
      long read = raw.count();
      // E-mails are hashed before anything is written, so the address never reaches bronze.
      Dataset<Row> accepted = EmailHashing.apply(result.valid(), contract, settings.privacy(),
          () -> HashKeys.emailHash(settings.privacy())).persist(StorageLevel.MEMORY_AND_DISK());
      long acceptedCount = accepted.count();
      Dataset<Row> quarantine = toQuarantineRows(result.quarantined(), contract.name(), ctx)
          .persist(StorageLevel.MEMORY_AND_DISK());
      long quarantinedCount = quarantine.count();
      if (read != acceptedCount + quarantinedCount) {
        throw new IllegalStateException("source '" + contract.name() + "': read " + read + " rows but accepted "
            + acceptedCount + " + quarantined " + quarantinedCount + "; a row was lost");
      }
      if (read == 0 && contract.name().equals(SourceContracts.TRANSACTIONS)) {
        throw new InvalidInputException("source 'transactions' at " + source.path()
            + " has no data rows (header only?): nothing to score");
      }

      String quarantinePath = settings.paths().bronze(TableNames.QUARANTINE);
      DeltaTables.ensureTable(spark, quarantinePath, OutputSchemas.QUARANTINE, List.of(LogColumns.AS_OF_DATE),
          PersonalData.quarantineTableProperties());
      DeltaTables.replaceSlice(quarantine, quarantinePath, LogColumns.AS_OF_DATE + " = " + ctx.asOfLiteral()
          + " AND " + LogColumns.SOURCE + " = '" + contract.name() + "'");
      Map<String, Long> reasons = reasonCounts(quarantine);
      quarantine.unpersist();

      double share = read == 0 ? 0.0 : (double) quarantinedCount / read;
      if (share > ingest.maxRejectShare()) {
        throw new DataQualityGateException(String.format(
            "source '%s' (as of %s): %d of %d rows (%.2f%%) quarantined, above centraal.ingest.max-reject-share"
                + " = %.2f%%; reasons %s; see the quarantine table at %s",
            contract.name(), ctx.asOfDate(), quarantinedCount, read, 100 * share,
            100 * ingest.maxRejectShare(), reasons, quarantinePath));
      }

      String bronzePath = settings.paths().bronze(contract.name());
      DeltaTables.ensureTable(spark, bronzePath, bronzeSchema(contract), List.of(),
          PersonalData.bronzeTableProperties(contract));
      Dataset<Row> bronzeRows = accepted
          .withColumn(LogColumns.INGEST_RUN_ID, lit(ctx.runId()))
          .withColumn(LogColumns.INGEST_AS_OF_DATE, lit(java.sql.Date.valueOf(ctx.asOfDate())));
      long inserted = DeltaTables.insertNew(spark, bronzeRows, bronzePath, contract.naturalKey());
      accepted.unpersist();
      return new SourceOutcome(contract.name(), read, acceptedCount, quarantinedCount, inserted, reasons);
    } finally {
      raw.unpersist();
    }
  }

  /** The bronze schema: the contract's typed fields plus lineage. */
  public static org.apache.spark.sql.types.StructType bronzeSchema(SourceContract contract) {
    return contract.schema()
        .add(SourceReader.SOURCE_FILE, DataTypes.StringType)
        .add(LogColumns.INGEST_RUN_ID, DataTypes.StringType)
        .add(LogColumns.INGEST_AS_OF_DATE, DataTypes.DateType);
  }

  private static Dataset<Row> toQuarantineRows(Dataset<Row> quarantined, String source, RunContext ctx) {
    return quarantined.select(
        lit(java.sql.Date.valueOf(ctx.asOfDate())).as(LogColumns.AS_OF_DATE),
        lit(ctx.runId()).as(LogColumns.RUN_ID),
        lit(source).as(LogColumns.SOURCE),
        col(SourceReader.SOURCE_FILE).as(LogColumns.SOURCE_FILE),
        col(SourceReader.SOURCE_LINE).as(LogColumns.SOURCE_LINE),
        col(SourceValidator.RAW_RECORD).as(LogColumns.RAW_RECORD),
        array_distinct(transform(col(SourceValidator.ERRORS), e -> e.getField("rule"))).as(LogColumns.REASON_CODES),
        col(SourceValidator.ERRORS).as(LogColumns.ERRORS));
  }

  private static Map<String, Long> reasonCounts(Dataset<Row> quarantine) {
    Map<String, Long> counts = new LinkedHashMap<>();
    List<Row> rows = new ArrayList<>(quarantine.select(explode(col(LogColumns.REASON_CODES)).as("r"))
        .groupBy("r").count().orderBy(col("count").desc()).collectAsList());
    rows.forEach(r -> counts.put(r.getString(0), r.getLong(1)));
    return counts;
  }
}
