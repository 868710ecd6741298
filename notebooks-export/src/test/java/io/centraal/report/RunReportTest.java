package io.centraal.report;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.centraal.scoring.config.CentraalSettings;
import io.centraal.scoring.io.DeltaTables;
import io.centraal.scoring.model.influence.AdvocacyScoring;
import io.centraal.scoring.model.influence.ValueQuadrantScoring;
import io.centraal.scoring.schema.TableNames;
import io.centraal.scoring.testing.SparkExtension;
import io.centraal.scoring.testing.TestSettings;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Renders the report from small Delta tables written by the project's own writers, then checks
 * the notebook against the official nbformat schema, every checked number against an independent
 * Spark aggregate (or the JSON the fixture stored), graceful degradation when model_runs fields
 * are missing, and that the page opens in headless Chromium without a network request.
 */
@ExtendWith(SparkExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RunReportTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Path dataDir;
  private CentraalSettings settings;
  private RunReport.Output full;
  private RunReport.Output partial;
  private String html;
  private JsonNode notebook;
  private Dataset<Row> scores;

  @BeforeAll
  void render() throws Exception {
    SparkSession spark = SparkExtension.spark();
    dataDir = Files.createTempDirectory("centraal-report-test");
    long t0 = System.nanoTime();
    settings = ReportFixture.write(spark, TestSettings.withDataDir(dataDir, Map.of()));
    long t1 = System.nanoTime();
    full = RunReport.render(spark, RunReport.request(settings, ReportFixture.FULL, null));
    long t2 = System.nanoTime();
    partial = RunReport.render(spark, RunReport.request(settings, ReportFixture.PARTIAL, null));
    System.out.printf("TIMING fixture %.1f s, full %.1f s, partial %.1f s%n", (t1 - t0) / 1e9, (t2 - t1) / 1e9,
        (System.nanoTime() - t2) / 1e9);
    html = Files.readString(Path.of(full.html()));
    notebook = JSON.readTree(Path.of(full.notebook()).toFile());
    scores = DeltaTables.read(spark, settings.paths().gold(TableNames.CUSTOMER_SCORES))
        .where(col("as_of_date").equalTo(java.sql.Date.valueOf(ReportFixture.FULL)));
  }

  @Test
  void writesBothFilesToTheDefaultReportDirectory() {
    Path dir = dataDir.resolve("reports/as_of_date=" + ReportFixture.FULL);
    assertEquals(dir.resolve("report.html").toString(), full.html());
    assertTrue(Files.isRegularFile(dir.resolve("report.html")));
    assertTrue(Files.isRegularFile(dir.resolve("report.ipynb")));
    try (var files = Files.list(dir)) {
      assertEquals(Set.of("report.html", "report.ipynb"),
          Set.copyOf(files.map(p -> p.getFileName().toString()).toList()), "no temp or .crc files left behind");
    } catch (java.io.IOException e) {
      fail(e);
    }
  }

  @Test
  void notebookValidatesAgainstTheNbformat4Schema() throws Exception {
    JsonSchema schema = nbformatSchema();
    for (String file : List.of(full.notebook(), partial.notebook())) {
      Set<ValidationMessage> errors = schema.validate(JSON.readTree(Path.of(file).toFile()));
      assertTrue(errors.isEmpty(), file + " is not a valid nbformat 4 notebook: " + errors);
    }
    assertEquals(4, notebook.get("nbformat").asInt());
    // The schema is strict enough to catch a broken notebook (so the check above can fail).
    ObjectNode broken = notebook.deepCopy();
    ((ObjectNode) broken.get("cells").get(1)).remove("outputs");
    assertFalse(schema.validate(broken).isEmpty(), "a code cell without outputs must not validate");
  }

  @Test
  void notebookOutputsAreRenderedAndMatchTheHtml() {
    int images = 0;
    int tables = 0;
    for (JsonNode cell : notebook.get("cells")) {
      for (JsonNode out : cell.path("outputs")) {
        JsonNode data = out.path("data");
        if (data.has("image/png")) {
          images++;
          assertTrue(data.get("image/png").asText().startsWith("iVBORw0KGgo"), "PNG signature in base64");
        }
        if (data.has("text/html")) {
          tables++;
          String table = join(data.get("text/html"));
          String id = firstGroup(Pattern.compile("data-block=\"([^\"]+)\""), table);
          assertEquals(tables(html).get(id), parseTables(table).get(id), "notebook and HTML table " + id);
        }
      }
      if ("code".equals(cell.get("cell_type").asText()) && cell.path("metadata").has("tags")) {
        assertTrue(join(cell.get("source")).startsWith("df = spark.sql(\"\"\""), "code cells hold the Spark SQL");
      }
    }
    assertEquals(count(html, "<img class=\"chart\""), images, "every chart of the page is in the notebook");
    assertEquals(tables(html).size(), tables, "every table of the page is in the notebook");
    assertTrue(images >= 10, "charts rendered: " + images);
  }

  @Test
  void runSummaryNumbersEqualTheTables() {
    Map<String, List<Map<String, String>>> t = tables(html);
    assertEquals(scores.count(), number(t.get("customers-scored").get(0).get("customers_scored")), 0);
    Map<String, Long> expected = new LinkedHashMap<>();
    DeltaTables.read(SparkExtension.spark(), settings.paths().bronze(TableNames.QUARANTINE))
        .where(col("as_of_date").equalTo(java.sql.Date.valueOf(ReportFixture.FULL)))
        .select(col("source"), explode(col("reason_codes")).as("reason")).groupBy("source", "reason").count()
        .collectAsList().forEach(r -> expected.put(r.getString(0) + "/" + r.getString(1), r.getLong(2)));
    Map<String, Long> shown = new LinkedHashMap<>();
    t.get("quarantine-reasons").forEach(r -> shown.put(r.get("source") + "/" + r.get("reason"),
        (long) number(r.get("quarantined_rows"))));
    assertEquals(expected, shown);
    Map<String, String> transactions = t.get("sources").stream()
        .filter(r -> r.get("source").equals("transactions")).findFirst().orElseThrow();
    assertEquals(800, number(transactions.get("rows_read")), 0);
    assertEquals(7, number(transactions.get("rows_quarantined")), 0);
    assertEquals(List.of("ingest", "score", "export"), t.get("jobs").stream().map(r -> r.get("job")).toList());
    assertEquals(33.25, number(t.get("jobs").get(1).get("duration_seconds")), 0.005);
    assertTrue(html.contains("<div class=\"label\">Rows in</div><div class=\"value\">1,000</div>"), "KPI rows in");
  }

  @Test
  void rfmClvAndInfluenceNumbersEqualSparkAggregates() {
    Map<String, List<Map<String, String>>> t = tables(html);
    String clv = ReportFixture.CLV;
    double total = scores.agg(org.apache.spark.sql.functions.sum(clv)).first().getDouble(0);
    List<Row> segments = scores.groupBy("rfm_segment")
        .agg(org.apache.spark.sql.functions.count("*"), org.apache.spark.sql.functions.sum(clv)).collectAsList();
    assertEquals(segments.size(), t.get("rfm-segments").size());
    for (Row s : segments) {
      Map<String, String> shown = t.get("rfm-segments").stream()
          .filter(r -> r.get("rfm_segment").equals(s.getString(0))).findFirst().orElseThrow();
      assertEquals(s.getLong(1), number(shown.get("customers")), 0, s.getString(0));
      assertEquals(100 * s.getDouble(2) / total, number(shown.get("value_share")), 0.05, s.getString(0));
      assertEquals(s.getDouble(2), number(shown.get("total_value")), 0.005, s.getString(0));
    }

    // Top decile share, computed here without SQL: ntile(10) gives the first n % 10 groups one extra row.
    List<Double> values = new ArrayList<>(scores.where(col(clv).isNotNull()).select(clv).collectAsList().stream()
        .map(r -> r.getDouble(0)).toList());
    values.sort(Comparator.reverseOrder());
    int n = values.size();
    int firstDecile = n / 10 + (n % 10 > 0 ? 1 : 0);
    double top = values.subList(0, firstDecile).stream().mapToDouble(Double::doubleValue).sum();
    Map<String, String> decile1 = t.get("clv-deciles").get(0);
    assertEquals(firstDecile, number(decile1.get("customers")), 0);
    assertEquals(100 * top / total, number(decile1.get("value_share")), 0.05);
    assertEquals(total, number(t.get("clv-summary").get(0).get("total_clv")), 0.005);
    assertEquals(0.2426, number(t.get("clv-parameters").stream().filter(r -> r.get("parameter").equals("r"))
        .findFirst().orElseThrow().get("estimate")), 1e-9);

    // The frequency x recency matrix: every customer with a P(alive) in one row, and a cell's mean as Spark has it.
    List<Map<String, String>> matrix = t.get("clv-palive-matrix");
    assertEquals(scores.where(col("p_alive").isNotNull().and(col("t").gt(0))).count(),
        matrix.stream().mapToDouble(r -> number(r.get("customers"))).sum(), 0);
    Map<String, String> once = matrix.stream().filter(r -> r.get("frequency").equals("1")).findFirst().orElseThrow();
    org.apache.spark.sql.Column firstFifth = col("frequency").equalTo(1).and(col("t").gt(0))
        .and(col("recency").divide(col("t")).lt(0.2)).and(col("p_alive").isNotNull());
    if (scores.where(firstFifth).count() > 0) {
      assertEquals(scores.where(firstFifth).agg(org.apache.spark.sql.functions.avg("p_alive")).first().getDouble(0),
          number(once.get("recency_0_20")), 1e-4);
    }
    assertEquals(scores.where(col(clv).gt(0).and(col(clv + "_lower").isNotNull())).count(),
        number(t.get("clv-intervals").get(0).get("customers_with_interval")), 0);

    assertEquals(AdvocacyScoring.nps(scores).getAsDouble(), number(t.get("nps").get(0).get("nps")), 0.005);
    List<String> hidden = ValueQuadrantScoring.topHiddenInfluencers(scores, 10).select("customer_key").collectAsList()
        .stream().map(r -> String.valueOf(r.getLong(0))).toList();
    assertEquals(hidden, t.get("hidden-influencers").stream().map(r -> r.get("customer_key")).toList());
    long champions = scores.where(col("value_quadrant").equalTo("Champion")).count();
    assertEquals(champions, number(t.get("value-quadrants").stream()
        .filter(r -> r.get("value_quadrant").equals("Champion")).findFirst().orElseThrow().get("customers")), 0);
  }

  @Test
  void modelRunsNumbersEqualTheStoredJson() throws Exception {
    Map<String, List<Map<String, String>>> t = tables(html);
    JsonNode backtest = JSON.readTree(ReportFixture.BACKTEST_METRICS);
    List<Map<String, String>> cal = t.get("calibration-table");
    assertEquals(backtest.get("calibration_table").size(), cal.size());
    for (int i = 0; i < cal.size(); i++) {
      JsonNode expected = backtest.get("calibration_table").get(i);
      assertEquals(expected.get("frequency").asText(), cal.get(i).get("frequency"));
      assertEquals(expected.get("predicted_mean").asDouble(), number(cal.get(i).get("predicted_mean")), 5e-5);
      assertEquals(expected.get("actual_mean").asDouble(), number(cal.get(i).get("actual_mean")), 5e-5);
    }
    assertEquals(412.5, number(t.get("backtest-summary").get(0).get("predicted_total")), 0.005);
    assertTrue(html.contains("id=\"cumulative\"") && !html.contains("has no cumulative"), "tracking plot drawn");

    JsonNode churn = JSON.readTree(ReportFixture.CHURN_FULL);
    Map<String, String> auc = t.get("churn-metrics").get(0);
    assertEquals("auc_roc", auc.get("metric"));
    assertEquals(churn.at("/model/auc_roc").asDouble(), number(auc.get("model")), 5e-5);
    assertEquals(churn.at("/baseline_1_minus_p_alive/auc_roc").asDouble(), number(auc.get("baseline_1_minus_p_alive")), 5e-5);
    assertEquals(List.of("days_since_last_visit", "recency", "sessions"),
        t.get("churn-features").stream().map(r -> r.get("feature")).toList(), "sorted by |weight|");
    assertEquals(churn.get("reliability").size(), t.get("churn-reliability").size());
  }

  @Test
  void degradesGracefullyWhenModelRunsFieldsAreMissing() throws Exception {
    String page = Files.readString(Path.of(partial.html()));
    assertFalse(page.contains("id=\"calibration\""), "no backtest on or before the date: no calibration section");
    for (String block : List.of("churn-roc", "churn-lift", "churn-reliability", "churn-features")) {
      assertTrue(Pattern.compile("id=\"" + block + "\">\\s*<h3>[^<]*</h3>\\s*<p class=\"missing\">").matcher(page).find(),
          block + " says what is missing");
    }
    Map<String, List<Map<String, String>>> t = tables(page);
    assertEquals(0.7, number(t.get("churn-metrics").get(0).get("model")), 5e-5);
    assertEquals("", t.get("churn-metrics").get(1).get("baseline_1_minus_p_alive"), "absent metric left blank");
  }

  @Test
  void htmlOpensInHeadlessChromiumWithoutNetworkRequests() throws Exception {
    Path chromium = Path.of("/usr/bin/chromium");
    if (!Files.isExecutable(chromium)) {
      fail("/usr/bin/chromium is missing: install Debian's chromium package"
          + " (DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; .ci/run does this)");
    }
    // Statically: no URL to anything outside the page.
    for (String scheme : List.of("http://", "https://", "//fonts.", "src=\"//")) {
      assertFalse(html.contains(scheme), "report.html contains " + scheme);
    }
    Path work = Files.createTempDirectory("centraal-chromium");
    Path screenshot = Path.of("target", "report-screenshot.png").toAbsolutePath();
    List<String> pageRequests = pageRequests(chromium, work.resolve("report"), Path.of(full.html()), screenshot, 4000);
    assertEquals(List.of(), pageRequests, "the report made network requests");
    assertTrue(Files.size(screenshot) > 50_000, "a screenshot of the rendered page was taken: " + screenshot);

    // Control: the same check catches a page that does load something from the network.
    Path control = work.resolve("control.html");
    Files.writeString(control, "<html><body><img src=\"https://example.invalid/x.png\"></body></html>");
    List<String> controlRequests = pageRequests(chromium, work.resolve("control"), control,
        work.resolve("control.png"), 600);
    assertTrue(controlRequests.stream().anyMatch(u -> u.startsWith("https://example.invalid/")),
        "the net-log check must see a page's own request, saw " + controlRequests);
  }

  /**
   * Opens a page in headless Chromium with a net log and returns the http(s) URLs the page itself
   * requested. Chromium's own background calls (network time, account checks) carry the
   * initiator "not an origin" and are not the page's doing; they are listed in the test output.
   */
  private static List<String> pageRequests(Path chromium, Path dir, Path page, Path screenshot, int height)
      throws Exception {
    Path profile = Files.createDirectories(dir.resolve("profile"));
    Path netLog = dir.resolve("netlog.json");
    Process p = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--user-data-dir=" + profile, "--log-net-log=" + netLog, "--screenshot=" + screenshot,
        "--window-size=1280," + height, "--hide-scrollbars", page.toUri().toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("chromium.log").toFile()).start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("chromium did not finish within 120 s; see " + dir.resolve("chromium.log"));
    }
    assertEquals(0, p.exitValue(), "chromium exit code; see " + dir.resolve("chromium.log"));
    JsonNode log = JSON.readTree(netLog.toFile());
    int startJob = log.at("/constants/logEventTypes/URL_REQUEST_START_JOB").asInt(-1);
    assertTrue(startJob >= 0, "net log format: no URL_REQUEST_START_JOB event type");
    List<String> fromPage = new ArrayList<>();
    List<String> fromBrowser = new ArrayList<>();
    for (JsonNode e : log.get("events")) {
      String url = e.at("/params/url").asText("");
      if (e.get("type").asInt() != startJob || !url.matches("(?i)^(http|https|ws|wss)://.*")) {
        continue;
      }
      (e.at("/params/initiator").asText("").equals("not an origin") ? fromBrowser : fromPage).add(url);
    }
    System.out.println("chromium background requests (not from the page): " + fromBrowser);
    return fromPage;
  }

  private static JsonSchema nbformatSchema() throws Exception {
    try (InputStream in = RunReportTest.class.getResourceAsStream("/nbformat/nbformat.v4.schema.json")) {
      return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(in);
    }
  }

  // --- parsing the rendered tables back into numbers -------------------------------------------

  private static final Pattern TABLE = Pattern.compile("<table data-block=\"([^\"]+)\">(.*?)</table>", Pattern.DOTALL);
  private static final Pattern ROW = Pattern.compile("<tr>(.*?)</tr>", Pattern.DOTALL);
  private static final Pattern CELL = Pattern.compile("<t[hd][^>]*>(.*?)</t[hd]>", Pattern.DOTALL);

  /** Block id -> rows as column -> text, for every table in the page. */
  static Map<String, List<Map<String, String>>> tables(String page) {
    return parseTables(page);
  }

  private static Map<String, List<Map<String, String>>> parseTables(String page) {
    Map<String, List<Map<String, String>>> out = new LinkedHashMap<>();
    Matcher t = TABLE.matcher(page);
    while (t.find()) {
      List<List<String>> rows = new ArrayList<>();
      Matcher r = ROW.matcher(t.group(2));
      while (r.find()) {
        List<String> cells = new ArrayList<>();
        Matcher c = CELL.matcher(r.group(1));
        while (c.find()) {
          cells.add(unescape(c.group(1)));
        }
        rows.add(cells);
      }
      List<Map<String, String>> records = new ArrayList<>();
      for (List<String> row : rows.subList(1, rows.size())) {
        Map<String, String> rec = new LinkedHashMap<>();
        for (int i = 0; i < row.size(); i++) {
          rec.put(rows.get(0).get(i), row.get(i));
        }
        records.add(rec);
      }
      out.put(t.group(1), records);
    }
    return out;
  }

  /** A formatted number back to a double: "1,234.50" -> 1234.5, "12.3%" -> 12.3. */
  static double number(String text) {
    return Double.parseDouble(text.replace(",", "").replace("%", "").trim());
  }

  private static String unescape(String s) {
    return s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'")
        .replace("&amp;", "&");
  }

  private static String join(JsonNode lines) {
    StringBuilder b = new StringBuilder();
    lines.forEach(l -> b.append(l.asText()));
    return b.toString();
  }

  private static String firstGroup(Pattern p, String s) {
    Matcher m = p.matcher(s);
    assertTrue(m.find(), "pattern " + p + " in " + s.substring(0, Math.min(200, s.length())));
    return m.group(1);
  }

  private static int count(String s, String needle) {
    int n = 0;
    for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }

  static String utf8(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
