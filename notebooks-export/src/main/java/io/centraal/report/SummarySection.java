package io.centraal.report;

import io.centraal.report.Fmt.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Run summary: the jobs of the date's latest run, rows in / accepted / quarantined, customers scored. */
final class SummarySection {
  private SummarySection() {}

  /** The section and the headline numbers. */
  record Built(Report.Section section, List<Report.Kpi> kpis, String runId) {}

  /** Two decimals: a 0.01% reject share must not read 0.0%. */
  private static String share(long part, long whole) {
    return String.format(java.util.Locale.ROOT, "%.2f%% of rows in", 100.0 * part / whole);
  }

  static Built build(ReportContext c) {
    List<Report.Block> blocks = new ArrayList<>();
    List<Report.Kpi> kpis = new ArrayList<>();

    ReportContext.Result scored = c.query("""
        SELECT run_id, count(*) AS customers_scored, count(%1$s) AS with_clv, count(churn_risk) AS with_churn_risk,
               count(influence_score) AS with_influence
        FROM customer_scores
        WHERE as_of_date = %2$s
        GROUP BY run_id
        """.formatted(c.clv, c.date()));
    String runId = scored.isEmpty() ? "(none)" : String.valueOf(scored.first("run_id"));
    blocks.add(ReportContext.block("customers-scored", "Customers scored",
        "Rows of gold customer_scores for the as-of date, and how many carry each score.", scored, null,
        scored.table(Map.of()), null));

    ReportContext.Result jobs = c.query("""
        SELECT job, status, run_id, started_at, duration_seconds, rows_in, rows_out, rows_quarantined
        FROM (
          SELECT *, row_number() OVER (PARTITION BY job ORDER BY started_at DESC) AS latest
          FROM run_log
          WHERE as_of_date = %s
        )
        WHERE latest = 1
        ORDER BY started_at
        """.formatted(c.date()));
    Report.Chart durations = jobs.isEmpty() ? null : Charts.bars("Duration per job", "Job", "Duration (s)",
        jobs.strings("job"), Map.of("duration (s)", jobs.doubles("duration_seconds")), true, false);
    blocks.add(jobs.isEmpty()
        ? ReportContext.missing("jobs", "Jobs", jobs.sql(), "run_log has no rows for this as-of date.")
        : ReportContext.block("jobs", "Jobs (latest run of each job for the date)",
            "From gold run_log: a re-run of a job adds a row, so the latest per job is shown.", jobs,
            "pdf = df.toPandas()\npdf.plot.barh(x=\"job\", y=\"duration_seconds\", title=\"Duration per job\", xlabel=\"Duration (s)\")",
            jobs.table(Map.of("duration_seconds", Kind.DECIMAL2)), durations));

    ReportContext.Result sources = c.query("""
        SELECT source, counts.read AS rows_read, counts.accepted AS rows_accepted,
               counts.quarantined AS rows_quarantined, counts.inserted AS rows_inserted
        FROM (
          SELECT detail FROM run_log
          WHERE as_of_date = %s AND job = 'ingest' AND status = 'succeeded'
          ORDER BY started_at DESC LIMIT 1
        )
        LATERAL VIEW explode(from_json(detail,
          'map<string,struct<read:bigint,accepted:bigint,quarantined:bigint,inserted:bigint>>')) s AS source, counts
        ORDER BY source
        """.formatted(c.date()));
    blocks.add(sources.isEmpty()
        ? ReportContext.missing("sources", "Rows per source", sources.sql(),
            "No succeeded ingest run for this date in run_log (or its detail is not per-source JSON).")
        : ReportContext.block("sources", "Rows per source",
            "Rows read = accepted + quarantined, per source (ingest detail in run_log). Inserted = new rows merged into bronze.",
            sources, null, sources.table(Map.of()), null));

    ReportContext.Result reasons = c.query("""
        SELECT source, reason, count(*) AS quarantined_rows
        FROM quarantine
        LATERAL VIEW explode(reason_codes) r AS reason
        WHERE as_of_date = %s
        GROUP BY source, reason
        ORDER BY quarantined_rows DESC, source, reason
        """.formatted(c.date()));
    blocks.add(reasons.isEmpty()
        ? ReportContext.missing("quarantine-reasons", "Quarantined rows by reason", reasons.sql(),
            "No quarantined rows for this as-of date.")
        : ReportContext.block("quarantine-reasons", "Quarantined rows by reason",
            "From the quarantine table. A row with several reason codes counts once per reason.", reasons,
            "pdf = df.toPandas()\npdf.plot.barh(x=\"reason\", y=\"quarantined_rows\", title=\"Quarantined rows by reason\")",
            reasons.table(Map.of()),
            Charts.bars("Quarantined rows by reason", "Reason code", "Rows",
                reasons.rows().stream().map(r -> r.getString(0) + " · " + r.getString(1)).toList(),
                Map.of("rows", reasons.doubles("quarantined_rows")), true, false)));

    long rowsIn = 0;
    long accepted = 0;
    long quarantined = 0;
    for (int i = 0; i < sources.rows().size(); i++) {
      rowsIn += sources.doubles("rows_read")[i];
      accepted += sources.doubles("rows_accepted")[i];
      quarantined += sources.doubles("rows_quarantined")[i];
    }
    double totalSeconds = 0;
    for (double d : jobs.doubles("duration_seconds")) {
      totalSeconds += Double.isNaN(d) ? 0 : d;
    }
    kpis.add(new Report.Kpi("Customers scored", Fmt.count(scored.firstLong("customers_scored")), "gold customer_scores"));
    kpis.add(new Report.Kpi("Rows in", Fmt.count(rowsIn), "all sources"));
    kpis.add(new Report.Kpi("Accepted", Fmt.count(accepted), rowsIn == 0 ? "" : share(accepted, rowsIn)));
    kpis.add(new Report.Kpi("Quarantined", Fmt.count(quarantined), rowsIn == 0 ? "" : share(quarantined, rowsIn)));
    kpis.add(new Report.Kpi("Run time", Fmt.seconds(totalSeconds), jobs.rows().size() + " jobs"));

    return new Built(new Report.Section("summary", "Run summary",
        "What the run read, kept, quarantined and scored, from gold run_log, the quarantine table and gold customer_scores.",
        blocks), kpis, runId);
  }
}
