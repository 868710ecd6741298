package io.centraal.scoring.model.btyd;

import java.util.Locale;
import java.util.Optional;

/**
 * Chooses the spend model of a run: the Gamma-Gamma model when it can be trusted, otherwise the
 * shrunk empirical mean ({@link ShrunkMeanSpendModel}), and says which and why.
 *
 * <p>The Gamma-Gamma model is not trusted when there are fewer repeat buyers than
 * {@code score.clv.min-repeat-buyers}, when its fit does not converge (e.g. constant spend: the
 * shape p runs to infinity), or when it converges at q &lt;= 1 (spend so heavy-tailed that the
 * population mean is infinite, and every CLV with it). It also assumes that spend per purchase is
 * independent of purchase frequency: the correlation of frequency and mean repeat spend over the
 * repeat buyers is reported with every run (lifetimes' documentation shows the same check), and a
 * note is added above {@value #CORRELATION_NOTE}; it does not change the choice, because a modest
 * correlation biases spend a little where the fallback would lose the model's shrinkage.
 */
public final class SpendModelSelection {
  private SpendModelSelection() {}

  /** |correlation(frequency, mean repeat spend)| above this earns a note. */
  static final double CORRELATION_NOTE = 0.3;
  /** Below this many repeat buyers a correlation is noise: reported, but no note. */
  static final long CORRELATION_MIN_BUYERS = 30;

  /**
   * @param gammaGammaStatus what became of the Gamma-Gamma fit
   * @param gammaGamma the fit when it converged (also when q &lt;= 1, for the record)
   * @param chosen the model the run uses: Gamma-Gamma, the shrunk mean, or empty when there is no
   *     repeat buyer with positive spend at all
   * @param fallback the shrunk mean stands in for the Gamma-Gamma model
   * @param reason why, in one or two sentences
   * @param frequencySpendCorrelation Pearson correlation of x and m_x over the repeat buyers, weighted
   *     by customers (NaN below two distinct rows)
   */
  public record Selection(FitStatus gammaGammaStatus, Optional<FitResult> gammaGamma, String gammaGammaNote,
                          Optional<FitResult> chosen, boolean fallback, String reason,
                          double frequencySpendCorrelation, long repeatBuyers) {}

  public static Selection select(SpendSummary summary, FitOptions options) {
    long buyers = Math.round(summary.customers());
    double correlation = correlation(summary);
    String correlationNote = buyers >= CORRELATION_MIN_BUYERS && Double.isFinite(correlation)
        && Math.abs(correlation) > CORRELATION_NOTE
        ? String.format(Locale.ROOT, "; note: frequency and spend correlate (%.2f), which Gamma-Gamma assumes "
            + "they do not", correlation) : "";
    FitStatus status;
    Optional<FitResult> gg = Optional.empty();
    String note;
    if (buyers < options.minRepeatBuyers()) {
      status = FitStatus.TOO_FEW_REPEAT_BUYERS;
      note = buyers + " repeat buyers with positive spend, fewer than score.clv.min-repeat-buyers = "
          + options.minRepeatBuyers();
    } else {
      try {
        FitResult fit = GammaGammaModel.fitAnyQ(summary, options);
        gg = Optional.of(fit);
        if (GammaGammaModel.hasFiniteMean(fit)) {
          status = FitStatus.CONVERGED;
          note = "converged in " + fit.iterations() + " iterations";
        } else {
          status = FitStatus.INVALID;
          note = String.format(Locale.ROOT, "q = %.4g <= 1: spend is too heavy-tailed for a finite mean", fit.param("q"));
        }
      } catch (ModelIdentificationException e) {
        status = FitStatus.NOT_CONVERGED;
        note = e.getMessage();
      }
    }
    if (status == FitStatus.CONVERGED) {
      return new Selection(status, gg, note, gg, false, "gamma_gamma converged" + correlationNote, correlation,
          buyers);
    }
    if (summary.distinctRows() == 0) {
      return new Selection(status, gg, note, Optional.empty(), false,
          "no spend model: no repeat buyer with a positive mean spend", correlation, buyers);
    }
    FitResult shrunk = ShrunkMeanSpendModel.fit(summary, options.timeUnit());
    return new Selection(status, gg, note, Optional.of(shrunk), true, String.format(Locale.ROOT,
        "gamma_gamma %s (%s): spend per purchase is the repeat buyers' mean %.4g shrunk by a prior weight of %.3g "
            + "purchases", status.label(), note, shrunk.param("mean"), shrunk.param("prior_weight")) + correlationNote,
        correlation, buyers);
  }

  /** Customer-weighted Pearson correlation of x and m_x. */
  static double correlation(SpendSummary s) {
    int n = s.distinctRows();
    if (n < 2) {
      return Double.NaN;
    }
    double w = 0;
    double mx = 0;
    double mm = 0;
    for (int i = 0; i < n; i++) {
      w += s.weight(i);
      mx += s.weight(i) * s.x(i);
      mm += s.weight(i) * s.mx(i);
    }
    mx /= w;
    mm /= w;
    double cxx = 0;
    double cmm = 0;
    double cxm = 0;
    for (int i = 0; i < n; i++) {
      double dx = s.x(i) - mx;
      double dm = s.mx(i) - mm;
      cxx += s.weight(i) * dx * dx;
      cmm += s.weight(i) * dm * dm;
      cxm += s.weight(i) * dx * dm;
    }
    return cxx > 0 && cmm > 0 ? cxm / Math.sqrt(cxx * cmm) : Double.NaN;
  }
}
