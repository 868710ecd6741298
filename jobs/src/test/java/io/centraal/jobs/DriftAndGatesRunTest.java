package io.centraal.jobs;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.centraal.scoring.config.CentraalSettings;
import io.centraal.scoring.demo.DemoSpec;
import io.centraal.scoring.dq.ValidityGates;
import io.centraal.scoring.io.DeltaTables;
import io.centraal.scoring.schema.DriftColumns;
import io.centraal.scoring.schema.LogColumns;
import io.centraal.scoring.schema.ScoreColumns;
import io.centraal.scoring.testing.PostgresServer;
import io.centraal.scoring.testing.SparkExtension;
import io.centraal.scoring.testing.TestSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two as-of dates of generated data through {@code centraal run}: the second run compares itself with
 * the first (run_drift row), and a validity gate that fails (a tiny max-psi) keeps gold but blocks the
 * marketing drop and the JDBC export with exit 3, until the same run is repeated with --accept-gate.
 * The CLV horizon is one month here, so the first date's horizon has passed by the second and the
 * rolling backtest has a run to check.
 */
@ExtendWith(SparkExtension.class)
class DriftAndGatesRunTest {
  @RegisterExtension
  static final PostgresServer POSTGRES = new PostgresServer();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long CUSTOMERS = 600;

  @Test
  void theSecondDateRecordsItsDriftAndAFailedGateBlocksPublishingUntilAccepted(SparkSession spark, @TempDir Path dir)
      throws Exception {
    CentraalSettings settings = TestSettings.withDataDir(dir, Map.of());
    DemoSpec spec = GenerateCommand.spec(settings.demo(), CUSTOMERS, 11L);
    GenerateCommand.generate(spark, spec, settings.paths().raw(),
        new Progress(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), spark));
    LocalDate second = spec.endDate();
    LocalDate first = second.minusDays(45);

    int firstExit = run(dir, first);
    assertTrue(firstExit == 0 || firstExit == CentraalCli.EXIT_DEGRADED, "first date: exit " + firstExit);
    JsonNode firstDrift = metrics(spark, dir, first, DriftColumns.RUN_DRIFT_MODEL);
    assertTrue(firstDrift.get("previous_as_of_date").isNull(), firstDrift.toString());
    assertTrue(firstDrift.get("notes").get(0).asText().startsWith("first run"), firstDrift.toString());
    assertEquals(ValidityGates.PASSED, metrics(spark, dir, first, DriftColumns.VALIDITY_GATES_MODEL)
        .get("status").asText(), "nothing to compare with is not a failure");

    // The second date with a PSI limit no real run meets: gold written, nothing published, exit 3.
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    // --model latest: the churn model of the first date scores the second (no retraining; saves a minute).
    int blockedExit = runCapturingErr(err, dir, second, "--model", "latest", "--set", "gates.max-psi=0.0001");
    String message = err.toString(StandardCharsets.UTF_8);
    assertEquals(CentraalCli.EXIT_DATA_QUALITY, blockedExit, message);
    assertTrue(message.contains("validity gate failed for " + second) && message.contains("max-psi failed: "),
        message);

    JsonNode drift = metrics(spark, dir, second, DriftColumns.RUN_DRIFT_MODEL);
    System.out.println("run_drift " + second + ": " + drift);
    assertEquals(first.toString(), drift.get("previous_as_of_date").asText());
    assertTrue(drift.get("parameter_shifts").size() > 0, "parameter shifts of the models chosen on both dates: " + drift);
    for (JsonNode shift : drift.get("parameter_shifts")) {
      assertTrue(shift.get("shift_se").isNumber(), shift.toString());
    }
    List<String> scores = new ArrayList<>();
    drift.get("psi").forEach(p -> {
      scores.add(p.get("score").asText());
      assertTrue(p.get("psi").asDouble() >= 0 && p.get("current_customers").asLong() > 0, p.toString());
    });
    assertEquals(List.of(ScoreColumns.clv("1m"), ScoreColumns.CHURN_RISK, ScoreColumns.INFLUENCE_SCORE), scores);
    long migrated = 0;
    for (JsonNode cell : drift.get("segment_migration")) {
      migrated += cell.get(DriftColumns.CUSTOMERS).asLong();
    }
    assertTrue(migrated >= gold(spark, dir, second), "every customer of either date is in the matrix: " + migrated);
    JsonNode backtest = drift.get("rolling_backtest");
    assertEquals(1, backtest.size(), "the first date's one-month horizon has passed: " + drift);
    assertEquals(first.toString(), backtest.get(0).get("as_of_date").asText());
    assertTrue(backtest.get(0).get("customers").asLong() > 0 && backtest.get(0).get("actual_total").asDouble() > 0
        && backtest.get(0).get("mae").asDouble() > 0, backtest.toString());

    JsonNode gates = metrics(spark, dir, second, DriftColumns.VALIDITY_GATES_MODEL);
    assertEquals(ValidityGates.BLOCKED, gates.get("status").asText(), gates.toString());
    JsonNode psiGate = gate(gates, ValidityGates.MAX_PSI);
    assertFalse(psiGate.get("passed").asBoolean());
    double gatedPsi = 0; // the gate reads centraal.gates.max-psi-scores: clv and influence_score by default
    for (JsonNode p : drift.get("psi")) {
      if (!p.get("score").asText().equals(ScoreColumns.CHURN_RISK)) {
        gatedPsi = Math.max(gatedPsi, p.get("psi").asDouble());
      }
    }
    assertEquals(gatedPsi, psiGate.get("value").asDouble(), 1e-12);
    assertTrue(gold(spark, dir, second) > 0, "gold is kept");
    Path drop = dir.resolve("exports/marketing/as_of_date=" + second);
    assertFalse(Files.exists(drop), "no marketing drop for a blocked date");
    assertTrue(Files.isDirectory(dir.resolve("exports/marketing/as_of_date=" + first)));
    assertEquals(0, jdbcRows(second), "no JDBC export for a blocked date");
    assertTrue(jdbcRows(first) > 0);
    assertEquals(JobResult.GATE_FAILED, latestLog(spark, dir, second, "export").getAs(LogColumns.STATUS));
    // The run report (rendered after the run, also a blocked one) shows the gates and the drift.
    String html = Files.readString(dir.resolve("reports/as_of_date=" + second + "/report.html"));
    for (String block : List.of("validity-gates", "drift-parameters", "drift-psi", "drift-matrix", "drift-migration",
        "drift-backtest")) {
      assertTrue(html.contains("data-block=\"" + block + "\""), "report block " + block);
    }
    assertTrue(html.contains("Validity gates (status: blocked)"), "gate status in the report");
    assertTrue(html.contains(drift.get("psi").get(0).get("reading").asText()), "PSI readings in the report");

    // The export alone, accepting the gate: the scores the blocked run kept are published, exit 0.
    // (`run --accept-gate` passes the same acceptance to its export; export alone is the cheaper path.)
    int acceptedExit = command("export", dir, second, "--set", "gates.max-psi=0.0001",
        "--accept-gate", ValidityGates.MAX_PSI);
    assertTrue(acceptedExit == 0 || acceptedExit == CentraalCli.EXIT_DEGRADED, "accepted: exit " + acceptedExit);
    assertTrue(Files.isDirectory(drop.resolve("csv")), "the drop is written");
    assertTrue(jdbcRows(second) > 0, "the JDBC export ran");
    JsonNode accepted = metrics(spark, dir, second, DriftColumns.VALIDITY_GATES_MODEL);
    assertEquals(ValidityGates.ACCEPTED, accepted.get("status").asText(), accepted.toString());
    JsonNode acceptedPsi = gate(accepted, ValidityGates.MAX_PSI);
    assertTrue(!acceptedPsi.get("passed").asBoolean() && acceptedPsi.get("accepted").asBoolean()
        && acceptedPsi.get("accepted_by").asText().equals("export --accept-gate"), acceptedPsi.toString());
    Row export = latestLog(spark, dir, second, "export");
    assertEquals(acceptedExit == 0 ? "succeeded" : "degraded", export.getAs(LogColumns.STATUS));
    assertTrue(export.<String>getAs(LogColumns.DETAIL).contains("\"accepted_gates\":[\"max-psi\"]"),
        export.<String>getAs(LogColumns.DETAIL));
  }

  private static int run(Path dir, LocalDate asOf, String... extra) {
    return command("run", dir, asOf, extra);
  }

  private static int command(String command, Path dir, LocalDate asOf, String... extra) {
    List<String> args = new ArrayList<>(List.of(command, "--as-of", asOf.toString(), "--run-id", "drift-" + asOf,
        "--set", "paths.data-dir=" + dir, "--set", "score.clv.horizon-label=1m",
        "--set", "score.clv.horizon-periods=1", "--set", "export.jdbc.enabled=true",
        "--set", "export.jdbc.url=" + POSTGRES.url(), "--set", "export.jdbc.user=" + PostgresServer.USER));
    args.addAll(List.of(extra));
    return CentraalCli.execute(args.toArray(String[]::new));
  }

  private static int runCapturingErr(ByteArrayOutputStream err, Path dir, LocalDate asOf, String... extra) {
    PrintStream before = System.err;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      return run(dir, asOf, extra);
    } finally {
      System.setErr(before);
    }
  }

  private static JsonNode metrics(SparkSession spark, Path dir, LocalDate asOf, String model) throws Exception {
    Row row = DeltaTables.read(spark, dir.resolve("gold/model_runs").toString())
        .where(col(LogColumns.MODEL).equalTo(model).and(col(LogColumns.AS_OF_DATE).equalTo(Date.valueOf(asOf))))
        .first();
    return JSON.readTree(row.<String>getAs(LogColumns.METRICS_JSON));
  }

  private static JsonNode gate(JsonNode gates, String name) {
    for (JsonNode g : gates.get("gates")) {
      if (g.get("gate").asText().equals(name)) {
        return g;
      }
    }
    throw new AssertionError("no gate " + name + " in " + gates);
  }

  private static long gold(SparkSession spark, Path dir, LocalDate asOf) {
    return DeltaTables.read(spark, dir.resolve("gold/customer_scores").toString())
        .where(col(ScoreColumns.AS_OF_DATE).equalTo(Date.valueOf(asOf))).count();
  }

  private static Row latestLog(SparkSession spark, Path dir, LocalDate asOf, String job) {
    return DeltaTables.read(spark, dir.resolve("gold/run_log").toString())
        .where(col(LogColumns.JOB).equalTo(job).and(col(LogColumns.AS_OF_DATE).equalTo(Date.valueOf(asOf))))
        .orderBy(col(LogColumns.STARTED_AT).desc()).first();
  }

  private static long jdbcRows(LocalDate asOf) throws Exception {
    try (java.sql.Connection c = POSTGRES.connect();
         java.sql.PreparedStatement st = c.prepareStatement("SELECT count(*) FROM customer_scores WHERE as_of_date = ?")) {
      st.setDate(1, Date.valueOf(asOf));
      try (java.sql.ResultSet rs = st.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }
}
