package io.centraal.jobs;

import io.centraal.scoring.model.btyd.BgNbdSimulator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Generated exports with the shapes that make real data hard for BTYD models, each written as a
 * user's file (seeded, so every run writes the same bytes):
 * <ul>
 *   <li>{@link #noDropout}: a year of a loyal base, nobody drops out (NBD purchasing);</li>
 *   <li>{@link #mostlyOneTimeBuyers}: 96% of customers never come back;</li>
 *   <li>{@link #handful}: six customers;</li>
 *   <li>{@link #constantSpend}: every purchase costs the same;</li>
 *   <li>{@link #singleStoreDay}: every purchase on one day;</li>
 *   <li>{@link #invoices}: an invoice-line export in the layout of the public "Online Retail" set
 *       (built here, not copied): cancellations "C..." with negative quantities, anonymous lines,
 *       duplicate lines, non-ASCII descriptions, a UTF-8 byte order mark, US-style timestamps.</li>
 * </ul>
 * The first five use {@code conf/examples/transactions-csv.conf}'s layout
 * ({@code transaction_id,customer_id,ts,amount}), dated 2024-01-01 .. {@link #AS_OF}.
 */
final class HardExports {
  private HardExports() {}

  static final LocalDate START = LocalDate.parse("2024-01-01");
  static final LocalDate AS_OF = LocalDate.parse("2024-12-31");
  static final LocalDate INVOICE_AS_OF = LocalDate.parse("2011-12-09");
  private static final int DAYS = (int) (AS_OF.toEpochDay() - START.toEpochDay()) + 1;

  /** One purchase line of the simple layout. */
  record Line(String customer, LocalDate day, double amount) {}

  /** A year of purchases with no dropout: lambda ~ Gamma(0.9, rate 25 days), spend Gamma-Gamma. */
  static List<Line> noDropout(int customers, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    List<Line> out = new ArrayList<>();
    for (int c = 0; c < customers; c++) {
      String id = String.format(Locale.ROOT, "N%05d", c);
      int first = rng.nextInt(DAYS * 3 / 4);
      double lambda = BgNbdSimulator.gamma(0.9, rng) / 25.0;
      double nu = BgNbdSimulator.gamma(3.5, rng) / 15.0;
      double t = first;
      out.add(new Line(id, START.plusDays(first), spend(nu, rng)));
      while (lambda > 0) {
        t += rng.nextExponential() / lambda;
        if (t >= DAYS) {
          break;
        }
        out.add(new Line(id, START.plusDays((long) t), spend(nu, rng)));
      }
    }
    return out;
  }

  /** 96% one-time buyers; the rest buy again at a rate of one purchase a month. */
  static List<Line> mostlyOneTimeBuyers(int customers, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    List<Line> out = new ArrayList<>();
    for (int c = 0; c < customers; c++) {
      String id = String.format(Locale.ROOT, "O%05d", c);
      int first = rng.nextInt(DAYS - 30);
      double nu = BgNbdSimulator.gamma(3.5, rng) / 15.0;
      out.add(new Line(id, START.plusDays(first), spend(nu, rng)));
      if (rng.nextDouble() < 0.04) {
        for (double t = first + rng.nextExponential() * 30; t < DAYS; t += rng.nextExponential() * 30) {
          out.add(new Line(id, START.plusDays((long) t), spend(nu, rng)));
        }
      }
    }
    return out;
  }

  /** Six customers, a few purchases each. */
  static List<Line> handful() {
    List<Line> out = new ArrayList<>();
    int[][] days = {{10, 40, 200}, {5}, {100, 101, 300, 350}, {250}, {30, 330}, {360}};
    for (int c = 0; c < days.length; c++) {
      for (int d : days[c]) {
        out.add(new Line("H" + c, START.plusDays(d), 20 + 7 * c));
      }
    }
    return out;
  }

  /** The no-dropout population, one purchase a day at most, every purchase at 25.00. */
  static List<Line> constantSpend(int customers, long seed) {
    return noDropout(customers, seed).stream().map(l -> new Line(l.customer(), l.day(), 25.0)).distinct().toList();
  }

  /** Every customer buys once or twice, all on 2024-06-01. */
  static List<Line> singleStoreDay(int customers, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    List<Line> out = new ArrayList<>();
    for (int c = 0; c < customers; c++) {
      String id = String.format(Locale.ROOT, "S%05d", c);
      int lines = 1 + rng.nextInt(2);
      for (int k = 0; k < lines; k++) {
        out.add(new Line(id, LocalDate.parse("2024-06-01"), 5 + rng.nextInt(80)));
      }
    }
    return out;
  }

  private static double spend(double nu, SplittableRandom rng) {
    return Math.round(BgNbdSimulator.gamma(6, rng) / nu * 100) / 100.0;
  }

  /** Writes {@code lines} as {@code transaction_id,customer_id,ts,amount}. */
  static Path write(Path file, List<Line> lines) {
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write("transaction_id,customer_id,ts,amount\n");
      for (int i = 0; i < lines.size(); i++) {
        Line l = lines.get(i);
        w.write("t-" + i + "," + l.customer() + "," + l.day() + "," + String.format(Locale.ROOT, "%.2f", l.amount())
            + "\n");
      }
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * What {@link #invoices} planted, for the test's expectations; {@code customers} counts those with
   * at least one invoice that names them (a customer whose only invoice was anonymous is unknown).
   */
  record InvoiceExport(Path file, int lines, int customers, int cancellations, int anonymous, int duplicates) {}

  private static final String[] PRODUCTS = {
      "85123A|WHITE HANGING HEART T-LIGHT HOLDER|2.55", "71053|WHITE METAL LANTERN|3.39",
      "22423|REGENCY CAKESTAND 3 TIER|12.75", "21232|STRAWBERRY CERAMIC TRINKET BOX|1.25",
      "POST|POSTAGE|18.00", "23166|MEDIUM CERAMIC TOP STORAGE JAR|1.04",
      "35004C|SET OF 3 COLOURED  FLYING DUCKS|5.45", "90214Y|LETTER \"Y\" BLING KEY RING|0.29",
      "21034|CAFÉ AU LAIT BOWL, SET OF 2|3.75", "84879|KÖLNER DOM CANDLE HOLDER|1.69",
      "22086|PAPER CHAIN KIT 50'S CHRISTMAS|2.95", "M|Manual|0.85"};

  /**
   * One year (2010-12-01 .. 2011-12-09) of a wholesaler's invoice lines in the "Online Retail"
   * layout: {@code InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country},
   * UTF-8 with a byte order mark (as spreadsheet exports write it). Customers buy as NBD
   * processes (no dropout within the year), 1-6 lines per invoice; 5% of invoices are later
   * cancelled ("C" + number, negative quantities); 2% of invoices have no CustomerID; 10 lines are
   * exact duplicates of the line before.
   */
  static InvoiceExport invoices(Path file, int customers, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    LocalDateTime start = LocalDateTime.parse("2010-12-01T08:00:00");
    int days = (int) (INVOICE_AS_OF.toEpochDay() - start.toLocalDate().toEpochDay()) + 1;
    DateTimeFormatter usTime = DateTimeFormatter.ofPattern("M/d/yyyy H:mm", Locale.ROOT);
    String[] countries = {"United Kingdom", "United Kingdom", "United Kingdom", "France", "Germany", "EIRE"};
    List<String> out = new ArrayList<>();
    int invoice = 536365;
    int cancellations = 0;
    int anonymous = 0;
    int duplicates = 0;
    java.util.Set<String> named = new java.util.HashSet<>();
    for (int c = 0; c < customers; c++) {
      String customerId = Integer.toString(12346 + c);
      String country = countries[rng.nextInt(countries.length)];
      double lambda = BgNbdSimulator.gamma(1.2, rng) / 20.0;
      double t = rng.nextInt(days * 2 / 3);
      while (t < days) {
        LocalDateTime at = start.plusDays((long) t).plusMinutes(rng.nextInt(9 * 60));
        boolean noCustomer = rng.nextDouble() < 0.02;
        anonymous += noCustomer ? 1 : 0;
        if (!noCustomer) {
          named.add(customerId);
        }
        List<String> invoiceLines = new ArrayList<>();
        int lineCount = 1 + rng.nextInt(6);
        for (int k = 0; k < lineCount; k++) {
          String[] p = PRODUCTS[rng.nextInt(PRODUCTS.length)].split("\\|");
          int quantity = 1 + rng.nextInt(24);
          invoiceLines.add(String.join(",", Integer.toString(invoice), p[0], quote(p[1]),
              Integer.toString(quantity), at.format(usTime), p[2], noCustomer ? "" : customerId, country));
          if (duplicates < 10 && rng.nextDouble() < 0.01) {
            invoiceLines.add(invoiceLines.get(invoiceLines.size() - 1));
            duplicates++;
          }
        }
        out.addAll(invoiceLines);
        if (!noCustomer && rng.nextDouble() < 0.05 && t + 3 < days) {
          String cancelled = invoiceLines.get(0);
          String[] f = cancelled.split(",(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)");
          f[0] = "C" + (invoice + 500000);
          f[3] = "-" + f[3];
          f[4] = at.plusDays(2).format(usTime);
          out.add(String.join(",", f));
          cancellations++;
        }
        invoice++;
        if (lambda <= 0) {
          break;
        }
        t += rng.nextExponential() / lambda;
      }
    }
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write('\uFEFF');
      w.write("InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n");
      for (String line : out) {
        w.write(line);
        w.write('\n');
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new InvoiceExport(file, out.size(), named.size(), cancellations, anonymous, duplicates);
  }

  private static String quote(String s) {
    return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
  }
}
