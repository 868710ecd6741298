package io.centraal.scoring.export;

import io.centraal.scoring.run.ScoringException;
import io.centraal.scoring.schema.FeatureColumns;
import io.centraal.scoring.schema.ScoreColumns;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Upserts one as-of date's customer scores into a PostgreSQL table, keyed on {@code customer_key},
 * so a marketing database or BI tool can query the current scores with plain SQL.
 *
 * <p>Contract of the table: it holds exactly the customers of the latest exported date (one row
 * each). One run is ONE transaction on ONE connection: create the table if missing (DDL is
 * transactional in PostgreSQL), add columns the schema gained, upsert every row in JDBC batches
 * ({@code INSERT ... ON CONFLICT (customer_key) DO UPDATE}), each row stamped with this export's
 * id, then delete the rows not stamped by this export (customers no longer scored, or whose consent
 * no longer allows marketing: a withdrawal must reach the marketing database), then commit. Any
 * failure rolls back, so readers see the previous scores until the new ones are complete.
 *
 * <p>Rows reach the driver through {@code Dataset.toLocalIterator()} (one partition at a time):
 * one transaction needs one connection, so per-partition writers on executors (each with its own
 * connection and transaction) cannot give the all-or-nothing guarantee. Driver throughput is the
 * price; the batch size keeps round trips down.
 *
 * <p>An export for a date older than the table's newest {@code as_of_date} is skipped (a backfill
 * of old dates must not replace newer scores).
 */
public final class JdbcScoresExport {
  /** Column stamped with the id of the export that wrote the row. */
  public static final String EXPORT_ID = "export_id";
  /** Column with the time the row was written (database clock). */
  public static final String EXPORTED_AT = "exported_at";

  private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");

  /** Called after each batch has been sent; tests use it to inject a failure mid-export. */
  @FunctionalInterface
  public interface BatchListener {
    void afterBatch(int batchNumber, long rowsSoFar) throws SQLException;
  }

  /** Outcome of one export. */
  public record Result(long upserted, long deleted, boolean skipped, String message) {}

  private final String url;
  private final String user;
  private final String password;
  private final String table;
  private final int batchSize;

  public JdbcScoresExport(String url, String user, String password, String table, int batchSize) {
    if (!TABLE_NAME.matcher(table).matches()) {
      throw new io.centraal.scoring.run.InvalidConfigException("export.jdbc.table '" + table
          + "' is not a plain [schema.]table name (letters, digits, underscores)");
    }
    this.url = url;
    this.user = user;
    this.password = password;
    this.table = table;
    this.batchSize = batchSize;
  }

  /** From settings; the password from the environment (none sent when the variable is unset). */
  public static JdbcScoresExport fromSettings(JdbcSettings jdbc) {
    return new JdbcScoresExport(jdbc.url(), jdbc.user(), System.getenv(JdbcSettings.PASSWORD_ENV),
        jdbc.table(), jdbc.batchSize());
  }

  public String table() {
    return table;
  }

  /**
   * Exports the customers of {@code scores} whose consent allows marketing ({@code marketing_allowed}),
   * streaming them to the driver with {@code toLocalIterator} (one partition in memory at a time).
   */
  public Result export(Dataset<Row> scores, LocalDate asOf) {
    return export(scores, asOf, (batch, soFar) -> { });
  }

  /** As {@link #export(Dataset, LocalDate)}, calling {@code listener} after each batch. */
  public Result export(Dataset<Row> scores, LocalDate asOf, BatchListener listener) {
    Dataset<Row> consented = scores.where(functions.col(FeatureColumns.MARKETING_ALLOWED));
    return export(consented.schema(), consented.toLocalIterator(), asOf, listener);
  }

  /** Exports {@code rows} (schema {@code schema}, must contain customer_key and as_of_date) for {@code asOf}. */
  public Result export(StructType schema, Iterator<Row> rows, LocalDate asOf) {
    return export(schema, rows, asOf, (batch, soFar) -> { });
  }

  /** As {@link #export(StructType, Iterator, LocalDate)}, calling {@code listener} after each batch. */
  public Result export(StructType schema, Iterator<Row> rows, LocalDate asOf, BatchListener listener) {
    List<String> names = List.of(schema.fieldNames());
    if (!names.contains(ScoreColumns.CUSTOMER_KEY) || !names.contains(ScoreColumns.AS_OF_DATE)) {
      throw new IllegalArgumentException("a JDBC export needs columns " + ScoreColumns.CUSTOMER_KEY + " and "
          + ScoreColumns.AS_OF_DATE + ", got " + names);
    }
    String exportId = UUID.randomUUID().toString();
    return inTransaction(conn -> exportInTransaction(conn, schema, rows, asOf, exportId, listener),
        "JDBC export of " + asOf + " to table " + table + " at " + redacted(url)
            + " failed and was rolled back (the table keeps its previous scores)");
  }

  /** Work on one connection inside one transaction. */
  @FunctionalInterface
  private interface Transaction<T> {
    T run(Connection conn) throws SQLException;
  }

  /**
   * Runs {@code work} in one transaction on a new connection: commit when it returns, roll back when
   * it throws; a database error becomes a {@link ScoringException} starting with {@code failure}.
   */
  private <T> T inTransaction(Transaction<T> work, String failure) {
    try (Connection conn = connect()) {
      conn.setAutoCommit(false);
      try {
        T result = work.run(conn);
        conn.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        conn.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new ScoringException(failure + ": " + redacted(describe(e)), e);
    }
  }

  private Result exportInTransaction(Connection conn, StructType schema, Iterator<Row> rows, LocalDate asOf,
                                     String exportId, BatchListener listener) throws SQLException {
    try (Statement st = conn.createStatement()) {
      st.execute(createTableSql(schema));
      for (StructField f : schema.fields()) {
        st.execute("ALTER TABLE " + table + " ADD COLUMN IF NOT EXISTS " + quote(f.name()) + " " + sqlType(f.dataType()));
      }
      // Serialises concurrent exports to the same table; readers are not blocked.
      st.execute("LOCK TABLE " + table + " IN SHARE ROW EXCLUSIVE MODE");
      try (ResultSet rs = st.executeQuery("SELECT max(" + quote(ScoreColumns.AS_OF_DATE) + ") FROM " + table)) {
        rs.next();
        java.sql.Date newest = rs.getDate(1);
        if (newest != null && newest.toLocalDate().isAfter(asOf)) {
          return new Result(0, 0, true, "skipped: " + table + " already holds newer scores (as of "
              + newest + "); an older date never replaces them");
        }
      }
    }
    StructField[] fields = schema.fields();
    long upserted = 0;
    int batches = 0;
    try (PreparedStatement upsert = conn.prepareStatement(upsertSql(schema))) {
      int inBatch = 0;
      while (rows.hasNext()) {
        Row row = rows.next();
        for (int i = 0; i < fields.length; i++) {
          bind(upsert, i + 1, fields[i].dataType(), row.isNullAt(i) ? null : row.get(i));
        }
        upsert.setString(fields.length + 1, exportId);
        upsert.addBatch();
        upserted++;
        if (++inBatch == batchSize) {
          upsert.executeBatch();
          inBatch = 0;
          listener.afterBatch(++batches, upserted);
        }
      }
      if (inBatch > 0) {
        upsert.executeBatch();
        listener.afterBatch(++batches, upserted);
      }
    }
    long deleted;
    try (PreparedStatement delete = conn.prepareStatement("DELETE FROM " + table + " WHERE " + quote(EXPORT_ID)
        + " IS DISTINCT FROM ?")) {
      delete.setString(1, exportId);
      deleted = delete.executeUpdate();
    }
    return new Result(upserted, deleted, false, String.format(Locale.ROOT,
        "%d rows upserted into %s in %d batches, %d rows of customers no longer exported deleted",
        upserted, table, batches, deleted));
  }

  /**
   * Deletes the rows of the given customers (erasure requests); one transaction. Returns the number
   * of rows deleted; 0 when the table does not exist.
   */
  public long deleteCustomers(Collection<Long> customerKeys) {
    if (customerKeys.isEmpty()) {
      return 0;
    }
    return inTransaction(conn -> {
      if (!tableExists(conn)) {
        return 0L;
      }
      try (PreparedStatement st = conn.prepareStatement("DELETE FROM " + table + " WHERE "
          + quote(ScoreColumns.CUSTOMER_KEY) + " = ANY(?)")) {
        st.setArray(1, conn.createArrayOf("bigint", customerKeys.toArray(new Long[0])));
        return (long) st.executeUpdate();
      }
    }, "cannot delete " + customerKeys.size() + " customers from " + table + " at " + redacted(url));
  }

  /** Fails, naming the table and the (redacted) URL, unless the database answers now: erasure checks this before deleting anything. */
  public void checkReachable() {
    inTransaction(conn -> {
      tableExists(conn);
      return null;
    }, "cannot reach the JDBC export table " + table + " at " + redacted(url));
  }

  /**
   * The URL with secrets masked, for messages and run_log: a JDBC URL may carry {@code ?password=}
   * (or {@code user:password@}), and error text ends up in logs, tickets and the run_log table.
   */
  public static String redacted(String url) {
    return io.centraal.scoring.run.Redaction.redactText(url);
  }

  private boolean tableExists(Connection conn) throws SQLException {
    try (PreparedStatement st = conn.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
      st.setString(1, table);
      try (ResultSet rs = st.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  private Connection connect() throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", user);
    if (password != null && !password.isEmpty()) {
      props.setProperty("password", password);
    }
    // Lets the driver rewrite a batch of INSERTs into multi-row statements (fewer round trips).
    props.setProperty("reWriteBatchedInserts", "true");
    return DriverManager.getConnection(url, props);
  }

  String createTableSql(StructType schema) {
    String columns = java.util.Arrays.stream(schema.fields())
        .map(f -> quote(f.name()) + " " + sqlType(f.dataType())
            + (f.name().equals(ScoreColumns.CUSTOMER_KEY) ? " PRIMARY KEY" : ""))
        .collect(Collectors.joining(", "));
    return "CREATE TABLE IF NOT EXISTS " + table + " (" + columns + ", " + quote(EXPORT_ID) + " text NOT NULL, "
        + quote(EXPORTED_AT) + " timestamptz NOT NULL DEFAULT now())";
  }

  String upsertSql(StructType schema) {
    List<String> cols = new ArrayList<>();
    for (String name : schema.fieldNames()) {
      cols.add(quote(name));
    }
    cols.add(quote(EXPORT_ID));
    String placeholders = cols.stream().map(c -> "?").collect(Collectors.joining(", "));
    List<String> updates = new ArrayList<>();
    for (String name : schema.fieldNames()) {
      if (!name.equals(ScoreColumns.CUSTOMER_KEY)) {
        updates.add(quote(name) + " = EXCLUDED." + quote(name));
      }
    }
    updates.add(quote(EXPORT_ID) + " = EXCLUDED." + quote(EXPORT_ID));
    updates.add(quote(EXPORTED_AT) + " = now()");
    return "INSERT INTO " + table + " (" + String.join(", ", cols) + ") VALUES (" + placeholders + ") ON CONFLICT ("
        + quote(ScoreColumns.CUSTOMER_KEY) + ") DO UPDATE SET " + String.join(", ", updates);
  }

  /** PostgreSQL type of a Spark column type (the types customer_scores uses). */
  static String sqlType(DataType type) {
    if (type.equals(DataTypes.LongType)) {
      return "bigint";
    } else if (type.equals(DataTypes.IntegerType) || type.equals(DataTypes.ShortType) || type.equals(DataTypes.ByteType)) {
      return "integer";
    } else if (type.equals(DataTypes.DoubleType)) {
      return "double precision";
    } else if (type.equals(DataTypes.FloatType)) {
      return "real";
    } else if (type.equals(DataTypes.StringType)) {
      return "text";
    } else if (type.equals(DataTypes.BooleanType)) {
      return "boolean";
    } else if (type.equals(DataTypes.DateType)) {
      return "date";
    } else if (type.equals(DataTypes.TimestampType)) {
      return "timestamptz";
    } else if (type instanceof org.apache.spark.sql.types.DecimalType) {
      return "numeric";
    }
    throw new IllegalArgumentException("no PostgreSQL type for Spark type " + type.simpleString());
  }

  private static void bind(PreparedStatement st, int index, DataType type, Object value) throws SQLException {
    if (value == null) {
      st.setNull(index, sqlTypeCode(type));
    } else if (value instanceof java.time.LocalDate d) {
      st.setObject(index, d);
    } else if (value instanceof java.time.Instant i) {
      st.setObject(index, java.time.OffsetDateTime.ofInstant(i, java.time.ZoneOffset.UTC));
    } else if (value instanceof Double d && !Double.isFinite(d)) {
      st.setDouble(index, d);
    } else {
      st.setObject(index, value);
    }
  }

  private static int sqlTypeCode(DataType type) {
    if (type.equals(DataTypes.LongType)) {
      return Types.BIGINT;
    } else if (type.equals(DataTypes.IntegerType) || type.equals(DataTypes.ShortType) || type.equals(DataTypes.ByteType)) {
      return Types.INTEGER;
    } else if (type.equals(DataTypes.DoubleType)) {
      return Types.DOUBLE;
    } else if (type.equals(DataTypes.FloatType)) {
      return Types.REAL;
    } else if (type.equals(DataTypes.BooleanType)) {
      return Types.BOOLEAN;
    } else if (type.equals(DataTypes.DateType)) {
      return Types.DATE;
    } else if (type.equals(DataTypes.TimestampType)) {
      return Types.TIMESTAMP_WITH_TIMEZONE;
    } else if (type instanceof org.apache.spark.sql.types.DecimalType) {
      return Types.NUMERIC;
    }
    return Types.VARCHAR;
  }

  private static String quote(String identifier) {
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }

  /** The first message of a batch failure is generic; the next exception names the row and constraint. */
  private static String describe(SQLException e) {
    String message = e.getMessage();
    SQLException next = e.getNextException();
    if (next != null && next != e) {
      message += " (" + next.getMessage() + ")";
    }
    return message.replace('\n', ' ');
  }
}
