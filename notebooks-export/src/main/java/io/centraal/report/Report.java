package io.centraal.report;

import java.util.List;

/**
 * What the run report shows, independent of its format: both the HTML page and the notebook are
 * rendered from one {@code Report}, so they cannot disagree.
 *
 * @param title       page title
 * @param asOfDate    the as-of date reported (yyyy-MM-dd)
 * @param runId       the run that wrote the date's customer_scores slice
 * @param dataDir     the data directory the tables were read from
 * @param generatedAt when the report was rendered (UTC, ISO-8601)
 * @param kpis        headline numbers shown at the top
 * @param setupCode   PySpark that registers the tables as temp views (the notebook's first code cell)
 * @param sections    the sections, in order
 */
public record Report(String title, String asOfDate, String runId, String dataDir, String generatedAt,
                     List<Kpi> kpis, String setupCode, List<Section> sections) {

  /** One headline number, already formatted. */
  public record Kpi(String label, String value, String note) {}

  /** A section: a heading, a short explanation and its blocks. */
  public record Section(String id, String title, String intro, List<Block> blocks) {}

  /**
   * One query and what it shows. {@code sql} is the exact Spark SQL that produced the table and
   * chart (run against the temp views of the setup code); {@code plotCode} is optional PySpark/pandas
   * that draws the chart in a notebook.
   *
   * @param note shown instead of table and chart when the data is not there (graceful degradation)
   */
  public record Block(String id, String title, String caption, String sql, String plotCode, Table table,
                      Chart chart, String note) {}

  /** A formatted table; {@code numeric[i]} right-aligns column i. */
  public record Table(List<String> columns, List<Boolean> numeric, List<List<String>> rows) {}

  /** A chart as PNG bytes. */
  public record Chart(String title, byte[] png, int width, int height) {}
}
