package io.centraal.scoring.io;

import io.centraal.scoring.run.InvalidInputException;
import io.centraal.scoring.schema.SourceContract;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.analysis.UnresolvedAttribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Reads one raw source as configured, adding {@link #SOURCE_FILE} (the file each row came from).
 * Formats: csv, json, parquet, delta, and whitespace (fields separated by runs of blanks, as in
 * fixed-layout exports such as CDNOW; see {@link WhitespaceText}). CSV is read with every column as a string, so that parsing and its failures happen in the
 * validator, row by row, instead of a reader silently nulling values. Malformed records are kept
 * in {@link #CORRUPT_RECORD} rather than dropped.
 */
public final class SourceReader {
  public static final String SOURCE_FILE = io.centraal.scoring.schema.BronzeSchema.SOURCE_FILE;
  public static final String CORRUPT_RECORD = "_corrupt_record";
  /** 1-based line number within its file, for line-oriented formats (whitespace); null otherwise. */
  public static final String SOURCE_LINE = "_source_line";

  private SourceReader() {}

  /** {@link #read(SparkSession, SourceSettings, SourceContract, boolean)} reading every column of the input. */
  public static Dataset<Row> read(SparkSession spark, SourceSettings source) {
    return read(spark, source, null, true);
  }

  /**
   * The source's rows as configured. For JSON without a declared schema, {@code everyColumn} false
   * and a {@code contract}: the columns are named from the first {@value #JSON_SAMPLE_LINES} lines
   * of each input split instead of an inference pass over every line (see {@link #jsonSchema}).
   *
   * @param everyColumn every column of every record is needed (unmapped columns kept in bronze)
   */
  public static Dataset<Row> read(SparkSession spark, SourceSettings source, SourceContract contract,
                                  boolean everyColumn) {
    assertFilesExist(spark, source);
    if (source.format().equals("whitespace")) {
      return WhitespaceText.read(spark, source);
    }
    DataFrameReader reader = spark.read().format(source.format()).options(source.options());
    if (source.format().equals("csv") || source.format().equals("json")) {
      reader = reader.option("mode", "PERMISSIVE").option("columnNameOfCorruptRecord", CORRUPT_RECORD);
    }
    Dataset<Row> df;
    try {
      if (source.format().equals("csv")) {
        // Every column as a string, plus the corrupt-record column, so a line with the wrong
        // number of fields is quarantined as MALFORMED_RECORD instead of being silently cut.
        StructType header = reader.option("inferSchema", "false").load(source.path()).schema();
        StructType asStrings = new StructType();
        for (StructField f : header.fields()) {
          asStrings = asStrings.add(f.name(), DataTypes.StringType);
        }
        if (asStrings.fields().length > 0) {
          reader = reader.schema(asStrings.add(CORRUPT_RECORD, DataTypes.StringType));
        }
      } else if (source.format().equals("json") && !source.schema().isEmpty()) {
        // Declared columns: no inference pass over every file. A value that does not fit its
        // declared type makes the record malformed (quarantined whole, never dropped).
        reader = reader.schema(StructType.fromDDL(source.schema()).add(CORRUPT_RECORD, DataTypes.StringType));
      } else if (source.format().equals("json") && contract != null && !everyColumn && lineDelimited(source)) {
        reader = reader.schema(jsonSchema(spark, source, contract).add(CORRUPT_RECORD, DataTypes.StringType));
      }
      df = reader.load(source.path());
    } catch (Exception e) {
      // AnalysisException (no schema inferable) and SparkException (corrupt Parquet footer) end here.
      throw new InvalidInputException("source '" + source.name() + "': cannot read " + source.format()
          + " at " + source.path() + ": " + firstLine(e), e);
    }
    return df.withColumn(SOURCE_FILE, functions.input_file_name())
        .withColumn(SOURCE_LINE, functions.lit(null).cast(DataTypes.LongType));
  }

  /** Lines of each input split that name a JSON source's columns when no schema is declared. */
  static final int JSON_SAMPLE_LINES = 10_000;

  /**
   * The columns of a JSON source without a declared schema, found without parsing every line.
   * Spark's inference parses every record and merges its type into the schema found so far: on the
   * demo's 2.43M clickstream lines that was a second pass over every line (7 s of a core). Here
   * the names come from the first {@value #JSON_SAMPLE_LINES} lines of each split (so of every
   * file), and the columns are read as text: the validator parses text with the same rules as a
   * CSV's, and a text column accepts any value (Spark keeps a number's or an object's JSON text), so
   * no record is made malformed by a type the sample guessed. The exceptions are the columns an
   * expression reads, which keep the sample's type ({@code cast(epoch AS timestamp)} means seconds
   * only on a number, {@code payload.amount} needs the struct). Mapped and expression columns
   * missing from the sample are added as text. What the sample cannot see is an unmapped column
   * that first appears after those lines: it is neither read nor listed among the extra columns
   * (with {@code ingest.extra-columns = keep} every line is inferred instead).
   */
  static StructType jsonSchema(SparkSession spark, SourceSettings source, SourceContract contract) {
    // Spark resolves column names case-insensitively (spark.sql.caseSensitive = false).
    Set<String> inExpressions = new LinkedHashSet<>();
    for (String expression : source.expressions().values()) {
      columnsNamedIn(spark, expression).forEach(name -> inExpressions.add(name.toLowerCase(Locale.ROOT)));
    }
    Dataset<String> firstLines = spark.read().options(source.options()).text(source.path()).as(Encoders.STRING())
        .mapPartitions((MapPartitionsFunction<String, String>) lines -> firstOf(lines, JSON_SAMPLE_LINES),
            Encoders.STRING());
    StructType sampled = spark.read().options(source.options()).json(firstLines).schema();
    StructType schema = new StructType();
    Set<String> named = new LinkedHashSet<>();
    for (StructField f : sampled.fields()) {
      if (f.name().equals(CORRUPT_RECORD)) {
        continue;
      }
      String lower = f.name().toLowerCase(Locale.ROOT);
      named.add(lower);
      schema = schema.add(f.name(), inExpressions.contains(lower) ? f.dataType() : DataTypes.StringType);
    }
    Set<String> needed = new LinkedHashSet<>(source.mappedColumns(contract));
    needed.addAll(inExpressions);
    for (String name : needed) {
      if (named.add(name.toLowerCase(Locale.ROOT))) {
        schema = schema.add(name, DataTypes.StringType);
      }
    }
    return schema;
  }

  /** A text reader sees the same lines as the JSON reader: one record per line, in UTF-8. */
  private static boolean lineDelimited(SourceSettings source) {
    for (Map.Entry<String, String> option : source.options().entrySet()) {
      if (option.getKey().equalsIgnoreCase("multiline") && option.getValue().trim().equalsIgnoreCase("true")) {
        return false;
      }
    }
    return source.readsUtf8();
  }

  private static Iterator<String> firstOf(Iterator<String> lines, int n) {
    List<String> first = new ArrayList<>();
    while (first.size() < n && lines.hasNext()) {
      first.add(lines.next());
    }
    return first.iterator();
  }

  /** The top-level column names a SQL expression reads (its unresolved attributes' first parts). */
  private static Set<String> columnsNamedIn(SparkSession spark, String expression) {
    Set<String> names = new LinkedHashSet<>();
    Deque<Expression> pending = new ArrayDeque<>();
    try {
      pending.push(spark.sessionState().sqlParser().parseExpression(expression));
    } catch (Exception e) {
      return names; // the validator reports the expression that does not parse, with its source
    }
    while (!pending.isEmpty()) {
      Expression e = pending.pop();
      if (e instanceof UnresolvedAttribute a) {
        names.add(a.nameParts().head());
      }
      scala.collection.Iterator<Expression> children = e.children().iterator();
      while (children.hasNext()) {
        pending.push(children.next());
      }
    }
    return names;
  }

  private static void assertFilesExist(SparkSession spark, SourceSettings source) {
    try {
      Path path = new Path(source.path());
      FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
      FileStatus[] matches = fs.globStatus(path);
      if (matches == null || matches.length == 0) {
        throw new InvalidInputException("source '" + source.name() + "': no file or directory at "
            + source.path() + " (centraal.sources." + source.name() + ".path)");
      }
      if (source.format().equals("delta")) {
        return;
      }
      boolean anyData = false;
      for (FileStatus m : matches) {
        if (m.isFile()) {
          anyData |= m.getLen() >= 0;
        } else {
          for (FileStatus f : fs.listStatus(m.getPath())) {
            String name = f.getPath().getName();
            if (f.isFile() && !name.startsWith("_") && !name.startsWith(".")) {
              anyData = true;
              break;
            }
          }
        }
      }
      if (!anyData) {
        throw new InvalidInputException("source '" + source.name() + "': directory " + source.path()
            + " contains no data files");
      }
    } catch (IOException e) {
      throw new InvalidInputException("source '" + source.name() + "': cannot list " + source.path()
          + ": " + e.getMessage(), e);
    }
  }

  private static String firstLine(Exception e) {
    String msg = e instanceof AnalysisException ae ? ae.getSimpleMessage() : String.valueOf(e.getMessage());
    int nl = msg.indexOf('\n');
    return nl < 0 ? msg : msg.substring(0, nl);
  }
}
