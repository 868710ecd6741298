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
    // score.clv.model = auto (the default): every candidate is fitted on the calibration weeks and
    // BIC chooses MBG/NBD, whose estimates are BTYDplus's published ones (0.525, 6.183, 0.891, 1.614).
    assertEquals("mbg_nbd", metrics.get("transaction_model").asText(), metrics.get("choice_reason").asText());
    JsonNode chosen = printed.get("parameters").get("transaction_model");
    assertEquals(0.525, chosen.get("params").get("r").asDouble(), 1e-3);
    assertEquals(1.614, chosen.get("params").get("b").asDouble(), 1e-3);
    assertTrue(chosen.get("standard_errors").get("r").asDouble() > 0);
    JsonNode candidates = metrics.get("candidates");
    assertEquals(3, candidates.size(), "bg_nbd, mbg_nbd, nbd: " + candidates);
    double lowest = Double.MAX_VALUE;
    for (JsonNode c : candidates) {
      assertEquals("converged", c.get("status").asText(), c.toString());
      assertTrue(c.get("mae").asDouble() > 0 && c.get("rmse").asDouble() > c.get("mae").asDouble(), c.toString());
      lowest = Math.min(lowest, c.get("bic").asDouble());
      if (c.get("model").asText().equals("bg_nbd")) {
        assertEquals(-9582.43, c.get("log_likelihood").asDouble(), 0.01, "FHL (2005)");
      }
      if (c.get("chosen").asBoolean()) {
        assertEquals(metrics.get("mae").asDouble(), c.get("mae").asDouble(), 0);
      }
    }
    for (JsonNode c : candidates) {
      assertEquals(c.get("chosen").asBoolean(), c.get("bic").asDouble() == lowest, c.toString());
    }

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

  @Test
  void onHardDataTheBacktestChoosesAsTheRunDoesAndPrintsEveryCandidatesHoldoutError(@TempDir Path dir)
      throws Exception {
    // A year of regulars: nobody visibly drops out by the cut-off, so BG/NBD and MBG/NBD end on their
    // boundary and the backtest, like `run`, takes their no-dropout limit; each candidate still gets
    // its holdout error, so a user sees what the boundary fits would have predicted.
    Path csv = HardExports.write(dir.resolve("tx.csv"), HardExports.noDropout(600, 3L));
    String[] args = {"backtest", "--conf", "../conf/examples/transactions-csv.conf",
        "--cutoff", "2024-09-01", "--holdout", "17w", "--run-id", "bt-hard",
        "--set", "paths.data-dir=" + dir.resolve("data"), "--set", "sources.transactions.path=" + csv};
    JsonNode metrics = JSON.readTree(runCapturingStdout(0, args)).get("metrics");
    assertEquals("nbd", metrics.get("transaction_model").asText(), metrics.toString());
    assertTrue(metrics.get("choice_reason").asText().startsWith("dropout not identified"),
        metrics.get("choice_reason").asText());
    JsonNode candidates = metrics.get("candidates");
    assertEquals(3, candidates.size(), candidates.toString());
    for (JsonNode c : candidates) {
      String model = c.get("model").asText();
      assertEquals(model.equals("nbd") ? "converged" : "boundary", c.get("status").asText(), c.toString());
      assertEquals(model.equals("nbd"), c.get("chosen").asBoolean(), c.toString());
      assertTrue(c.get("mae").asDouble() > 0 && c.get("rmse").asDouble() >= c.get("mae").asDouble(), c.toString());
    }

    // Six customers, three of them repeat buyers: no model can be trusted; the backtest says so
    // with the degraded exit code instead of printing an error measured on nothing.
    Path handful = HardExports.write(dir.resolve("handful.csv"), HardExports.handful());
    String[] few = {"backtest", "--conf", "../conf/examples/transactions-csv.conf",
        "--cutoff", "2024-09-01", "--holdout", "17w", "--run-id", "bt-few",
        "--set", "paths.data-dir=" + dir.resolve("few"), "--set", "sources.transactions.path=" + handful};
    JsonNode fewMetrics = JSON.readTree(runCapturingStdout(CentraalCli.EXIT_DEGRADED, few)).get("metrics");
    assertTrue(fewMetrics.get("transaction_model").isNull(), fewMetrics.toString());
  }

  private static String runCapturingStdout(String... args) {
    return runCapturingStdout(0, args);
  }

  private static String runCapturingStdout(int expectedExit, String... args) {
    PrintStream original = System.out;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
    try {
      assertEquals(expectedExit, CentraalCli.execute(args));
    } finally {
      System.setOut(original);
    }
    return buffer.toString(StandardCharsets.UTF_8);
  }
}
