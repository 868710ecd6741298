package io.centraal.scoring.dq;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.to_timestamp;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import io.centraal.scoring.io.SourceReader;
import io.centraal.scoring.io.SourceSettings;
import io.centraal.scoring.privacy.PersonalData;
import io.centraal.scoring.run.InvalidInputException;
import io.centraal.scoring.run.SparkSessions;
import io.centraal.scoring.run.UtcDays;
import io.centraal.scoring.schema.InputColumns.Audience;
import io.centraal.scoring.schema.InputColumns.Reviews;
import io.centraal.scoring.schema.InputColumns.Transactions;
import io.centraal.scoring.schema.LogColumns;
import io.centraal.scoring.schema.SourceContract;
import io.centraal.scoring.schema.SourceContracts;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.storage.StorageLevel;

/**
 * Maps a raw source onto its canonical contract and splits it into valid and quarantined rows.
 *
 * <p>Every canonical field is taken from the user's column (config {@code columns}, default the
 * same name), a constant, or a SQL expression, then parsed to the contract type. Each rule that a
 * row breaks adds an entry {@code (rule, column, value)} to {@link #ERRORS}; a row with any entry
 * is quarantined with its raw record, never dropped: {@code valid + quarantined = input}.
 * A required column that the file does not have at all fails the whole source
 * ({@link InvalidInputException} naming the path and the column), since every row would fail.
 */
public final class SourceValidator {
  /** Internal columns; inputs using these names are rejected (reserved prefixes). */
  public static final String ERRORS = "_dq_errors";
  public static final String RAW_RECORD = "_dq_raw_record";
  /** What became of a row: {@link #ACCEPTED}, {@link #QUARANTINED} or {@link #DEFERRED}. */
  public static final String STATUS = "_dq_status";
  public static final String ACCEPTED = "accepted";
  public static final String QUARANTINED = "quarantined";
  /** Valid, but its event time is after the as-of date: left for a later run (see {@link Rules}). */
  public static final String DEFERRED = "deferred";
  private static final String OK = "_dq_ok";
  private static final String AFTER_AS_OF = "_dq_after_as_of";
  private static final String DUPLICATE = "_dq_duplicate";
  private static final String KEY_HASH = "_dq_key_hash";

  /**
   * Thresholds of the row rules; see {@code centraal.ingest} in reference.conf.
   *
   * <p>Event time: a row dated after the as-of date is not bad data when the run is back-dated
   * (a backfill over files that already hold later days): it is <em>deferred</em>, neither
   * accepted nor quarantined now, and a later run whose as-of date covers it picks it up from the
   * same files (bronze MERGEs on the natural key). A row dated after {@code ingestDate} + 1 day
   * (one day of slack for time zones) cannot have happened yet: that is {@link ReasonCode#TS_IN_FUTURE}.
   *
   * @param ingestDate   the calendar day (UTC) on which the ingest runs; the job passes its clock in
   * @param keepExtraColumns keep the user's unmapped columns in {@link LogColumns#EXTRA_COLUMNS}
   */
  public record Rules(LocalDate asOfDate, LocalDate ingestDate, LocalDate timestampFloor, List<String> currencies,
                      int ratingMin, int ratingMax, double maxAbsAmount, boolean keepExtraColumns,
                      java.util.Set<String> placeholderRefs) {
    public Rules {
      placeholderRefs = placeholderRefs.stream().map(r -> r.trim().toLowerCase(java.util.Locale.ROOT))
          .collect(java.util.stream.Collectors.toUnmodifiableSet());
    }
  }

  /**
   * Every input row once, with {@link #STATUS}: the contract's typed fields,
   * {@link SourceReader#SOURCE_FILE}, {@link SourceReader#SOURCE_LINE}, {@link #RAW_RECORD} (for
   * quarantined rows) and {@link #ERRORS}, plus {@link LogColumns#EXTRA_COLUMNS} when kept.
   *
   * @param extraColumns the user's columns that no mapping uses (kept or ignored by config)
   */
  public record Result(Dataset<Row> checked, SourceContract contract, List<String> extraColumns,
                       boolean keepExtraColumns, List<Dataset<Row>> caches) {
    /** Releases what {@link #validateCached} cached. */
    public void release() {
      caches.forEach(Dataset::unpersist);
    }

    /** Accepted rows in their bronze shape (without ingest metadata). */
    public Dataset<Row> valid() {
      List<Column> cols = new ArrayList<>();
      contract.fields().forEach(f -> cols.add(col(f.name())));
      cols.add(col(SourceReader.SOURCE_FILE));
      if (keepExtraColumns) {
        cols.add(col(LogColumns.EXTRA_COLUMNS));
      }
      return checked.filter(col(STATUS).equalTo(ACCEPTED)).select(cols.toArray(Column[]::new));
    }

    public Dataset<Row> quarantined() {
      return checked.filter(col(STATUS).equalTo(QUARANTINED))
          .select(col(SourceReader.SOURCE_FILE), col(SourceReader.SOURCE_LINE), col(RAW_RECORD), col(ERRORS));
    }
  }

  private SourceValidator() {}

  /**
   * Every row checked, lazily: one plan whose duplicate-key step sorts every row. A job that reads
   * its rows more than once uses {@link #validateCached}, which gives the same rows.
   */
  public static Result validate(Dataset<Row> raw, SourceContract contract, SourceSettings source, Rules rules) {
    Checked checked = check(raw, contract, source, rules);
    return new Result(finish(markDuplicates(checked.rows(), contract), contract), contract, checked.extraColumns(),
        rules.keepExtraColumns(), List.of());
  }

  private static Checked check(Dataset<Row> raw, SourceContract contract, SourceSettings source, Rules rules) {
    List<String> userColumns = new ArrayList<>();
    for (String c : raw.columns()) {
      if (c.startsWith("_dq_") || c.startsWith("_tmp_")) {
        throw new InvalidInputException("source '" + contract.name() + "' at " + source.path()
            + ": column '" + c + "' uses a reserved prefix (_dq_, _tmp_)");
      }
      if (!c.equals(SourceReader.SOURCE_FILE) && !c.equals(SourceReader.CORRUPT_RECORD)
          && !c.equals(SourceReader.SOURCE_LINE)) {
        userColumns.add(c);
      }
    }
    if (userColumns.isEmpty()) {
      throw new InvalidInputException("source '" + contract.name() + "' at " + source.path()
          + ": no columns could be read (empty file?)");
    }
    boolean hasCorrupt = Arrays.asList(raw.columns()).contains(SourceReader.CORRUPT_RECORD);
    Column rawJson = to_json(struct(userColumns.stream().map(c -> col("`" + c + "`")).toArray(Column[]::new)),
        Map.of("ignoreNullFields", "false"));
    if (hasCorrupt) {
      rawJson = when(col(SourceReader.CORRUPT_RECORD).isNotNull(), col(SourceReader.CORRUPT_RECORD)).otherwise(rawJson);
    }

    // Two projections: the first parses each field once (its text and its typed value, as
    // internal columns beside the user's), the second tests the rules on those columns. Written as
    // one, each rule repeated the parse it tests (a timestamp was parsed four times per row);
    // Spark keeps the two apart because the second reads the parsed values more than once.
    List<Column> parsedColumns = new ArrayList<>();
    for (String c : raw.columns()) {
      parsedColumns.add(col("`" + c + "`"));
    }
    List<FieldParse> parses = new ArrayList<>();
    for (int i = 0; i < contract.fields().size(); i++) {
      FieldParse parse = parse(raw, contract, source, contract.fields().get(i), userColumns, i, rules);
      parses.add(parse);
      if (!parse.typed()) {
        parsedColumns.add(parse.text().as(parse.textColumn()));
      }
      parsedColumns.add(parse.parsed().as(parse.valueColumn()));
    }
    Dataset<Row> parsed = raw.select(parsedColumns.toArray(Column[]::new));

    List<Column> selected = new ArrayList<>();
    List<Check> errors = new ArrayList<>();
    Column afterAsOf = lit(false);
    for (FieldParse parse : parses) {
      SourceContract.Field field = parse.field();
      Column value = col(parse.valueColumn());
      fieldChecks(contract, source, parse, rules, errors);
      selected.add(value.as(field.name()));
      if (contract.eventTime().map(field.name()::equals).orElse(false)) {
        afterAsOf = functions.coalesce(value.geq(UtcDays.endOf(rules.asOfDate())), lit(false));
      }
    }
    List<String> extras = extraColumns(raw, contract, source, userColumns);
    if (rules.keepExtraColumns()) {
      selected.add(extras.isEmpty() ? lit(null).cast(EXTRA_TYPE).as(LogColumns.EXTRA_COLUMNS)
          : functions.map_from_arrays(
              array(extras.stream().map(functions::lit).toArray(Column[]::new)),
              array(extras.stream().map(c -> col("`" + c + "`").cast("string")).toArray(Column[]::new)))
          .as(LogColumns.EXTRA_COLUMNS));
    }
    // Most rows break no rule: test the conditions first and build the array of entries only for
    // the rows that do (an array of structs per row was a large share of the validation's CPU).
    Column anyError = errors.stream().map(Check::condition).reduce(Column::or).orElse(lit(false));
    Column errorArray = when(anyError, filter(array(errors.stream().map(Check::entry).toArray(Column[]::new)),
        Column::isNotNull)).otherwise(functions.array().cast(ERROR_LIST_TYPE));
    if (hasCorrupt) {
      // The fields of a malformed record are shifted or missing: report only that it is malformed.
      errorArray = when(col(SourceReader.CORRUPT_RECORD).isNotNull(),
          array(error(lit(true), ReasonCode.MALFORMED_RECORD, SourceReader.CORRUPT_RECORD, lit(null)).entry()))
          .otherwise(errorArray);
    }
    selected.add(col(SourceReader.SOURCE_FILE));
    selected.add(col(SourceReader.SOURCE_LINE));
    // The raw record is made only for rows that break a rule: a cached result then holds no second
    // copy of every valid row, and the JSON text is not written for every row only to be dropped.
    // The condition is the one the error list tests (one evaluation per row in generated code).
    Column broken = hasCorrupt ? col(SourceReader.CORRUPT_RECORD).isNotNull().or(anyError) : anyError;
    selected.add(when(broken, rawJson).as(RAW_RECORD));
    selected.add(errorArray.as(ERRORS));
    selected.add(afterAsOf.as(AFTER_AS_OF));

    Dataset<Row> checked = parsed.select(selected.toArray(Column[]::new)).withColumn(OK, size(col(ERRORS)).equalTo(0));
    return new Checked(checked, extras);
  }

  /**
   * Every input row with its parsed fields, {@link #RAW_RECORD} (where a rule is broken), {@link #ERRORS}
   * of the row rules (not yet the duplicate keys), {@link #OK} and {@link #AFTER_AS_OF}.
   */
  private record Checked(Dataset<Row> rows, List<String> extraColumns) {}

  /**
   * Marks the second and later of the otherwise valid rows with one natural key as
   * {@link ReasonCode#DUPLICATE_KEY} ({@link #DUPLICATE}): the first is kept by file, line, then
   * the parsed content (CSV has no line numbers), so the choice does not depend on partitioning.
   * A window over the rows: it sorts every row it is given.
   */
  private static Dataset<Row> markDuplicates(Dataset<Row> rows, SourceContract contract) {
    List<Column> partition = new ArrayList<>();
    contract.naturalKey().forEach(k -> partition.add(col(k)));
    partition.add(col(OK));
    List<Column> order = new ArrayList<>(List.of(col(SourceReader.SOURCE_FILE), col(SourceReader.SOURCE_LINE)));
    contract.fields().forEach(f -> order.add(col(f.name())));
    WindowSpec byKey = Window.partitionBy(partition.toArray(Column[]::new)).orderBy(order.toArray(Column[]::new));
    return rows.withColumn(DUPLICATE, col(OK).and(row_number().over(byKey).gt(1)));
  }

  /**
   * {@link #STATUS}, the duplicate-key entry, the raw record only where quarantined. A duplicate's
   * raw record is its row as mapped (the contract's fields): its first occurrence is in bronze, and
   * keeping the raw text of every valid row until the duplicates are known would double the cache.
   */
  private static Dataset<Row> finish(Dataset<Row> marked, SourceContract contract) {
    Column asMapped = to_json(struct(contract.fields().stream().map(f -> col(f.name())).toArray(Column[]::new)),
        Map.of("ignoreNullFields", "false"));
    Column dupError = errorEntry(lit(ReasonCode.DUPLICATE_KEY.name()), lit(String.join(",", contract.naturalKey())),
        expr("concat_ws(',', " + String.join(", ", contract.naturalKey().stream()
            .map(k -> "cast(`" + k + "` as string)").toList()) + ")"));
    Column bad = size(col(ERRORS)).gt(0);
    return marked
        .withColumn(ERRORS, when(col(DUPLICATE), array(dupError)).otherwise(col(ERRORS)))
        .withColumn(STATUS, when(bad, lit(QUARANTINED)).when(col(AFTER_AS_OF), lit(DEFERRED)).otherwise(lit(ACCEPTED)))
        .withColumn(RAW_RECORD, when(col(DUPLICATE), asMapped).when(bad, col(RAW_RECORD)))
        .drop(OK, AFTER_AS_OF, DUPLICATE);
  }

  /**
   * What became of the rows of a cached validation: {@code read = accepted + quarantined + deferred};
   * {@code marked} counts the accepted rows that meet the caller's condition (for transactions: the
   * sales without a customer).
   */
  public record Counts(long read, long accepted, long quarantined, long deferred, long marked) {}

  /** A cached validation and its counts; {@code result().release()} frees the cache. */
  public record Cached(Result result, Counts counts) {}

  /**
   * {@link #validate}'s result, cached at {@code level} and computed without sorting every row:
   * most natural keys occur once, so the rows are cached once, one aggregation of a 64-bit hash of
   * the key finds the hashes that repeat, and only the rows with those hashes go through the window
   * that picks the first. The hash only narrows the candidates: two keys that share a hash are told
   * apart by the window, which compares the keys themselves. Call {@link Result#release()} when done.
   *
   * <p>The counts come from the pass that fills the cache (rows, rule breakers, rows after the
   * as-of date) and from the few rows the window marks as repeats, so no further pass over every
   * row is needed: a count over the finished result re-read the whole cache through the joins that
   * set the repeats apart.
   *
   * @param marked a condition over the contract's columns; {@link Counts#marked()} counts the
   *               accepted rows that meet it
   */
  public static Cached validateCached(Dataset<Row> raw, SourceContract contract, SourceSettings source, Rules rules,
                                      StorageLevel level, Column marked) {
    Checked checked = check(raw, contract, source, rules);
    Dataset<Row> cached = checked.rows().persist(level);
    Column ok = col(OK);
    Column inTime = functions.not(col(AFTER_AS_OF));
    Row all = cached.agg(functions.count(lit(1)), functions.count_if(functions.not(ok)),
        functions.count_if(ok.and(col(AFTER_AS_OF))), functions.count_if(ok.and(inTime).and(marked))).first();
    // Aggregating a long instead of the key's text: on millions of distinct ids the partial
    // aggregation cannot reduce anything, and hashing and shuffling the strings was most of the cost.
    Column keyHash = functions.xxhash64(contract.naturalKey().stream().map(functions::col).toArray(Column[]::new));
    Dataset<Row> repeatedHashes = cached.where(ok).groupBy(keyHash.as(KEY_HASH)).count()
        .where(col("count").gt(1)).select(KEY_HASH).persist(level);
    if (repeatedHashes.isEmpty()) {
      repeatedHashes.unpersist();
      return new Cached(new Result(finish(cached.withColumn(DUPLICATE, lit(false)), contract), contract,
          checked.extraColumns(), rules.keepExtraColumns(), List.of(cached)), counts(all, 0, 0, 0));
    }
    Dataset<Row> hashed = cached.where(ok).withColumn(KEY_HASH, keyHash);
    Dataset<Row> resolved = markDuplicates(hashed.join(repeatedHashes, KEY_HASH, "left_semi").drop(KEY_HASH), contract)
        .persist(level);
    Column duplicate = col(DUPLICATE);
    Row repeats = resolved.agg(functions.count_if(duplicate), functions.count_if(duplicate.and(col(AFTER_AS_OF))),
        functions.count_if(duplicate.and(inTime).and(marked))).first();
    Dataset<Row> rest = cached.where(functions.not(ok))
        .unionByName(hashed.join(repeatedHashes, KEY_HASH, "left_anti").drop(KEY_HASH))
        .withColumn(DUPLICATE, lit(false));
    return new Cached(new Result(finish(rest.unionByName(resolved), contract), contract, checked.extraColumns(),
        rules.keepExtraColumns(), List.of(cached, repeatedHashes, resolved)),
        counts(all, repeats.getLong(0), repeats.getLong(1), repeats.getLong(2)));
  }

  /**
   * The counts from the whole input's (rows, rule breakers, valid rows after the as-of date, valid
   * marked rows in time) and the repeats': a repeat is quarantined whatever its date.
   */
  private static Counts counts(Row all, long duplicates, long duplicatesAfterAsOf, long duplicatesMarked) {
    long read = all.getLong(0);
    long quarantined = all.getLong(1) + duplicates;
    long deferred = all.getLong(2) - duplicatesAfterAsOf;
    return new Counts(read, read - quarantined - deferred, quarantined, deferred, all.getLong(3) - duplicatesMarked);
  }

  /**
   * {@code text} cast to a timestamp, as Spark reads it. Why not the plain cast alone: for a text
   * that names its zone, Spark looks the zone up for every value, compiling two regular
   * expressions each time (7% of the executors' CPU in a profile of a JSON clickstream's ingest,
   * where ISO 8601's trailing {@code Z} is the common form). In a session that reads timestamps in UTC (centraal's, see
   * SparkSessions) a time ending in a digit and {@code Z} means the same instant without the
   * {@code Z}, which the cast then parses with the session's zone, looked up once.
   */
  static Column isoTimestamp(Column text, String sessionTimeZone) {
    Column plain = text.cast("timestamp");
    if (!readsUtc(sessionTimeZone)) {
      return plain;
    }
    Column beforeZ = functions.substring(text, -2, 1);
    // A time of day before the Z (Spark reads no zone after a bare date, and neither may this).
    Column utcDesignator = text.endsWith("Z").and(beforeZ.geq("0")).and(beforeZ.leq("9"))
        .and(text.contains(":"));
    Column withoutZ = text.substr(lit(1), functions.length(text).minus(1));
    return when(utcDesignator, withoutZ.cast("timestamp")).otherwise(plain);
  }

  /**
   * {@code text} read with a java.time {@code pattern}, as {@code to_timestamp} reads it. Why not
   * {@code to_timestamp} alone: it runs java.time's general parser and resolver on every value,
   * which on a 10M-line CSV took a tenth of the validation. For the ISO-shaped patterns of
   * {@link #CAST_SHAPES} a text of exactly that shape (fixed-width digits and separators) is read by
   * Spark's own cast instead, which gives the same instant (both read it in the session's zone, and
   * both reject a 30 February or an hour 24); any other text still goes to {@code to_timestamp}.
   */
  static Column patternTimestamp(Column text, String pattern) {
    Column parsed = to_timestamp(text, pattern);
    String shape = CAST_SHAPES.get(pattern);
    return shape == null ? parsed : when(text.rlike(shape), text.cast("timestamp")).otherwise(parsed);
  }

  /** Patterns whose exact shape Spark's cast from text reads as the pattern does: pattern -> that shape. */
  private static final Map<String, String> CAST_SHAPES = Map.of(
      "yyyy-MM-dd HH:mm:ss", "^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$",
      "yyyy-MM-dd'T'HH:mm:ss", "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}$",
      "yyyy-MM-dd HH:mm", "^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}$",
      "yyyy-MM-dd", "^[0-9]{4}-[0-9]{2}-[0-9]{2}$");

  /** Whether {@code text} is a JSON array's or object's text: {@code ^(\[.*\]|\{.*\})$}. */
  static Column nestedJsonText(Column text) {
    Column t = coalesce(text, lit(""));
    return t.startsWith("[").or(t.startsWith("{")).and(t.rlike("^(\\[.*\\]|\\{.*\\})$"));
  }

  private static boolean readsUtc(String sessionTimeZone) {
    try {
      return java.time.ZoneId.of(sessionTimeZone).normalized().equals(java.time.ZoneOffset.UTC);
    } catch (java.time.DateTimeException e) {
      return false;
    }
  }

  /** Type of {@link LogColumns#EXTRA_COLUMNS}: the user's column name -> its text. */
  public static final DataType EXTRA_TYPE = io.centraal.scoring.schema.BronzeSchema.EXTRA_TYPE;

  /**
   * The user's columns that no mapping reads: not a mapped (or same-named) column, and not
   * referenced by a configured expression (found by analysing the expression against the input).
   */
  private static List<String> extraColumns(Dataset<Row> raw, SourceContract contract, SourceSettings source,
                                           List<String> userColumns) {
    java.util.Set<String> used = new java.util.HashSet<>(source.mappedColumns(contract));
    for (Map.Entry<String, String> entry : source.expressions().entrySet()) {
      String name = entry.getKey();
      String expression = entry.getValue();
      if (source.constants().containsKey(name)) {
        continue;
      }
      scala.collection.Iterator<org.apache.spark.sql.catalyst.expressions.Attribute> refs;
      try {
        refs = raw.select(expr(expression)).queryExecution().analyzed().references().iterator();
      } catch (Exception e) {
        throw new InvalidInputException("source '" + contract.name() + "' at " + source.path()
            + ": expression for " + name + " (centraal.sources." + contract.name() + ".expressions." + name
            + " = \"" + expression + "\") cannot be evaluated on the columns " + userColumns + ": "
            + firstLine(e), e);
      }
      while (refs.hasNext()) {
        used.add(refs.next().name());
      }
    }
    return userColumns.stream().filter(c -> !used.contains(c)).toList();
  }

  private static String firstLine(Exception e) {
    String msg = e instanceof org.apache.spark.sql.AnalysisException ae ? ae.getSimpleMessage()
        : String.valueOf(e.getMessage());
    int nl = msg.indexOf('\n');
    return nl < 0 ? msg : msg.substring(0, nl);
  }

  /**
   * One field as parsed: {@code text} (the trimmed text, null when blank) and {@code parsed} (the
   * contract type, null where the text does not parse), both over the raw columns; {@code input}
   * is the user's value before any conversion. The rules read them back as the internal columns
   * {@link #textColumn()} and {@link #valueColumn()}.
   *
   * <p>{@code typed}: the input already holds the contract's kind of value (a Parquet timestamp, a
   * JSON number): its value is converted directly, and {@code text} (its value as text, not an
   * internal column) is made only for the error entries of rows that break a rule, not for every
   * row (formatting every timestamp and double of a
   * Parquet source as text was a fifth of its validation's CPU).
   */
  private record FieldParse(SourceContract.Field field, int index, Column input, boolean nested, boolean absent,
                            boolean typed, Column text, Column parsed) {
    /**
     * The text the rules test and report: the internal column, or for a typed input {@code text}
     * itself (its value as text, evaluated only inside an error entry).
     */
    Column textForRules() {
      return typed ? text : col(textColumn());
    }

    /** Whether the field holds a value (a blank text holds none). */
    Column present() {
      return typed ? input.isNotNull() : col(textColumn()).isNotNull();
    }

    String textColumn() {
      return "_tmp_text_" + index;
    }

    String valueColumn() {
      return "_tmp_value_" + index;
    }
  }

  private static FieldParse parse(Dataset<Row> raw, SourceContract contract, SourceSettings source,
                                  SourceContract.Field field, List<String> userColumns, int index, Rules rules) {
    String name = field.name();
    Column input;
    DataType inputType = DataTypes.StringType;
    if (source.constants().containsKey(name)) {
      input = lit(source.constants().get(name));
    } else if (source.expressions().containsKey(name)) {
      input = expr(source.expressions().get(name));
    } else {
      String userName = source.columns().getOrDefault(name, name);
      if (!userColumns.contains(userName)) {
        if (field.required()) {
          throw new InvalidInputException("source '" + contract.name() + "' at " + source.path()
              + ": required column '" + userName + "'"
              + (userName.equals(name) ? "" : " (mapped to " + name + ")")
              + " is missing; columns found: " + userColumns
              + ". Map it with centraal.sources." + contract.name() + ".columns." + name);
        }
        Column none = lit(null).cast(field.type());
        return new FieldParse(field, index, none, false, true, false, lit(null).cast(DataTypes.StringType), none);
      }
      input = col("`" + userName + "`");
      inputType = fieldType(raw, userName);
    }

    DataType type = field.type();
    Column direct = typedValue(input, inputType, type);
    if (direct != null) {
      // Its text only for the error entries (never blank, never a reference: references are text).
      return new FieldParse(field, index, input, false, false, true, input.cast("string"), direct);
    }
    boolean nested = inputType instanceof org.apache.spark.sql.types.StructType
        || inputType instanceof org.apache.spark.sql.types.ArrayType
        || inputType instanceof org.apache.spark.sql.types.MapType;
    // A JSON object or array where one value belongs: casting it to text would store "[a, b]" as if
    // it were an id. It is quarantined with its JSON text (see fieldChecks).
    Column asText = nested ? to_json(input) : input.cast("string");
    Column text = when(trim(asText).equalTo(""), lit(null)).otherwise(trim(asText));
    if (!source.constants().containsKey(name) && PersonalData.referenceColumns(contract.name()).contains(name)) {
      text = when(placeholder(text, rules.placeholderRefs()), lit(null)).otherwise(text);
    }
    Column number = numberText(text, source.decimalSeparator());
    Column parsed;
    if (type.equals(DataTypes.StringType)) {
      parsed = text;
    } else if (type.equals(DataTypes.DoubleType)) {
      parsed = number.cast("double");
    } else if (type.equals(DataTypes.IntegerType) || type.equals(DataTypes.LongType)) {
      Column asDouble = number.cast("double");
      Column whole = asDouble.isNotNull().and(asDouble.equalTo(functions.floor(asDouble)))
          .and(functions.abs(asDouble).lt(9.0e15));
      parsed = when(whole, asDouble.cast(type)).otherwise(lit(null).cast(type));
    } else if (type.equals(DataTypes.BooleanType)) {
      Column l = lower(text);
      parsed = when(l.isin("true", "t", "yes", "y", "1"), lit(true))
          .when(l.isin("false", "f", "no", "n", "0"), lit(false))
          .otherwise(lit(null).cast("boolean"));
    } else if (type.equals(DataTypes.TimestampType)) {
      if (!source.timestampFormat().isEmpty()) {
        parsed = patternTimestamp(text, source.timestampFormat());
      } else {
        parsed = isoTimestamp(text, raw.sparkSession().conf().get(SparkSessions.TIME_ZONE_KEY));
      }
    } else {
      throw new IllegalStateException("no parser for contract type " + type + " of " + name);
    }
    return new FieldParse(field, index, input, nested, false, false, text, parsed);
  }

  /**
   * The contract's value read directly from an input that already holds that kind of value, or
   * null where it is read from the text: strings, and the conversions whose direct form would
   * differ from reading the text (a float's 0.1 widened to double is not 0.1; a long cast to an int
   * wraps, where the text path rejects it).
   */
  private static Column typedValue(Column input, DataType inputType, DataType type) {
    boolean integral = inputType.equals(DataTypes.ByteType) || inputType.equals(DataTypes.ShortType)
        || inputType.equals(DataTypes.IntegerType) || inputType.equals(DataTypes.LongType);
    if (type.equals(DataTypes.DoubleType) && (integral || inputType.equals(DataTypes.DoubleType)
        || inputType instanceof org.apache.spark.sql.types.DecimalType)) {
      return input.cast(DataTypes.DoubleType);
    }
    if (type.equals(DataTypes.LongType) && integral
        || type.equals(DataTypes.IntegerType) && integral && !inputType.equals(DataTypes.LongType)) {
      return input.cast(type);
    }
    if (type.equals(DataTypes.TimestampType)
        && (inputType.equals(DataTypes.TimestampType) || inputType.equals(DataTypes.DateType))) {
      return input.cast(DataTypes.TimestampType);
    }
    if (type.equals(DataTypes.BooleanType) && inputType.equals(DataTypes.BooleanType)) {
      return input;
    }
    return null;
  }

  /**
   * A reference that names nobody: one of {@code placeholders} (compared in lower case) or zeros only
   * (0000000000 on a card field). POS exports put these on walk-in sales; kept, they would make
   * one customer of every walk-in, so they read as no reference (an anonymous sale; a row whose
   * reference is required is quarantined as MISSING_REQUIRED).
   */
  static Column placeholder(Column text, java.util.Set<String> placeholders) {
    // The cheap tests first: the regular expression and the lower-cased copy ran on every
    // reference of every row, and almost none starts with a zero or is as short as a placeholder.
    Column zeros = text.startsWith("0").and(text.rlike("^0+$"));
    int longest = placeholders.stream().mapToInt(String::length).max().orElse(0);
    return placeholders.isEmpty() ? zeros
        : zeros.or(functions.length(text).leq(longest).and(lower(text).isin(placeholders.toArray())));
  }

  /**
   * A number's text as Spark's cast reads it. With a decimal comma (12,50; 1.234,56; 1 234,56) the
   * grouping marks (dot, apostrophe, spaces including the no-break ones) are dropped and the comma
   * becomes a dot. With a decimal point the text is left alone: dropping commas there would read a
   * mis-configured 12,50 as 1250 instead of quarantining it.
   */
  static Column numberText(Column text, char decimalSeparator) {
    if (decimalSeparator == '.') {
      return text;
    }
    // Only the European layout is read: 1,234.56 (a decimal point) is not a number here.
    Column european = text.rlike("^" + EUROPEAN_WHOLE_PART + "(,[0-9]+)?$");
    return when(european, functions.translate(functions.regexp_replace(text, GROUPING_MARK, ""), ",", "."));
  }

  /** A text that reads as a number written with a decimal comma (12,50 or 1.234,56). */
  public static boolean looksLikeDecimalComma(String value) {
    return value != null && value.trim().matches(EUROPEAN_WHOLE_PART + ",[0-9]+");
  }

  /** A mark grouping the digits of a number written with a decimal comma: dot, apostrophe, spaces. */
  private static final String GROUPING_MARK = "[.' \u00A0\u202F]";
  /** The whole part of such a number: digits, or digits grouped by threes. */
  private static final String EUROPEAN_WHOLE_PART = "[+-]?([0-9]{1,3}(" + GROUPING_MARK + "[0-9]{3})+|[0-9]+)";

  /** The rules of one parsed field, over its internal text and value columns. */
  private static void fieldChecks(SourceContract contract, SourceSettings source, FieldParse parse, Rules rules,
                                  List<Check> errors) {
    if (parse.absent()) {
      return;
    }
    String name = parse.field().name();
    Column input = parse.input();
    Column text = parse.textForRules();
    Column parsed = col(parse.valueColumn());
    if (parse.nested()) {
      errors.add(error(input.isNotNull(), ReasonCode.NESTED_VALUE, name, text));
    } else if (source.format().equals("json") && !name.equals(Reviews.TEXT) && !parse.typed()) {
      // When rows disagree (a string here, an array there), Spark's JSON reader types the column as
      // string and keeps the nested value's JSON text: recognise it by its brackets. The regular
      // expression runs only on a text that opens with a bracket (on every value of the eight
      // fields of 2.43M clickstream lines it took 1.9 s, the guarded test 0.7 s).
      errors.add(error(nestedJsonText(text), ReasonCode.NESTED_VALUE, name, text));
    }
    Column present = parse.present();
    if (parse.field().required()) {
      errors.add(error(functions.not(present), ReasonCode.MISSING_REQUIRED, name, text));
    }
    DataType type = parse.field().type();
    if (type.equals(DataTypes.DoubleType) || type.equals(DataTypes.IntegerType) || type.equals(DataTypes.LongType)) {
      errors.add(error(present.and(parsed.isNull()), ReasonCode.UNPARSABLE_NUMBER, name, text));
    } else if (type.equals(DataTypes.BooleanType)) {
      errors.add(error(present.and(parsed.isNull()), ReasonCode.UNPARSABLE_BOOLEAN, name, text));
    } else if (type.equals(DataTypes.TimestampType)) {
      errors.add(error(present.and(parsed.isNull()), ReasonCode.UNPARSABLE_TIMESTAMP, name, text));
      if (contract.eventTime().map(name::equals).orElse(false)) {
        // After the as-of date but possible: deferred (see Rules). After the ingest day: impossible.
        errors.add(error(parsed.geq(UtcDays.startOf(rules.ingestDate().plusDays(2))), ReasonCode.TS_IN_FUTURE, name,
            text));
        errors.add(error(parsed.lt(UtcDays.startOf(rules.timestampFloor())), ReasonCode.TS_BEFORE_FLOOR, name, text));
      }
    }
    contractRules(contract, name, parsed, text, rules, errors);
  }

  /** Rules that belong to one field of one contract. */
  private static void contractRules(SourceContract contract, String name, Column parsed, Column text,
                                    Rules rules, List<Check> errors) {
    String source = contract.name();
    if (source.equals(SourceContracts.TRANSACTIONS) && name.equals(Transactions.AMOUNT)) {
      Column nonFinite = parsed.isNaN().or(parsed.equalTo(Double.POSITIVE_INFINITY))
          .or(parsed.equalTo(Double.NEGATIVE_INFINITY));
      errors.add(error(nonFinite, ReasonCode.NOT_FINITE, name, text));
      errors.add(error(functions.abs(parsed).gt(rules.maxAbsAmount()).and(functions.not(nonFinite)),
          ReasonCode.AMOUNT_OUT_OF_RANGE, name, text));
    }
    if (source.equals(SourceContracts.TRANSACTIONS) && name.equals(Transactions.CURRENCY)) {
      errors.add(error(parsed.isNotNull().and(functions.not(parsed.isin(rules.currencies().toArray()))),
          ReasonCode.UNKNOWN_CURRENCY, name, text));
    }
    if (source.equals(SourceContracts.REVIEWS) && name.equals(Reviews.RATING)) {
      errors.add(error(parsed.lt(rules.ratingMin()).or(parsed.gt(rules.ratingMax())),
          ReasonCode.RATING_OUT_OF_RANGE, name, text));
    }
    if ((source.equals(SourceContracts.REVIEWS) && (name.equals(Reviews.HELPFUL_VOTES) || name.equals(Reviews.TOTAL_VOTES)))
        || (source.equals(SourceContracts.AUDIENCE) && name.equals(Audience.AUDIENCE_SIZE))) {
      errors.add(error(parsed.lt(0), ReasonCode.INVALID_COUNT, name, text));
    }
  }

  /** One rule of one field: the row breaks it where {@code condition} is true. */
  private record Check(Column condition, Column entry) {}

  private static Check error(Column condition, ReasonCode code, String column, Column value) {
    return new Check(condition, when(condition, errorEntry(lit(code.name()), lit(column), value)));
  }

  private static Column errorEntry(Column rule, Column column, Column value) {
    return struct(rule.as("rule"), column.as("column"), value.cast("string").as("value"));
  }

  /** Type of {@link #ERRORS}: a list of (rule, column, value). */
  private static final DataType ERROR_LIST_TYPE = DataTypes.createArrayType(new org.apache.spark.sql.types.StructType()
      .add("rule", DataTypes.StringType, false).add("column", DataTypes.StringType, false)
      .add("value", DataTypes.StringType, true), true);

  private static DataType fieldType(Dataset<Row> raw, String column) {
    for (StructField f : raw.schema().fields()) {
      if (f.name().equals(column)) {
        return f.dataType();
      }
    }
    return DataTypes.StringType;
  }
}
