package io.centraal.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/**
 * What every section needs: the session (with the tables registered as temp views, see
 * {@link RunReport#VIEWS}), the as-of date and the CLV column. Every number in the report comes
 * from {@link #query}, i.e. from Spark SQL over the tables, and that same SQL text goes into the
 * notebook's code cells.
 */
final class ReportContext {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ReportContext.class);
  final SparkSession spark;
  final String asOf;
  final String clv;
  /** Table properties of gold customer_scores (CLV horizon, unit, discounting, basis). */
  final Map<String, String> scoreProperties;

  ReportContext(SparkSession spark, String asOf, String clvColumn, Map<String, String> scoreProperties) {
    this.spark = spark;
    this.asOf = asOf;
    this.clv = clvColumn;
    this.scoreProperties = scoreProperties;
  }

  /** The as-of date as a SQL literal. */
  String date() {
    return "DATE'" + asOf + "'";
  }

  /** The SQL result, collected (report queries return at most a few thousand rows). */
  Result query(String sql) {
    long t0 = System.nanoTime();
    Dataset<Row> df = spark.sql(sql);
    Result r = new Result(sql, df.schema().fields(), df.collectAsList());
    LOG.info("report query: {} rows in {} ms: {}", r.rows().size(), (System.nanoTime() - t0) / 1_000_000,
        sql.strip().replaceAll("\\s+", " "));
    return r;
  }

  /** A collected query result. */
  record Result(String sql, StructField[] fields, List<Row> rows) {
    boolean isEmpty() {
      return rows.isEmpty();
    }

    int index(String column) {
      for (int i = 0; i < fields.length; i++) {
        if (fields[i].name().equals(column)) {
          return i;
        }
      }
      throw new IllegalArgumentException("no column " + column + " in the result of: " + sql);
    }

    /** A column as doubles (null -> NaN). */
    double[] doubles(String column) {
      int i = index(column);
      return rows.stream().mapToDouble(r -> r.isNullAt(i) ? Double.NaN : ((Number) r.get(i)).doubleValue()).toArray();
    }

    List<String> strings(String column) {
      int i = index(column);
      return rows.stream().map(r -> r.isNullAt(i) ? "(none)" : String.valueOf(r.get(i))).toList();
    }

    /** The first row's value, or null when there is no row. */
    Object first(String column) {
      return rows.isEmpty() ? null : rows.get(0).get(index(column));
    }

    double firstDouble(String column) {
      Object v = first(column);
      return v == null ? Double.NaN : ((Number) v).doubleValue();
    }

    long firstLong(String column) {
      Object v = first(column);
      return v == null ? 0L : ((Number) v).longValue();
    }

    /**
     * The result as a formatted table. Columns not in {@code formats} are formatted by type:
     * integers as counts, other numbers with two decimals, the rest as text.
     */
    Report.Table table(Map<String, Fmt.Kind> formats) {
      List<String> columns = new ArrayList<>();
      List<Boolean> numeric = new ArrayList<>();
      List<Fmt.Kind> kinds = new ArrayList<>();
      for (StructField f : fields) {
        Fmt.Kind kind = formats.getOrDefault(f.name(), byType(f.dataType()));
        columns.add(f.name());
        kinds.add(kind);
        numeric.add(kind != Fmt.Kind.TEXT);
      }
      List<List<String>> out = new ArrayList<>();
      for (Row r : rows) {
        List<String> cells = new ArrayList<>();
        for (int i = 0; i < fields.length; i++) {
          cells.add(Fmt.format(r.get(i), kinds.get(i)));
        }
        out.add(cells);
      }
      return new Report.Table(columns, numeric, out);
    }

    private static Fmt.Kind byType(DataType t) {
      if (t.equals(DataTypes.LongType) || t.equals(DataTypes.IntegerType) || t.equals(DataTypes.ShortType)) {
        return Fmt.Kind.COUNT;
      }
      if (t.equals(DataTypes.DoubleType) || t.equals(DataTypes.FloatType) || t instanceof org.apache.spark.sql.types.DecimalType) {
        return Fmt.Kind.DECIMAL2;
      }
      return Fmt.Kind.TEXT;
    }
  }

  /** A block that shows a query's table and/or chart. */
  static Report.Block block(String id, String title, String caption, Result result, String plotCode,
                            Report.Table table, Report.Chart chart) {
    return new Report.Block(id, title, caption, result.sql().strip(), plotCode, table, chart, null);
  }

  /**
   * The rows of a JSON array in a model_runs field: {@code cte} defines table {@code from} (one
   * row), {@code jsonExpr} is the SQL of the field, {@code arrayType} its Spark DDL type.
   */
  Result jsonRows(String cte, String from, String jsonExpr, String arrayType) {
    return query(cte + "SELECT inline(from_json(" + jsonExpr + ", '" + arrayType + "'))\nFROM " + from + "\n");
  }

  /**
   * The block {@code present} builds from {@code result}, or, when the result has no rows (or no
   * columns: a null JSON array), a missing-data block with {@code absentNote}.
   */
  static Report.Block blockOrMissing(String id, String title, Result result, String absentNote,
                                     java.util.function.Function<Result, Report.Block> present) {
    return result.isEmpty() || result.fields().length == 0 ? missing(id, title, result.sql(), absentNote)
        : present.apply(result);
  }

  /** A block whose data is missing: the SQL is still shown, with a note saying what is missing. */
  static Report.Block missing(String id, String title, String sql, String note) {
    return new Report.Block(id, title, null, sql.strip(), null, null, null, note);
  }
}
