package io.centraal.scoring.model.btyd;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The CDNOW 1/10 sample as shipped with lifetimes (src/test/resources/cdnow, see its README):
 * 2,357 customers of the Q1 1997 cohort, 39-week calibration window, times in weeks.
 */
final class CdnowFixtures {
  private CdnowFixtures() {}

  /** One customer of the calibration summary; zbar is the mean repeat spend (0 when x = 0). */
  record Customer(int id, double x, double tx, double t, double zbar) {}

  /** One row of lifetimes 0.11.3's per-customer outputs on the summary. */
  record Reference(Customer customer, double pAlive, double purchases39, double purchases52,
      double avgValue, double clvDocsFreqD, double clv12mFreqW) {}

  /** cdnow_customers_summary.csv: ID, frequency, recency, T. */
  static List<Customer> summary() {
    List<Customer> out = new ArrayList<>();
    for (String[] f : read("cdnow_customers_summary.csv")) {
      out.add(new Customer(Integer.parseInt(f[0]), d(f[1]), d(f[2]), d(f[3]), 0));
    }
    return out;
  }

  /** cdnow_customers_summary_with_transactions.csv: ID, x, t_x, T, zbar. */
  static List<Customer> withSpend() {
    List<Customer> out = new ArrayList<>();
    for (String[] f : read("cdnow_customers_summary_with_transactions.csv")) {
      out.add(new Customer(Integer.parseInt(f[0]), d(f[1]), d(f[2]), d(f[3]), d(f[4])));
    }
    return out;
  }

  /** lifetimes_reference_predictions.csv. */
  static List<Reference> lifetimesReference() {
    List<Reference> out = new ArrayList<>();
    for (String[] f : read("lifetimes_reference_predictions.csv")) {
      Customer c = new Customer(Integer.parseInt(f[0]), d(f[1]), d(f[2]), d(f[3]), d(f[4]));
      out.add(new Reference(c, d(f[5]), d(f[6]), d(f[7]), d(f[8]), d(f[9]), d(f[10])));
    }
    return out;
  }

  static TransactionSummary transactionSummary(List<Customer> customers) {
    double[] x = customers.stream().mapToDouble(Customer::x).toArray();
    double[] tx = customers.stream().mapToDouble(Customer::tx).toArray();
    double[] t = customers.stream().mapToDouble(Customer::t).toArray();
    return TransactionSummary.ofCustomers(x, tx, t);
  }

  static SpendSummary spendSummary(List<Customer> customers) {
    return SpendSummary.ofCustomers(customers.stream().mapToDouble(Customer::x).toArray(),
        customers.stream().mapToDouble(Customer::zbar).toArray());
  }

  /** The options the CDNOW tests fit with: plain maximum likelihood, times in weeks. */
  static FitOptions weeks() {
    return new FitOptions(0, 10, 500, 1e-8, "weeks");
  }

  private static FitResult bgNbd;
  private static FitResult gammaGamma;

  /** The BG/NBD fit on the summary, computed once per test JVM. */
  static synchronized FitResult bgNbdFit() {
    if (bgNbd == null) {
      bgNbd = BgNbdModel.fit(transactionSummary(summary()), weeks());
    }
    return bgNbd;
  }

  /** The Gamma-Gamma fit on the repeat buyers, computed once per test JVM. */
  static synchronized FitResult gammaGammaFit() {
    if (gammaGamma == null) {
      gammaGamma = GammaGammaModel.fit(spendSummary(withSpend()), currency());
    }
    return gammaGamma;
  }

  /** Options for the spend model: plain maximum likelihood, spend in US dollars. */
  static FitOptions currency() {
    return new FitOptions(0, 10, 500, 1e-8, "USD");
  }

  private static double d(String s) {
    return Double.parseDouble(s.trim());
  }

  private static List<String[]> read(String file) {
    String path = "/cdnow/" + file;
    try (InputStream in = CdnowFixtures.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("test resource missing: " + path);
      }
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      List<String[]> rows = new ArrayList<>();
      reader.readLine(); // header
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        if (!line.isBlank()) {
          rows.add(line.split(","));
        }
      }
      return rows;
    } catch (IOException e) {
      throw new UncheckedIOException(path, e);
    }
  }
}
