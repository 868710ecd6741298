package io.centraal.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The report as a Jupyter notebook (nbformat 4.5, the version Jupyter, VS Code and Databricks
 * read) whose outputs are already rendered: it opens without a kernel or Spark. Code cells hold
 * the PySpark / Spark SQL that reproduces each output from the tables; their outputs are the
 * tables as text/html (plus text/plain) and the charts as image/png. Written with Jackson.
 */
public final class NotebookReport {
  private static final ObjectMapper JSON = new ObjectMapper();

  private NotebookReport() {}

  public static String render(Report r) {
    try {
      DefaultPrettyPrinter pp = new DefaultPrettyPrinter().withObjectIndenter(new DefaultIndenter(" ", "\n"));
      return JSON.writer(pp).writeValueAsString(toJson(r)) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise the report notebook", e);
    }
  }

  static ObjectNode toJson(Report r) {
    ObjectNode nb = JSON.createObjectNode();
    ObjectNode meta = nb.putObject("metadata");
    ObjectNode kernel = meta.putObject("kernelspec");
    kernel.put("name", "python3");
    kernel.put("display_name", "Python 3 (PySpark)");
    kernel.put("language", "python");
    ObjectNode lang = meta.putObject("language_info");
    lang.put("name", "python");
    ObjectNode centraal = meta.putObject("centraal");
    centraal.put("as_of_date", r.asOfDate());
    centraal.put("run_id", r.runId());
    centraal.put("data_dir", r.dataDir());
    centraal.put("generated_at", r.generatedAt());
    nb.put("nbformat", 4);
    nb.put("nbformat_minor", 5);
    Cells cells = new Cells(nb.putArray("cells"));

    StringBuilder intro = new StringBuilder();
    intro.append("# ").append(r.title()).append(" · as of ").append(r.asOfDate()).append("\n\n")
        .append("Run `").append(r.runId()).append("`, data directory `").append(r.dataDir()).append("`, rendered ")
        .append(r.generatedAt()).append(" from the Delta tables. The outputs below are already rendered; run the")
        .append(" cells (PySpark with Delta Lake) to reproduce them from the tables.\n\n")
        .append("| | |\n|---|---|\n");
    for (Report.Kpi k : r.kpis()) {
      intro.append("| ").append(md(k.label())).append(" | **").append(md(k.value())).append("**")
          .append(k.note() == null || k.note().isEmpty() ? "" : " (" + md(k.note()) + ")").append(" |\n");
    }
    cells.markdown("title", intro.toString());
    cells.code("setup", r.setupCode(), null);

    for (Report.Section s : r.sections()) {
      cells.markdown(s.id(), "## " + s.title() + "\n\n" + s.intro());
      for (Report.Block b : s.blocks()) {
        StringBuilder text = new StringBuilder("### ").append(b.title());
        if (b.caption() != null) {
          text.append("\n\n").append(b.caption());
        }
        if (b.note() != null) {
          text.append("\n\n> ").append(b.note());
        }
        cells.markdown(s.id() + "-" + b.id(), text.toString());
        cells.code(s.id() + "-" + b.id(), code(b), b);
      }
    }
    return nb;
  }

  /** The cell source: the block's SQL, the optional plot, and the table as the last expression. */
  static String code(Report.Block b) {
    StringBuilder src = new StringBuilder("df = spark.sql(\"\"\"\n").append(b.sql()).append("\n\"\"\")\n");
    if (b.plotCode() != null) {
      src.append(b.plotCode()).append('\n');
    }
    src.append(b.table() != null || b.note() != null ? "df.toPandas()" : "");
    return src.toString().strip();
  }

  /** Appends cells with unique ids and running execution counts. */
  private static final class Cells {
    private final ArrayNode cells;
    private final Set<String> ids = new HashSet<>();
    private int executionCount;

    Cells(ArrayNode cells) {
      this.cells = cells;
    }

    void markdown(String id, String text) {
      ObjectNode c = cells.addObject();
      c.put("id", uniqueId(id + "-md"));
      c.put("cell_type", "markdown");
      c.putObject("metadata");
      lines(c.putArray("source"), text);
    }

    void code(String id, String source, Report.Block b) {
      ObjectNode c = cells.addObject();
      c.put("id", uniqueId(id + "-code"));
      c.put("cell_type", "code");
      int n = ++executionCount;
      c.put("execution_count", n);
      ObjectNode meta = c.putObject("metadata");
      if (b != null) {
        meta.putArray("tags").add("centraal-" + b.id());
      }
      lines(c.putArray("source"), source);
      ArrayNode outputs = c.putArray("outputs");
      if (b == null) {
        return;
      }
      if (b.chart() != null) {
        ObjectNode o = outputs.addObject();
        o.put("output_type", "display_data");
        ObjectNode data = o.putObject("data");
        data.put("image/png", Base64.getEncoder().encodeToString(b.chart().png()));
        lines(data.putArray("text/plain"), "<chart: " + b.chart().title() + ">");
        ObjectNode size = o.putObject("metadata").putObject("image/png");
        size.put("width", b.chart().width());
        size.put("height", b.chart().height());
      }
      if (b.table() != null) {
        ObjectNode o = outputs.addObject();
        o.put("output_type", "execute_result");
        o.put("execution_count", n);
        ObjectNode data = o.putObject("data");
        lines(data.putArray("text/html"), HtmlReport.table(b.id(), b.table()));
        lines(data.putArray("text/plain"), plain(b.table()));
        o.putObject("metadata");
      } else if (b.note() != null) {
        ObjectNode o = outputs.addObject();
        o.put("output_type", "stream");
        o.put("name", "stdout");
        lines(o.putArray("text"), b.note() + "\n");
      }
    }

    private String uniqueId(String wanted) {
      String base = wanted.replaceAll("[^a-zA-Z0-9_-]", "-");
      base = base.length() > 60 ? base.substring(0, 60) : base;
      String id = base;
      for (int i = 2; !ids.add(id); i++) {
        id = base + "-" + i;
      }
      return id;
    }
  }

  /** A fixed-width text rendering of a table (the text/plain fallback). */
  static String plain(Report.Table t) {
    int[] w = new int[t.columns().size()];
    for (int i = 0; i < w.length; i++) {
      w[i] = t.columns().get(i).length();
      for (List<String> row : t.rows()) {
        w[i] = Math.max(w[i], row.get(i).length());
      }
    }
    StringBuilder s = new StringBuilder();
    appendRow(s, t.columns(), w, t);
    for (List<String> row : t.rows()) {
      appendRow(s, row, w, t);
    }
    return s.toString();
  }

  private static void appendRow(StringBuilder s, List<String> cells, int[] w, Report.Table t) {
    for (int i = 0; i < cells.size(); i++) {
      String fmt = t.numeric().get(i) ? "%" + w[i] + "s" : "%-" + w[i] + "s";
      s.append(i == 0 ? "" : "  ").append(String.format(fmt, cells.get(i)));
    }
    s.append('\n');
  }

  /** Jupyter's multiline string: one array element per line, each but the last ending in a newline. */
  private static void lines(ArrayNode target, String text) {
    String[] parts = text.split("(?<=\n)");
    for (String p : parts) {
      if (!p.isEmpty()) {
        target.add(p);
      }
    }
  }

  private static String md(String s) {
    return s == null ? "" : s.replace("|", "\\|");
  }
}
