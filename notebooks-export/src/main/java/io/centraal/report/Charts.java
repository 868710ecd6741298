package io.centraal.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.text.NumberFormat;
import java.text.SimpleDateFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TimeZone;
import javax.imageio.ImageIO;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.DateAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.Plot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.time.Day;
import org.jfree.data.time.TimeSeries;
import org.jfree.data.time.TimeSeriesCollection;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The report's charts, drawn with JFreeChart (Maven Central, pure Java, renders headless: no
 * display, browser or native library needed) and encoded as PNG at twice the nominal size so
 * they stay sharp on high-density screens.
 */
public final class Charts {
  static {
    // Before any AWT class loads: render without a display (servers, CI, spark-submit).
    System.setProperty("java.awt.headless", "true");
  }

  public static final int WIDTH = 880;
  public static final int HEIGHT = 400;
  private static final int SCALE = 2;

  /** Colour-blind-safe palette (Okabe-Ito inspired), first = the model, second = the reference. */
  static final Color[] PALETTE = {
      new Color(0x2563EB), new Color(0xF97316), new Color(0x10B981), new Color(0x8B5CF6),
      new Color(0xEF4444), new Color(0x64748B), new Color(0xEAB308), new Color(0x0EA5E9)};
  private static final Color GRID = new Color(0xE2E8F0);
  private static final Color TEXT = new Color(0x1E293B);
  private static final Color MUTED = new Color(0x64748B);
  private static final Font TITLE_FONT = new Font("SansSerif", Font.BOLD, 15);
  private static final Font LABEL_FONT = new Font("SansSerif", Font.PLAIN, 12);
  private static final Font TICK_FONT = new Font("SansSerif", Font.PLAIN, 11);

  private Charts() {}

  /** One named series of (x, y) points; dashed for references such as the diagonal. */
  public record Series(String name, double[] x, double[] y, boolean dashed, boolean points) {}

  /** One named series over dates (yyyy-MM-dd). */
  public record DateSeries(String name, List<String> dates, double[] y, boolean dashed) {}

  /**
   * Bars by category, one bar per series per category.
   *
   * @param series   series name -> one value per category
   * @param percent  format the value axis as a percentage of 1
   */
  public static Report.Chart bars(String title, String categoryLabel, String valueLabel, List<String> categories,
                                  Map<String, double[]> series, boolean horizontal, boolean percent) {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    series.forEach((name, values) -> {
      for (int i = 0; i < categories.size(); i++) {
        data.addValue(values[i], name, categories.get(i));
      }
    });
    CategoryAxis cat = new CategoryAxis(categoryLabel);
    NumberAxis val = new NumberAxis(valueLabel);
    if (percent) {
      NumberFormat pf = NumberFormat.getPercentInstance(Locale.ROOT);
      pf.setMaximumFractionDigits(1);
      val.setNumberFormatOverride(pf);
    } else {
      val.setNumberFormatOverride(NumberFormat.getNumberInstance(Locale.ROOT));
    }
    BarRenderer r = new BarRenderer();
    r.setBarPainter(new StandardBarPainter());
    r.setShadowVisible(false);
    r.setDrawBarOutline(false);
    r.setItemMargin(0.05);
    r.setMaximumBarWidth(0.12);
    for (int i = 0; i < series.size(); i++) {
      r.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
    }
    CategoryPlot plot = new CategoryPlot(data, cat, val, r);
    plot.setOrientation(horizontal ? PlotOrientation.HORIZONTAL : PlotOrientation.VERTICAL);
    plot.setRangeAxisLocation(org.jfree.chart.axis.AxisLocation.BOTTOM_OR_LEFT);
    if (!horizontal && categories.stream().mapToInt(String::length).max().orElse(0) * categories.size() > 90) {
      cat.setCategoryLabelPositions(CategoryLabelPositions.UP_45);
    }
    cat.setMaximumCategoryLabelLines(2);
    cat.setCategoryMargin(0.15);
    styleCategory(plot);
    // Horizontal bars: height follows the number of bars, so five jobs do not get a poster.
    int height = horizontal ? Math.max(200, 110 + categories.size() * series.size() * 22 + (series.size() > 1 ? 30 : 0))
        : HEIGHT;
    return draw(chart(title, plot, series.size() > 1), height);
  }

  /**
   * A heat map (the lifetimes / CLVTools frequency-recency matrix): one cell per row x column,
   * coloured on a light-to-dark scale from the smallest to the largest value; a null (NaN) cell is
   * left blank. Axes are categorical labels drawn as ticks.
   *
   * @param values values[row][column]
   */
  public static Report.Chart heatMap(String title, String rowLabel, String columnLabel, List<String> rows,
                                     List<String> columns, double[][] values, String valueLabel) {
    org.jfree.data.xy.DefaultXYZDataset data = new org.jfree.data.xy.DefaultXYZDataset();
    int n = rows.size() * columns.size();
    double[][] xyz = new double[3][n];
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    int k = 0;
    for (int r = 0; r < rows.size(); r++) {
      for (int c = 0; c < columns.size(); c++) {
        xyz[0][k] = c;
        xyz[1][k] = r;
        xyz[2][k] = values[r][c];
        if (!Double.isNaN(values[r][c])) {
          min = Math.min(min, values[r][c]);
          max = Math.max(max, values[r][c]);
        }
        k++;
      }
    }
    data.addSeries(valueLabel, xyz);
    if (!(max > min)) {
      max = min + 1;
    }
    org.jfree.chart.renderer.LookupPaintScale scale = new org.jfree.chart.renderer.LookupPaintScale(min, max,
        new Color(0, 0, 0, 0));
    Color low = new Color(0xEFF6FF);
    Color high = PALETTE[0].darker();
    for (int step = 0; step < 20; step++) {
      double f = step / 19.0;
      scale.add(min + (max - min) * step / 20.0, new Color(
          (int) (low.getRed() + f * (high.getRed() - low.getRed())),
          (int) (low.getGreen() + f * (high.getGreen() - low.getGreen())),
          (int) (low.getBlue() + f * (high.getBlue() - low.getBlue()))));
    }
    org.jfree.chart.renderer.xy.XYBlockRenderer renderer = new org.jfree.chart.renderer.xy.XYBlockRenderer();
    renderer.setPaintScale(scale);
    org.jfree.chart.axis.SymbolAxis x = new org.jfree.chart.axis.SymbolAxis(columnLabel, columns.toArray(String[]::new));
    org.jfree.chart.axis.SymbolAxis y = new org.jfree.chart.axis.SymbolAxis(rowLabel, rows.toArray(String[]::new));
    x.setGridBandsVisible(false);
    y.setGridBandsVisible(false);
    x.setLowerMargin(0);
    y.setLowerMargin(0);
    XYPlot plot = new XYPlot(data, x, y, renderer);
    styleXY(plot);
    plot.setDomainGridlinesVisible(false);
    plot.setRangeGridlinesVisible(false);
    JFreeChart chart = chart(title, plot, false);
    NumberAxis legendAxis = new NumberAxis(valueLabel);
    legendAxis.setNumberFormatOverride(NumberFormat.getNumberInstance(Locale.ROOT));
    org.jfree.chart.title.PaintScaleLegend legend = new org.jfree.chart.title.PaintScaleLegend(scale, legendAxis);
    legend.setPosition(org.jfree.chart.ui.RectangleEdge.RIGHT);
    legend.setMargin(4, 8, 4, 8);
    legend.setStripWidth(12);
    chart.addSubtitle(legend);
    return draw(chart, Math.max(HEIGHT, 90 + rows.size() * 26));
  }

  /** Lines (and/or points) over numbers, with optional vertical/horizontal reference lines. */
  public static Report.Chart lines(String title, String xLabel, String yLabel, List<Series> series,
                                   Map<String, Double> verticalMarkers, boolean percentX, boolean percentY) {
    XYSeriesCollection data = new XYSeriesCollection();
    for (Series s : series) {
      XYSeries xy = new XYSeries(s.name(), false, true);
      for (int i = 0; i < s.x().length; i++) {
        xy.add(s.x()[i], s.y()[i]);
      }
      data.addSeries(xy);
    }
    NumberAxis x = new NumberAxis(xLabel);
    NumberAxis y = new NumberAxis(yLabel);
    x.setAutoRangeIncludesZero(false);
    if (percentX) {
      x.setNumberFormatOverride(NumberFormat.getPercentInstance(Locale.ROOT));
    }
    if (percentY) {
      y.setNumberFormatOverride(NumberFormat.getPercentInstance(Locale.ROOT));
    }
    XYPlot plot = new XYPlot(data, x, y, renderer(series.stream().map(s -> new boolean[] {s.dashed(), s.points()}).toList()));
    verticalMarkers.forEach((label, at) -> plot.addDomainMarker(marker(label, at)));
    styleXY(plot);
    return draw(chart(title, plot, series.size() > 1), HEIGHT);
  }

  /** Lines over calendar dates, with optional labelled vertical markers at dates. */
  public static Report.Chart dateLines(String title, String yLabel, List<DateSeries> series,
                                       Map<String, String> verticalMarkers) {
    TimeSeriesCollection data = new TimeSeriesCollection(TimeZone.getTimeZone("UTC"));
    for (DateSeries s : series) {
      TimeSeries ts = new TimeSeries(s.name());
      for (int i = 0; i < s.dates().size(); i++) {
        ts.addOrUpdate(day(s.dates().get(i)), s.y()[i]);
      }
      data.addSeries(ts);
    }
    DateAxis x = new DateAxis("Date");
    x.setTimeZone(TimeZone.getTimeZone("UTC"));
    SimpleDateFormat f = new SimpleDateFormat("yyyy-MM", Locale.ROOT);
    f.setTimeZone(TimeZone.getTimeZone("UTC"));
    x.setDateFormatOverride(f);
    NumberAxis y = new NumberAxis(yLabel);
    y.setNumberFormatOverride(NumberFormat.getNumberInstance(Locale.ROOT));
    XYPlot plot = new XYPlot(data, x, y, renderer(series.stream().map(s -> new boolean[] {s.dashed(), false}).toList()));
    verticalMarkers.forEach((label, date) -> plot.addDomainMarker(
        marker(label, day(date).getFirstMillisecond(java.util.Calendar.getInstance(TimeZone.getTimeZone("UTC"))))));
    styleXY(plot);
    return draw(chart(title, plot, series.size() > 1), HEIGHT);
  }

  /**
   * A scatter of groups of points (x, y), with dashed threshold lines and the x axis cut at
   * {@code xMax} (NaN: automatic) so one outlier does not squeeze everyone into a corner.
   */
  public static Report.Chart scatter(String title, String xLabel, String yLabel, Map<String, List<double[]>> groups,
                                     Map<String, Double> verticalLines, Map<String, Double> horizontalLines,
                                     double xMax) {
    XYSeriesCollection data = new XYSeriesCollection();
    groups.forEach((name, points) -> {
      XYSeries s = new XYSeries(name + " (" + Fmt.count(points.size()) + ")", false, true);
      points.forEach(p -> s.add(p[0], p[1]));
      data.addSeries(s);
    });
    NumberAxis x = new NumberAxis(xLabel);
    NumberAxis y = new NumberAxis(yLabel);
    x.setNumberFormatOverride(NumberFormat.getNumberInstance(Locale.ROOT));
    if (!Double.isNaN(xMax) && xMax > 0) {
      x.setRange(0, xMax);
    }
    y.setRange(0, 100);
    XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(false, true);
    for (int i = 0; i < groups.size(); i++) {
      Color c = PALETTE[i % PALETTE.length];
      r.setSeriesPaint(i, new Color(c.getRed(), c.getGreen(), c.getBlue(), 150));
      r.setSeriesShape(i, new Ellipse2D.Double(-2.5, -2.5, 5, 5));
    }
    XYPlot plot = new XYPlot(data, x, y, r);
    verticalLines.forEach((label, at) -> plot.addDomainMarker(marker(label, at)));
    horizontalLines.forEach((label, at) -> plot.addRangeMarker(marker(label, at)));
    styleXY(plot);
    return draw(chart(title, plot, true), HEIGHT + 60);
  }

  /** Solid coloured lines for data; a dashed series is a reference (e.g. the diagonal) and drawn grey. */
  private static XYLineAndShapeRenderer renderer(List<boolean[]> dashedAndPoints) {
    XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
    int colour = 0;
    for (int i = 0; i < dashedAndPoints.size(); i++) {
      boolean dashed = dashedAndPoints.get(i)[0];
      r.setSeriesPaint(i, dashed ? MUTED : PALETTE[colour++ % PALETTE.length]);
      r.setSeriesStroke(i, dashed
          ? new BasicStroke(1.6f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 1f, new float[] {6f, 5f}, 0f)
          : new BasicStroke(2.4f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
      r.setSeriesShapesVisible(i, dashedAndPoints.get(i)[1]);
      r.setSeriesShape(i, new Ellipse2D.Double(-3.5, -3.5, 7, 7));
    }
    return r;
  }

  private static ValueMarker marker(String label, double at) {
    ValueMarker m = new ValueMarker(at, MUTED,
        new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f, new float[] {4f, 4f}, 0f));
    m.setLabel(label);
    m.setLabelFont(TICK_FONT);
    m.setLabelPaint(MUTED);
    m.setLabelAnchor(org.jfree.chart.ui.RectangleAnchor.TOP_RIGHT);
    m.setLabelTextAnchor(TextAnchor.TOP_LEFT);
    m.setLabelOffset(new RectangleInsets(4, 4, 4, 4));
    return m;
  }

  private static Day day(String isoDate) {
    java.time.LocalDate d = java.time.LocalDate.parse(isoDate.substring(0, 10));
    return new Day(d.getDayOfMonth(), d.getMonthValue(), d.getYear());
  }

  private static void styleCategory(CategoryPlot plot) {
    stylePlot(plot);
    plot.setRangeGridlinePaint(GRID);
    plot.setRangeGridlineStroke(new BasicStroke(1f));
    plot.setDomainGridlinesVisible(false);
    styleAxis(plot.getDomainAxis());
    styleAxis(plot.getRangeAxis());
    plot.getDomainAxis().setAxisLineVisible(false);
  }

  private static void styleXY(XYPlot plot) {
    stylePlot(plot);
    plot.setDomainGridlinePaint(GRID);
    plot.setRangeGridlinePaint(GRID);
    plot.setDomainGridlineStroke(new BasicStroke(1f));
    plot.setRangeGridlineStroke(new BasicStroke(1f));
    styleAxis(plot.getDomainAxis());
    styleAxis(plot.getRangeAxis());
  }

  private static void styleAxis(org.jfree.chart.axis.Axis axis) {
    axis.setLabelFont(LABEL_FONT);
    axis.setLabelPaint(TEXT);
    axis.setTickLabelFont(TICK_FONT);
    axis.setTickLabelPaint(MUTED);
    axis.setAxisLinePaint(GRID);
    axis.setTickMarkPaint(GRID);
    if (axis instanceof ValueAxis v) {
      v.setAxisLineVisible(false);
    }
  }

  private static void stylePlot(Plot plot) {
    plot.setBackgroundPaint(Color.WHITE);
    plot.setOutlineVisible(false);
    plot.setInsets(new RectangleInsets(8, 4, 4, 16));
  }

  private static JFreeChart chart(String title, Plot plot, boolean legend) {
    JFreeChart chart = new JFreeChart(title, TITLE_FONT, plot, legend);
    chart.setBackgroundPaint(Color.WHITE);
    chart.setAntiAlias(true);
    chart.setTextAntiAlias(true);
    TextTitle t = chart.getTitle();
    t.setPaint(TEXT);
    t.setHorizontalAlignment(org.jfree.chart.ui.HorizontalAlignment.LEFT);
    t.setPadding(new RectangleInsets(6, 10, 6, 4));
    LegendTitle l = chart.getLegend();
    if (l != null) {
      l.setFrame(BlockBorder.NONE);
      l.setItemFont(TICK_FONT);
      l.setItemPaint(TEXT);
      l.setPosition(RectangleEdge.TOP);
      l.setHorizontalAlignment(org.jfree.chart.ui.HorizontalAlignment.LEFT);
      l.setBackgroundPaint(Color.WHITE);
    }
    chart.setPadding(new RectangleInsets(4, 4, 8, 8));
    return chart;
  }

  private static Report.Chart draw(JFreeChart chart, int height) {
    BufferedImage img = new BufferedImage(WIDTH * SCALE, height * SCALE, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.scale(SCALE, SCALE);
      chart.draw(g, new Rectangle2D.Double(0, 0, WIDTH, height));
    } finally {
      g.dispose();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(img, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode chart '" + chart.getTitle().getText() + "' as PNG", e);
    }
    return new Report.Chart(chart.getTitle().getText(), out.toByteArray(), WIDTH, height);
  }

}
