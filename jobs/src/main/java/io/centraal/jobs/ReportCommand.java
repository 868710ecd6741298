package io.centraal.jobs;

import io.centraal.report.RunReport;
import io.centraal.scoring.config.CentraalSettings;
import java.io.PrintStream;
import java.time.LocalDate;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Renders the run report of an as-of date from the output tables (HTML and a Jupyter notebook). */
@Command(name = "report", mixinStandardHelpOptions = true,
    description = "Render the run report of an as-of date from the output tables: report.html (self-contained)"
        + " and report.ipynb (outputs rendered), by default into <data-dir>/reports/as_of_date=<D>/.")
public final class ReportCommand implements Callable<Integer> {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ReportCommand.class);

  @Mixin CommonOptions common;

  /** The as-of date to report; its scores must exist in gold customer_scores. */
  @Mixin AsOfOption date;

  @Option(names = "--out", paramLabel = "DIR",
      description = "Directory for report.html and report.ipynb (default: <data-dir>/reports/as_of_date=<DATE>).")
  String out;

  @Override
  public Integer call() {
    CentraalSettings settings = common.settings();
    SparkSession spark = Sessions.create("report");
    render(spark, settings, date.asOf, out, System.out);
    return 0;
  }

  /**
   * After a run: the tables are complete whatever happens here, so a report that cannot be
   * rendered is a warning with the command to retry, not a failed run.
   */
  static void renderAfterRun(SparkSession spark, CentraalSettings settings, LocalDate asOf, PrintStream out) {
    try {
      render(spark, settings, asOf, null, out);
    } catch (RuntimeException e) {
      LOG.warn("report for {} not rendered", asOf, e);
      System.err.println("centraal: the run succeeded but its report was not rendered (" + CentraalCli.reason(e)
          + "); retry with: centraal report --as-of " + asOf);
    }
  }

  /** Renders the report and prints where it went; used by report, run and demo. */
  static RunReport.Output render(SparkSession spark, CentraalSettings settings, LocalDate asOf, String outDir,
                                 PrintStream out) {
    long t0 = System.nanoTime();
    RunReport.Output o = RunReport.render(spark, RunReport.request(settings, asOf, outDir));
    out.println(String.format(java.util.Locale.ROOT, "report (%.1f s):%n  html      %s%n  notebook  %s",
        StageCommand.seconds(t0), o.html(), o.notebook()));
    return o;
  }
}
