package io.centraal.jobs;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.centraal.scoring.io.DeltaTables;
import io.centraal.scoring.schema.LogColumns;
import io.centraal.scoring.testing.SparkExtension;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code centraal backtest} end to end on the CDNOW 1/10 sample through the shipped CDNOW mapping
 * (conf/examples/cdnow.conf, with the sample's column layout set on the command line): exactly one
 * JSON object on stdout, and the same row in gold model_runs.
 */
@ExtendWith(SparkExtension.class)
class BacktestCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void printsOneJsonObjectAndWritesTheModelRunsRow(SparkSession spark, @TempDir Path dir) throws Exception {
    Path sample = dir.resolve("CDNOW_sample.txt");
    try (InputStream in = getClass().getResourceAsStream("/cdnow/CDNOW_sample.txt")) {
      Files.copy(in, sample);
    }
    Path data = dir.resolve("data");
    String[] args = {"backtest", "--conf", "../conf/examples/cdnow.conf", "--cutoff", "1997-10-01", "--holdout", "39w",
        "--run-id", "bt-1",
        "--set", "paths.data-dir=" + data,
        "--set", "sources.transactions.path=" + sample,
        "--set", "sources.transactions.options.header=false",
        "--set", "sources.transactions.columns.customer_ref=_c1",
        "--set", "sources.transactions.columns.ts=_c2",
        "--set", "sources.transactions.columns.quantity=_c3",
        "--set", "sources.transactions.columns.amount=_c4"};
    String stdout = runCapturingStdout(args);
    assertEquals(1, stdout.strip().lines().count(), "stdout is exactly one line: " + stdout);
    JsonNode printed = JSON.readTree(stdout);
    assertEquals("backtest", printed.get("model").asText());
    assertEquals("1998-06-30", printed.get("as_of_date").asText());
    JsonNode metrics = printed.get("metrics");
    assertEquals(1882, metrics.get("actual_total").asDouble(), 0);
    assertEquals(0.2426, printed.get("parameters").get("transaction_model").get("params").get("r").asDouble(), 3e-4);
    assertTrue(printed.get("parameters").get("transaction_model").get("standard_errors").get("r").asDouble() > 0);

    List<Row> rows = DeltaTables.read(spark, data.resolve("gold/model_runs").toString())
        .where(col(LogColumns.MODEL).equalTo("backtest")).collectAsList();
    assertEquals(1, rows.size());
    Row row = rows.get(0);
    assertEquals("bt-1", row.getAs(LogColumns.RUN_ID));
    assertEquals("weeks", row.getAs(LogColumns.TIME_UNIT));
    assertEquals(printed.get("log_likelihood").asDouble(), row.<Double>getAs(LogColumns.LOG_LIKELIHOOD), 1e-9);
    assertEquals(metrics, JSON.readTree(row.<String>getAs(LogColumns.METRICS_JSON)));
    assertEquals(printed.get("parameters"), JSON.readTree(row.<String>getAs(LogColumns.PARAMETERS_JSON)));
  }

  @Test
  void badHoldoutExitsTwo() {
    assertEquals(2, CentraalCli.execute("backtest", "--cutoff", "1997-10-01", "--holdout", "39 weeks"));
    assertEquals(2, CentraalCli.execute("backtest", "--cutoff", "1997-10-01"));
  }

  private static String runCapturingStdout(String... args) {
    PrintStream original = System.out;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
    try {
      assertEquals(0, CentraalCli.execute(args));
    } finally {
      System.setOut(original);
    }
    return buffer.toString(StandardCharsets.UTF_8);
  }
}
