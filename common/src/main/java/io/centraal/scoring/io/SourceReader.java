package io.centraal.scoring.io;

import io.centraal.scoring.run.InvalidInputException;
import java.io.IOException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
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

  public static Dataset<Row> read(SparkSession spark, SourceSettings source) {
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
