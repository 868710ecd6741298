package io.centraal.scoring.ingest;

import static org.apache.spark.sql.functions.array_distinct;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.transform;

import io.centraal.scoring.config.CentraalSettings;
import io.centraal.scoring.io.SourceSettings;
import io.centraal.scoring.dq.ReasonCode;
import io.centraal.scoring.dq.SourceValidator;
import io.centraal.scoring.io.DeltaTables;
import io.centraal.scoring.io.Json;
import io.centraal.scoring.io.SourceReader;
import io.centraal.scoring.privacy.EmailHashing;
import io.centraal.scoring.privacy.HashKeys;
import io.centraal.scoring.privacy.PersonalData;
import io.centraal.scoring.run.DataQualityGateException;
import io.centraal.scoring.run.InvalidInputException;
import io.centraal.scoring.run.RunContext;
import io.centraal.scoring.schema.InputColumns.Transactions;
import io.centraal.scoring.schema.BronzeSchema;
import io.centraal.scoring.schema.LogColumns;
import io.centraal.scoring.schema.OutputSchemas;
import io.centraal.scoring.schema.SourceContract;
import io.centraal.scoring.schema.SourceContracts;
import io.centraal.scoring.schema.TableNames;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;

/**
 * Ingests one source into its bronze Delta table: read, map and validate (one scan of the input,
 * cached), write the rejected rows to the quarantine slice of this as-of date and source, check the
 * reject share, then MERGE the accepted rows on their natural key (re-ingesting the same files
 * inserts nothing). Rows dated after the as-of date are deferred to a later run (see
 * {@link SourceValidator.Rules}).
 */
public final class Ingestion {
  private Ingestion() {}

  /**
   * What happened to one source. {@code read = accepted + quarantined + deferred}, always.
   *
   * @param deferred     valid rows dated after the as-of date: not ingested now, a later run takes them
   * @param inserted     accepted rows whose natural key was new to bronze
   * @param anonymous    accepted transactions without a customer_ref (anonymous tills): in bronze
   *                     and in totals, not in customer scores
   * @param extraColumns the input's columns that no mapping uses (kept or ignored by config)
   * @param reasons      quarantined rows per reason code (a row may have several)
   */
  public record SourceOutcome(String source, long read, long accepted, long quarantined, long deferred,
                              long inserted, long anonymous, List<String> extraColumns, Map<String, Long> reasons) {
    /** The outcome as a JSON object, for run_log's detail. */
    public String toJson() {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("read", read);
      json.put("accepted", accepted);
      json.put("quarantined", quarantined);
      json.put("deferred", deferred);
      json.put("inserted", inserted);
      json.put("anonymous", anonymous);
      json.put("extra_columns", extraColumns);
      json.put("reasons", reasons);
      return Json.write(json);
    }
  }

  /** Ingest with the wall clock's day (UTC) as the ingest day; the job's entry point. */
  public static SourceOutcome ingest(SparkSession spark, CentraalSettings settings, SourceContract contract,
                                     RunContext ctx) {
    return ingest(spark, settings, contract, ctx, LocalDate.now(ZoneOffset.UTC));
  }

  /**
   * @param ingestDate the day the ingest runs: events dated after it (+ 1 day) cannot have happened
   *                   ({@link io.centraal.scoring.dq.ReasonCode#TS_IN_FUTURE})
   */
  public static SourceOutcome ingest(SparkSession spark, CentraalSettings settings, SourceContract contract,
                                     RunContext ctx, LocalDate ingestDate) {
    SourceSettings source = settings.sources().get(contract.name());
    CentraalSettings.Ingest ingest = settings.ingest();
    boolean keepExtra = ingest.extraColumns() == CentraalSettings.ExtraColumns.KEEP;
    SourceValidator.Rules rules = ingest.rules(ctx.asOfDate(), ingestDate, keepExtra);

    // One scan of the input: everything below (counts, quarantine, MERGE) reads this cache.
    try (Validated checked = validate(spark, source, contract, rules)) {
      SourceValidator.Result result = checked.result();
      if (checked.read() == 0 && contract.name().equals(SourceContracts.TRANSACTIONS)) {
        throw new InvalidInputException("source 'transactions' at " + source.path()
            + " has no data rows (header only?): nothing to score");
      }

      Dataset<Row> quarantine = toQuarantineRows(result.quarantined(), contract.name(), ctx);
      String quarantinePath = settings.paths().bronze(TableNames.QUARANTINE);
      DeltaTables.ensureTable(spark, quarantinePath, OutputSchemas.QUARANTINE, List.of(LogColumns.AS_OF_DATE),
          PersonalData.quarantineTableProperties());
      String slice = LogColumns.AS_OF_DATE + " = " + ctx.asOfLiteral() + " AND " + LogColumns.SOURCE + " = '"
          + contract.name() + "'";
      // A clean source whose slice holds no rows (no earlier run of this date quarantined any) has
      // nothing to replace: the look-up reads the pruned partition only, the replacement was a
      // Delta commit of six Spark jobs for every clean source of every run.
      if (checked.quarantined() > 0 || !DeltaTables.read(spark, quarantinePath).where(slice).isEmpty()) {
        DeltaTables.replaceSlice(quarantine, quarantinePath, slice);
      }
      Map<String, Long> reasons = checked.quarantined() == 0 ? Map.of() : reasonCounts(quarantine);

      checkRejectShare(checked, ingest.maxRejectShare(), "reasons " + reasons + "; see the quarantine table at "
          + quarantinePath);

      String bronzePath = settings.paths().bronze(contract.name());
      DeltaTables.ensureTable(spark, bronzePath, BronzeSchema.of(contract, keepExtra), List.of(),
          PersonalData.bronzeTableProperties(contract));
      // E-mails are hashed before anything is written, so the address never reaches bronze.
      Dataset<Row> accepted = EmailHashing.apply(result.valid(), contract, settings.privacy(),
          () -> HashKeys.emailHash(settings.privacy()));
      Dataset<Row> bronzeRows = accepted
          .withColumn(LogColumns.INGEST_RUN_ID, lit(ctx.runId()))
          .withColumn(LogColumns.INGEST_AS_OF_DATE, lit(java.sql.Date.valueOf(ctx.asOfDate())));
      long inserted = DeltaTables.insertNew(spark, bronzeRows, bronzePath, contract.naturalKey());
      return new SourceOutcome(contract.name(), checked.read(), checked.accepted(), checked.quarantined(),
          checked.deferred(), inserted, checked.anonymous(), result.extraColumns(), reasons);
    }
  }

  /**
   * A source read once, mapped and validated, cached, with its counts ({@link SourceValidator.Counts}):
   * {@code read = accepted + quarantined + deferred}, {@code anonymous} = accepted transactions
   * without a customer; {@code reading}, the settings the source was read with. {@link #close()}
   * releases the cache.
   */
  public record Validated(SourceSettings reading, LocalDate asOfDate, SourceValidator.Result result, long read,
                          long accepted, long quarantined, long deferred, long anonymous) implements AutoCloseable {
    /** The source's name. */
    public String source() {
      return reading.name();
    }

    /** Share of the rows read that were quarantined (0 for an empty source). */
    public double rejectShare() {
      return read == 0 ? 0.0 : (double) quarantined / read;
    }

    @Override
    public void close() {
      result.release();
    }
  }

  /**
   * Reads, maps and validates a source in one cached scan and counts what happened to its rows,
   * as ingest does; the backtest uses it too, so both apply the same rules and the same counts.
   */
  public static Validated validate(SparkSession spark, SourceSettings source, SourceContract contract,
                                   SourceValidator.Rules rules) {
    Column anonymous = contract.name().equals(SourceContracts.TRANSACTIONS)
        ? col(Transactions.CUSTOMER_REF).isNull() : lit(false);
    SourceValidator.Cached validated = SourceValidator.validateCached(
        SourceReader.read(spark, source, contract, rules.keepExtraColumns()), contract,
        source, rules, StorageLevel.MEMORY_AND_DISK(), anonymous);
    SourceValidator.Counts counts = validated.counts();
    return new Validated(source, rules.asOfDate(), validated.result(), counts.read(), counts.accepted(),
        counts.quarantined(), counts.deferred(), counts.marked());
  }

  /**
   * The data-quality gate: fails (exit 3) when the quarantined share exceeds {@code maxRejectShare}
   * (centraal.ingest.max-reject-share); {@code where} tells the user where to look at the rows.
   */
  public static void checkRejectShare(Validated counts, double maxRejectShare, String where) {
    if (counts.rejectShare() > maxRejectShare) {
      throw new DataQualityGateException(String.format(java.util.Locale.ROOT,
          "source '%s' (as of %s): %d of %d rows (%.2f%%) quarantined, above centraal.ingest.max-reject-share"
              + " = %.2f%%; %s%s", counts.source(), counts.asOfDate(), counts.quarantined(), counts.read(),
          100 * counts.rejectShare(), 100 * maxRejectShare, where, firstRejected(counts)));
    }
  }

  /**
   * "; the first: FILE: RULE in COLUMN ('VALUE')" for one quarantined row, so the message shows what
   * the rows look like; with a hint when the first {@value #SAMPLED_REJECTS} rejects show a setting
   * that would read them: numbers written with a decimal comma where the source reads decimal points
   * (a whole European export quarantined by one setting), or times written day first where the
   * pattern reads month first ({@link #timestampHint}).
   */
  private static String firstRejected(Validated counts) {
    List<Row> sample = counts.result().quarantined()
        .select(col(SourceReader.SOURCE_FILE), col(SourceValidator.ERRORS)).limit(SAMPLED_REJECTS).collectAsList();
    List<Row> errors = new ArrayList<>();
    String file = null;
    for (Row r : sample) {
      if (!r.isNullAt(1) && !r.getList(1).isEmpty()) {
        file = file == null ? r.getString(0) : file;
        errors.addAll(r.<Row>getList(1));
      }
    }
    if (errors.isEmpty()) {
      return "";
    }
    Row first = errors.get(0);
    String rule = first.getAs("rule");
    String value = first.getAs("value");
    boolean decimalComma = counts.reading().decimalSeparator() == '.' && errors.stream()
        .anyMatch(e -> ReasonCode.UNPARSABLE_NUMBER.name().equals(e.getAs("rule"))
            && SourceValidator.looksLikeDecimalComma(e.getAs("value")));
    String settings = "centraal.sources." + counts.source();
    String hint = decimalComma ? "; numbers written with a decimal comma? set " + settings
        + ".decimal-separator = \",\"" : timestampHint(errors, counts.reading().timestampFormat(), settings);
    // Values are shown for the rules over numbers, times and codes only: a repeated key, a nested
    // value or a broken record can hold a card number or an address, which stay in the quarantine.
    boolean shown = value != null && VALUE_SHOWN.contains(rule);
    return "; the first: " + file + ": " + rule + " in " + first.getAs("column") + (shown ? " ('" + value + "')" : "")
        + hint;
  }

  /**
   * For times that do not parse: the pattern with day and month the other way round when that
   * reads them (05/03 and 13/03 exported day first, read month first: the first parses wrongly,
   * the second not at all), or a reminder to set a pattern when none is set.
   */
  static String timestampHint(List<Row> errors, String pattern, String settings) {
    List<String> values = errors.stream().filter(e -> ReasonCode.UNPARSABLE_TIMESTAMP.name().equals(e.getAs("rule")))
        .map(e -> e.<String>getAs("value")).filter(java.util.Objects::nonNull).toList();
    if (values.isEmpty()) {
      return "";
    }
    if (pattern.isEmpty()) {
      return "; times not in ISO 8601? set " + settings + ".timestamp-format (e.g. \"dd/MM/yyyy HH:mm\")";
    }
    String swapped = pattern.contains("dd") && pattern.contains("MM")
        ? pattern.replace("dd", "\u0000").replace("MM", "dd").replace("\u0000", "MM") : pattern;
    if (swapped.equals(pattern)) {
      return "";
    }
    try {
      java.time.format.DateTimeFormatter other = java.time.format.DateTimeFormatter.ofPattern(swapped,
          java.util.Locale.ROOT);
      values.forEach(other::parse);
    } catch (RuntimeException e) {
      return "";
    }
    return "; day and month the other way round? these values read with " + settings + ".timestamp-format = \""
        + swapped + "\"";
  }

  private static final int SAMPLED_REJECTS = 20;

  private static final java.util.Set<String> VALUE_SHOWN = java.util.EnumSet.of(ReasonCode.UNPARSABLE_NUMBER,
      ReasonCode.UNPARSABLE_TIMESTAMP, ReasonCode.UNPARSABLE_BOOLEAN, ReasonCode.NOT_FINITE,
      ReasonCode.AMOUNT_OUT_OF_RANGE, ReasonCode.TS_IN_FUTURE, ReasonCode.TS_BEFORE_FLOOR, ReasonCode.UNKNOWN_CURRENCY,
      ReasonCode.RATING_OUT_OF_RANGE, ReasonCode.INVALID_COUNT).stream().map(Enum::name)
      .collect(java.util.stream.Collectors.toUnmodifiableSet());

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
