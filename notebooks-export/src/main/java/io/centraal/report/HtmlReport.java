package io.centraal.report;

import java.util.Base64;
import java.util.List;

/**
 * The report as one self-contained HTML page: inline CSS, charts as base64 PNG data URIs, no
 * script, font, stylesheet or image from anywhere else, so it opens offline and can be mailed.
 * Each table carries {@code data-block="<block id>"} so tests and scrapers can find it.
 */
public final class HtmlReport {
  private HtmlReport() {}

  static final String CSS = """
      :root{--ink:#0f172a;--text:#1e293b;--muted:#64748b;--line:#e2e8f0;--bg:#f1f5f9;--card:#fff;--accent:#2563eb}
      *{box-sizing:border-box}
      body{margin:0;background:var(--bg);color:var(--text);font:14px/1.5 -apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"DejaVu Sans",sans-serif}
      header{background:var(--ink);color:#fff;padding:28px 0 24px}
      .wrap{max-width:1120px;margin:0 auto;padding:0 24px}
      header h1{margin:0 0 6px;font-size:24px;font-weight:650;letter-spacing:-.01em}
      header .meta{color:#cbd5e1;font-size:13px}
      header .meta b{color:#fff;font-weight:600}
      nav{margin-top:16px;display:flex;flex-wrap:wrap;gap:8px}
      nav a{color:#e2e8f0;text-decoration:none;font-size:13px;padding:4px 12px;border:1px solid #334155;border-radius:999px}
      nav a:hover{background:#1e293b}
      .kpis{display:grid;grid-template-columns:repeat(auto-fit,minmax(170px,1fr));gap:12px;margin:-14px 0 8px;position:relative}
      .kpi{background:var(--card);border-radius:10px;padding:14px 16px;box-shadow:0 1px 3px rgba(15,23,42,.08)}
      .kpi .label{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em}
      .kpi .value{font-size:24px;font-weight:650;color:var(--ink);font-variant-numeric:tabular-nums}
      .kpi .note{color:var(--muted);font-size:12px}
      section{background:var(--card);border-radius:12px;margin:20px 0;padding:8px 24px 20px;box-shadow:0 1px 3px rgba(15,23,42,.08)}
      section h2{font-size:19px;margin:16px 0 2px;color:var(--ink)}
      section>p.intro{color:var(--muted);margin:0 0 8px}
      .block{border-top:1px solid var(--line);padding-top:14px;margin-top:14px}
      .block h3{font-size:15px;margin:0 0 4px;color:var(--ink)}
      .block p.caption{margin:0 0 10px;color:var(--muted)}
      .block p.missing{margin:0 0 10px;padding:8px 12px;background:#fffbeb;border:1px solid #fde68a;border-radius:8px;color:#92400e}
      img.chart{display:block;width:100%;max-width:880px;height:auto;margin:6px 0 10px;border:1px solid var(--line);border-radius:8px}
      .tablewrap{overflow-x:auto}
      table{border-collapse:collapse;font-size:13px;margin:4px 0 8px;min-width:40%}
      th{background:#f8fafc;color:var(--muted);font-weight:600;text-align:left;padding:6px 10px;border-bottom:1px solid var(--line);white-space:nowrap}
      td{padding:5px 10px;border-bottom:1px solid #f1f5f9;white-space:nowrap}
      td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
      tr:nth-child(even) td{background:#fcfdfe}
      details{margin:6px 0 0}
      summary{cursor:pointer;color:var(--accent);font-size:12px}
      pre{background:#0f172a;color:#e2e8f0;padding:12px 14px;border-radius:8px;overflow-x:auto;font:12px/1.45 ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace}
      footer{color:var(--muted);font-size:12px;padding:8px 0 40px}
      """;

  public static String render(Report r) {
    StringBuilder h = new StringBuilder(1 << 20);
    h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        // Belt and braces: even if something slipped in, the browser may load nothing from outside.
        .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'\">\n")
        .append("<title>").append(esc(r.title() + " — as of " + r.asOfDate())).append("</title>\n")
        .append("<style>").append(CSS).append("</style>\n</head>\n<body>\n");
    h.append("<header><div class=\"wrap\"><h1>").append(esc(r.title())).append(" · as of ").append(esc(r.asOfDate()))
        .append("</h1>\n<div class=\"meta\">run <b>").append(esc(r.runId())).append("</b> · data <b>")
        .append(esc(r.dataDir())).append("</b> · rendered ").append(esc(r.generatedAt())).append(" from the Delta tables</div>\n<nav>");
    for (Report.Section s : r.sections()) {
      h.append("<a href=\"#").append(esc(s.id())).append("\">").append(esc(s.title())).append("</a>");
    }
    h.append("</nav></div></header>\n<main class=\"wrap\">\n<div class=\"kpis\">\n");
    for (Report.Kpi k : r.kpis()) {
      h.append("<div class=\"kpi\"><div class=\"label\">").append(esc(k.label())).append("</div><div class=\"value\">")
          .append(esc(k.value())).append("</div><div class=\"note\">").append(esc(k.note())).append("</div></div>\n");
    }
    h.append("</div>\n");
    for (Report.Section s : r.sections()) {
      h.append("<section id=\"").append(esc(s.id())).append("\">\n<h2>").append(esc(s.title())).append("</h2>\n")
          .append("<p class=\"intro\">").append(esc(s.intro())).append("</p>\n");
      for (Report.Block b : s.blocks()) {
        block(h, b);
      }
      h.append("</section>\n");
    }
    h.append("<footer>Rendered by centraal from gold customer_scores, model_runs, run_log and the quarantine table."
        + " Every table and chart comes from the Spark SQL shown under it; the notebook report.ipynb next to this"
        + " file holds the same queries as code cells. This page loads nothing from the network.</footer>\n");
    h.append("</main>\n</body>\n</html>\n");
    return h.toString();
  }

  private static void block(StringBuilder h, Report.Block b) {
    h.append("<div class=\"block\" id=\"").append(esc(b.id())).append("\">\n<h3>").append(esc(b.title())).append("</h3>\n");
    if (b.note() != null) {
      h.append("<p class=\"missing\">").append(esc(b.note())).append("</p>\n");
    }
    if (b.caption() != null) {
      h.append("<p class=\"caption\">").append(esc(b.caption())).append("</p>\n");
    }
    if (b.chart() != null) {
      h.append(img(b.chart())).append('\n');
    }
    if (b.table() != null) {
      h.append("<div class=\"tablewrap\">").append(table(b.id(), b.table())).append("</div>\n");
    }
    h.append("<details><summary>Spark SQL</summary><pre>").append(esc(b.sql())).append("</pre></details>\n</div>\n");
  }

  static String img(Report.Chart c) {
    return "<img class=\"chart\" alt=\"" + esc(c.title()) + "\" width=\"" + c.width() + "\" height=\"" + c.height()
        + "\" src=\"data:image/png;base64," + Base64.getEncoder().encodeToString(c.png()) + "\">";
  }

  /** An HTML table (also used for the notebook's text/html outputs). */
  static String table(String blockId, Report.Table t) {
    StringBuilder h = new StringBuilder();
    h.append("<table data-block=\"").append(esc(blockId)).append("\">\n<thead><tr>");
    for (int i = 0; i < t.columns().size(); i++) {
      h.append(t.numeric().get(i) ? "<th class=\"num\">" : "<th>").append(esc(t.columns().get(i))).append("</th>");
    }
    h.append("</tr></thead>\n<tbody>\n");
    for (List<String> row : t.rows()) {
      h.append("<tr>");
      for (int i = 0; i < row.size(); i++) {
        h.append(t.numeric().get(i) ? "<td class=\"num\">" : "<td>").append(esc(row.get(i))).append("</td>");
      }
      h.append("</tr>\n");
    }
    h.append("</tbody>\n</table>");
    return h.toString();
  }

  static String esc(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(s.length());
    for (char ch : s.toCharArray()) {
      switch (ch) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(ch);
      }
    }
    return b.toString();
  }
}
