package io.centraal.report;

import io.centraal.scoring.config.CentraalSettings;
import io.centraal.scoring.io.DeltaTables;
import io.centraal.scoring.io.Tables;
import io.centraal.scoring.run.InvalidInputException;
import io.centraal.scoring.schema.OutputSchemas;
import io.centraal.scoring.schema.TableNames;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import io.centraal.scoring.schema.ScoreColumns;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import io.centraal.scoring.io.DataPaths;

/**
 * Renders the run report of one as-of date from the output Delta tables (never from a run's
 * memory): a self-contained HTML page and a Jupyter notebook (nbformat 4.5) with its outputs
 * rendered. Both files go to {@code <data-dir>/reports/as_of_date=<D>/} unless another directory
 * is given; they are written through Hadoop's FileSystem, so the data directory may be any
 * filesystem Spark can write to.
 */
public final class RunReport {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RunReport.class);

  private RunReport() {}

  public static final String HTML_FILE = "report.html";
  public static final String NOTEBOOK_FILE = "report.ipynb";

  /**
   * What to render.
   *
   * @param dataDir   centraal.paths.data-dir
   * @param asOf      the as-of date
   * @param clvColumn the CLV column of customer_scores, e.g. {@code clv_12m}
   * @param outDir    where to write; null for the default below the data directory
   */
  public record Request(String dataDir, LocalDate asOf, String clvColumn, String outDir) {
    public String resolvedOutDir() {
      return outDir != null ? outDir : defaultDir(dataDir, asOf);
    }
  }

  /** Where the files went. */
  public record Output(String html, String notebook, Report report) {}

  /** {@code <data-dir>/reports/as_of_date=<D>}. */
  public static String defaultDir(String dataDir, LocalDate asOf) {
    return dataDir + "/reports/as_of_date=" + asOf;
  }

  /** The request for a run: data directory and CLV column from the settings. */
  public static Request request(CentraalSettings settings, LocalDate asOf, String outDir) {
    return new Request(settings.paths().dataDir(), asOf,
        io.centraal.scoring.schema.ScoreColumns.clv(settings.clv().horizonLabel()), outDir);
  }

  /** Temp view name -> table path below the data directory, as the notebook's setup cell registers them. */
  static Map<String, String> views() {
    Map<String, String> v = new LinkedHashMap<>();
    v.put(TableNames.CUSTOMER_SCORES, "gold/" + TableNames.CUSTOMER_SCORES);
    v.put(TableNames.MODEL_RUNS, "gold/" + TableNames.MODEL_RUNS);
    v.put(TableNames.RUN_LOG, "gold/" + TableNames.RUN_LOG);
    v.put(TableNames.QUARANTINE, "bronze/" + TableNames.QUARANTINE);
    return v;
  }

  private static final Map<String, StructType> SIDE_SCHEMAS = Map.of(
      TableNames.MODEL_RUNS, OutputSchemas.MODEL_RUNS,
      TableNames.RUN_LOG, OutputSchemas.RUN_LOG,
      TableNames.QUARANTINE, OutputSchemas.QUARANTINE);

  /** Reads the tables, builds the report and writes both files. */
  public static Output render(SparkSession spark, Request request) {
    Report report = build(spark, request);
    String dir = request.resolvedOutDir();
    String html = dir + "/" + HTML_FILE;
    String notebook = dir + "/" + NOTEBOOK_FILE;
    write(spark, html, HtmlReport.render(report));
    write(spark, notebook, NotebookReport.render(report));
    return new Output(html, notebook, report);
  }

  /** Builds the report model; fails with a clear message when the date has no scores. */
  public static Report build(SparkSession spark, Request request) {
    DataPaths paths = new DataPaths(request.dataDir());
    String scoresPath = paths.gold(TableNames.CUSTOMER_SCORES);
    List<String> registered = new ArrayList<>();
    List<Dataset<Row>> cached = new ArrayList<>();
    long t0 = System.nanoTime();
    try {
      for (Map.Entry<String, String> v : views().entrySet()) {
        String path = request.dataDir() + "/" + v.getValue();
        // Cached for the ~30 report queries. customer_scores is cut to the as-of date first: every
        // query filters on it anyway, so the results equal those of the notebook's uncached views.
        if (v.getKey().equals(TableNames.CUSTOMER_SCORES)) {
          Dataset<Row> slice = Tables.required(spark, path, "run")
              .where(functions.col(ScoreColumns.AS_OF_DATE).equalTo(java.sql.Date.valueOf(request.asOf())));
          cached.add(slice.cache());
          slice.createOrReplaceTempView(v.getKey());
        } else if (DeltaTables.exists(spark, path)) {
          Dataset<Row> table = DeltaTables.read(spark, path).cache();
          cached.add(table);
          table.createOrReplaceTempView(v.getKey());
        } else {
          Tables.empty(spark, SIDE_SCHEMAS.get(v.getKey())).createOrReplaceTempView(v.getKey());
        }
        registered.add(v.getKey());
        LOG.info("report: view {} registered after {} ms", v.getKey(), (System.nanoTime() - t0) / 1_000_000);
      }
      if (!java.util.Arrays.asList(spark.table(TableNames.CUSTOMER_SCORES).columns()).contains(request.clvColumn())) {
        throw new InvalidInputException("customer_scores at " + scoresPath + " has no column " + request.clvColumn()
            + ": is centraal.score.clv.horizon-label the one the table was written with?");
      }
      String asOf = request.asOf().toString();
      long scored = spark.sql("SELECT count(*) FROM customer_scores WHERE as_of_date = DATE'" + asOf + "'")
          .first().getLong(0);
      if (scored == 0) {
        throw new InvalidInputException("no customer_scores rows for as-of date " + asOf + " in " + scoresPath
            + ": run `centraal run --as-of " + asOf + "` first");
      }
      LOG.info("report: {} customers counted after {} ms", scored, (System.nanoTime() - t0) / 1_000_000);
      ReportContext c = new ReportContext(spark, asOf, request.clvColumn(), tableProperties(spark, scoresPath));
      LOG.info("report: table properties read after {} ms", (System.nanoTime() - t0) / 1_000_000);
      SummarySection.Built summary = SummarySection.build(c);
      List<Report.Section> sections = new ArrayList<>();
      sections.add(summary.section());
      sections.add(DriftSection.gates(c));
      sections.add(RfmSection.build(c));
      sections.add(ClvSection.build(c));
      Report.Section calibration = CalibrationSection.build(c);
      if (calibration != null) {
        sections.add(calibration);
      }
      sections.add(ChurnSection.build(c));
      sections.add(InfluenceSection.build(c));
      sections.add(DriftSection.drift(c));
      return new Report("centraal run report", asOf, summary.runId(), request.dataDir(),
          Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), summary.kpis(),
          setupCode(request.dataDir(), asOf), sections);
    } finally {
      registered.forEach(v -> spark.catalog().dropTempView(v));
      cached.forEach(Dataset::unpersist);
    }
  }

  private static Map<String, String> tableProperties(SparkSession spark, String path) {
    Map<String, String> props = new LinkedHashMap<>();
    for (Row r : spark.sql("SHOW TBLPROPERTIES delta.`" + path + "`").collectAsList()) {
      props.put(r.getString(0), r.getString(1));
    }
    return props;
  }

  /** PySpark that registers the same temp views, so every code cell of the notebook runs as shown. */
  static String setupCode(String dataDir, String asOf) {
    StringBuilder tables = new StringBuilder();
    views().forEach((view, path) -> tables.append("    \"").append(view).append("\": \"").append(path).append("\",\n"));
    return """
        # Reproduces every number below from the Delta tables. Needs pyspark with delta-spark
        # (on Databricks the `spark` session already has Delta). Outputs were rendered by centraal.
        from pyspark.sql import SparkSession

        spark = (SparkSession.builder.appName("centraal report")
                 .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
                 .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
                 .getOrCreate())
        DATA_DIR = %s
        AS_OF = "%s"
        TABLES = {
        %s}
        for view, path in TABLES.items():
            spark.read.format("delta").load(f"{DATA_DIR}/{path}").createOrReplaceTempView(view)
        """.formatted(pythonString(dataDir), asOf, tables.toString()).strip();
  }

  static String pythonString(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static void write(SparkSession spark, String file, String content) {
    Path path = new Path(file);
    try {
      FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (fs instanceof LocalFileSystem local) {
        fs = local.getRaw(); // no .crc side files next to a report people open by hand
      }
      Path tmp = new Path(path.getParent(), "." + path.getName() + ".tmp");
      try (OutputStream out = fs.create(tmp, true)) {
        out.write(content.getBytes(StandardCharsets.UTF_8));
      }
      // Replace in one step where the filesystem allows: a reader never sees half a report.
      fs.delete(path, false);
      if (!fs.rename(tmp, path)) {
        throw new IOException("rename " + tmp + " -> " + path + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the report to " + file, e);
    }
  }
}
