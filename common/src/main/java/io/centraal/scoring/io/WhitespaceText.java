package io.centraal.scoring.io;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.split;
import static org.apache.spark.sql.functions.when;

import io.centraal.scoring.run.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Reads text whose fields are separated by runs of blanks (spaces or tabs), with CR/LF or LF line
 * ends, such as the CDNOW files. With option {@code header = true} the first line of each file
 * names the columns, otherwise they are {@code _c0, _c1, ...}. Each row gets its file and its line
 * number within the file ({@link SourceReader#SOURCE_LINE}), which also serves as a stable
 * transaction id when the export has none. A line with the wrong number of fields is kept whole in
 * {@link SourceReader#CORRUPT_RECORD}.
 */
final class WhitespaceText {
  private static final String TOKENS = "_tmp_tokens";
  private static final String INDEX = "_tmp_index";

  private WhitespaceText() {}

  static Dataset<Row> read(SparkSession spark, SourceSettings source) {
    boolean header = Boolean.parseBoolean(source.options().getOrDefault("header", "false"));
    Dataset<Row> text = spark.read().text(source.path())
        .withColumn(SourceReader.SOURCE_FILE, functions.input_file_name());
    // zipWithIndex follows the partition order, which follows the byte order within each file.
    JavaRDD<Row> indexed = text.javaRDD().zipWithIndex()
        .map(t -> RowFactory.create(t._1().getString(0), t._1().getString(1), t._2()));
    Dataset<Row> lines = spark.createDataFrame(indexed, new StructType()
            .add("value", DataTypes.StringType).add(SourceReader.SOURCE_FILE, DataTypes.StringType)
            .add(INDEX, DataTypes.LongType))
        .withColumn(SourceReader.SOURCE_LINE, col(INDEX)
            .minus(min(INDEX).over(Window.partitionBy(SourceReader.SOURCE_FILE))).plus(1))
        .withColumn(TOKENS, split(regexp_replace(col("value"), "^\\s+|\\s+$", ""), "\\s+"))
        .where(regexp_replace(col("value"), "\\s", "").notEqual(""));

    List<Row> first = lines.orderBy(SourceReader.SOURCE_FILE, SourceReader.SOURCE_LINE).select(TOKENS).takeAsList(1);
    if (first.isEmpty()) {
      throw new InvalidInputException("source '" + source.name() + "': " + source.path() + " has no lines");
    }
    List<String> firstTokens = first.get(0).getList(0);
    List<String> names = new ArrayList<>();
    for (int i = 0; i < firstTokens.size(); i++) {
      names.add(header ? firstTokens.get(i) : "_c" + i);
    }
    if (header) {
      lines = lines.where(col(SourceReader.SOURCE_LINE).gt(1));
    }
    Column wellFormed = size(col(TOKENS)).equalTo(names.size());
    List<Column> out = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      out.add(when(wellFormed, col(TOKENS).getItem(i)).as(names.get(i)));
    }
    out.add(when(wellFormed, lit(null).cast("string")).otherwise(col("value")).as(SourceReader.CORRUPT_RECORD));
    out.add(col(SourceReader.SOURCE_FILE));
    out.add(col(SourceReader.SOURCE_LINE));
    return lines.select(out.toArray(Column[]::new));
  }
}
