package io.centraal.scoring.model.btyd;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.math3.distribution.ChiSquaredDistribution;

/**
 * Fits the candidate transaction models on one summary and chooses the one the run uses, so that
 * data where one model is hard to fit never leave customers unscored for a bad reason.
 *
 * <p><b>Criterion: BIC on the calibration data</b>, -2 LL + k ln(n) with n customers and k free
 * parameters: all four likelihoods are densities of the same purchase times, so they compare; BIC
 * rather than AIC because with tens of thousands of customers AIC's penalty of 2 per parameter
 * hardly separates a 4-parameter model from its 2-parameter limit, and BIC's consistency picks the
 * limit when the extra parameters explain nothing. Only converged candidates (finite standard
 * errors) take part.
 *
 * <p><b>Boundary solutions.</b> When nobody visibly drops out, the maximum of the BG/NBD, MBG/NBD
 * and Pareto/NBD lies on the edge of their parameter space (dropout probability a/(a+b) -&gt; 0, or
 * dropout rate s/beta -&gt; 0), where the optimiser cannot converge and the Hessian is singular.
 * Their common limit there is the NBD. A dropout model whose fit fails, or converges with
 * unidentified parameters, at a log-likelihood the NBD matches (likelihood-ratio statistic
 * 2 (LL - LL_nbd) below {@value #BOUNDARY_LR_CRITICAL}, the 5% point of the 50:50 mixture of
 * chi-square(0) and chi-square(1) that applies to one parameter on a boundary, Self &amp; Liang 1987)
 * is recorded as {@link FitStatus#BOUNDARY}: "dropout not identified", and the NBD stands in for it.
 * So is a converged dropout fit that the NBD matches in that sense and that has a parameter within
 * one standard error of zero: on the boundary within its own sampling error. A fit that stops
 * short of convergence elsewhere is chosen at its end point only when that fits far better than
 * every converged candidate ({@value #STALLED_BIC_MARGIN} BIC).
 * A failure away from that limit stays {@link FitStatus#NOT_CONVERGED}.
 *
 * <p>The fits run on the collected distinct rows, on the driver; each costs milliseconds to a
 * few seconds (Pareto/NBD, numeric gradients) on a million customers.
 */
public final class TransactionModelSelection {
  private TransactionModelSelection() {}

  /** 5% critical value of 0.5 chi2(0) + 0.5 chi2(1): the boundary likelihood-ratio test. */
  static final double BOUNDARY_LR_CRITICAL = 2.7055;
  /**
   * A converged dropout fit whose likelihood the NBD matches and with a parameter less than this
   * many standard errors from 0 sits on the boundary within its sampling error.
   */
  static final double UNIDENTIFIED_RELATIVE_SE = 1;
  /**
   * A candidate whose optimiser did not converge is still chosen when the likelihood where it
   * stopped beats every converged candidate's BIC by more than this ("very strong" evidence on
   * Kass &amp; Raftery's scale). Why: the likelihood can keep rising toward a limit of the parameter
   * space other than no-dropout, e.g. MBG/NBD's a, b -&gt; 0 with a/(a+b) fixed, a share of customers
   * who leave right after their first purchase and a share who never leave; the model's
   * predictions at such a point are valid, only its individual parameters are not identified.
   */
  static final double STALLED_BIC_MARGIN = 10;

  /**
   * One candidate's outcome.
   *
   * @param fit the fit when {@link FitStatus#CONVERGED} (or converged on the boundary)
   * @param params where the optimiser ended (natural scale; null when it never started)
   * @param logLikelihood the log-likelihood there (NaN when unknown)
   * @param bic -2 LL + k ln(n) when the fit converged, else NaN
   * @param note one sentence a user can act on
   */
  public record Candidate(TransactionModelKind kind, FitStatus status, Optional<FitResult> fit, double[] params,
                          double logLikelihood, double bic, String note) {
    public Candidate {
      params = params == null ? null : params.clone();
    }

    @Override
    public double[] params() {
      return params == null ? null : params.clone();
    }

    /**
     * The model as fitted or, for a boundary or stalled fit, as it stood where the optimiser ended:
     * what the candidate would have predicted, for its holdout error in a backtest (empty when it
     * never started).
     */
    public Optional<TransactionModel> predictor() {
      if (fit.isPresent()) {
        return Optional.of(TransactionModel.fromFit(fit.get()));
      }
      if (params == null) {
        return Optional.empty();
      }
      return Optional.of(TransactionModel.fromFit(new FitResult(kind.modelName(), paramNames(kind), params,
          nan(params.length), logLikelihood, 0, false, 0, 0, "", 0)));
    }

    /** Parameter name -> value where the optimiser ended (empty when it never started). */
    public Map<String, Double> namedParams() {
      Map<String, Double> out = new LinkedHashMap<>();
      List<String> names = paramNames(kind);
      if (params != null) {
        for (int i = 0; i < params.length; i++) {
          out.put(names.get(i), params[i]);
        }
      }
      return out;
    }
  }

  /**
   * The candidates and the choice.
   *
   * @param chosen the transaction model the run scores with; empty when none can be trusted
   * @param reason why this one (or why none), one or two sentences
   * @param limitUsed the NBD stands in for a configured or candidate dropout model on its boundary
   */
  public record Selection(TransactionModelChoice choice, List<Candidate> candidates, Optional<FitResult> chosen,
                          String reason, boolean limitUsed, long customers) {
    public Selection {
      candidates = List.copyOf(candidates);
    }

    /** The candidate of {@code kind}, if it was considered. */
    public Optional<Candidate> candidate(TransactionModelKind kind) {
      return candidates.stream().filter(c -> c.kind() == kind).findFirst();
    }
  }

  /** Fits the candidates of {@code choice} on {@code summary} and chooses. */
  public static Selection select(TransactionSummary summary, FitOptions options, TransactionModelChoice choice) {
    long customers = Math.round(summary.customers());
    long repeatBuyers = Math.round(summary.repeatBuyers());
    List<Candidate> out = new ArrayList<>();
    if (repeatBuyers < options.minRepeatBuyers()) {
      String note = repeatBuyers + " repeat buyers among " + customers + " customers, fewer than "
          + "score.clv.min-repeat-buyers = " + options.minRepeatBuyers()
          + ": too few repeat purchases to fit any purchase model";
      for (TransactionModelKind kind : choice.candidates()) {
        out.add(new Candidate(kind, FitStatus.TOO_FEW_REPEAT_BUYERS, Optional.empty(), null, Double.NaN,
            Double.NaN, note));
      }
      return new Selection(choice, out, Optional.empty(), "no transaction model: " + note, false, customers);
    }
    boolean wantsLimit = choice.candidates().stream().anyMatch(TransactionModelKind::hasDropout);
    Candidate nbd = null;
    if (choice.candidates().contains(TransactionModelKind.NBD) || wantsLimit) {
      nbd = fitOne(TransactionModelKind.NBD, summary, options, null);
    }
    Map<TransactionModelKind, Candidate> fitted = new java.util.EnumMap<>(TransactionModelKind.class);
    for (TransactionModelKind kind : choice.candidates()) { // BG/NBD family first: the Pareto/NBD may need it
      if (kind != TransactionModelKind.PARETO_NBD) {
        fitted.put(kind, kind == TransactionModelKind.NBD ? nbd : fitOne(kind, summary, options, nbd));
      }
    }
    if (choice.candidates().contains(TransactionModelKind.PARETO_NBD)) {
      fitted.put(TransactionModelKind.PARETO_NBD, fitParetoNbd(summary, options, nbd, fitted));
    }
    for (TransactionModelKind kind : choice.candidates()) {
      out.add(fitted.get(kind));
    }
    return choose(choice, out, nbd, customers);
  }

  /**
   * The Pareto/NBD, unless the BG/NBD family already found no dropout. Why: toward the no-dropout
   * boundary the Pareto/NBD's hypergeometric series needs of the order of beta/alpha terms per
   * row, so a fit that runs to beta -&gt; infinity takes minutes where the others take milliseconds,
   * only to end at the same NBD limit. The three models share that limit, so when the BG/NBD (a
   * probe fit if it is not a candidate) ends on it, the Pareto/NBD is recorded as on the boundary
   * without being fitted, and says so.
   */
  private static Candidate fitParetoNbd(TransactionSummary summary, FitOptions options, Candidate nbd,
                                        Map<TransactionModelKind, Candidate> fitted) {
    Candidate probe = fitted.containsKey(TransactionModelKind.BG_NBD) ? fitted.get(TransactionModelKind.BG_NBD)
        : fitted.containsKey(TransactionModelKind.MBG_NBD) ? fitted.get(TransactionModelKind.MBG_NBD)
        : fitOne(TransactionModelKind.BG_NBD, summary, options, nbd);
    if (probe.status() == FitStatus.BOUNDARY) {
      return new Candidate(TransactionModelKind.PARETO_NBD, FitStatus.BOUNDARY, Optional.empty(), null,
          Double.NaN, Double.NaN, "not fitted: " + probe.kind().modelName() + " found no dropout, and the "
              + "Pareto/NBD shares its no-dropout limit (its series grow without bound on the way there)");
    }
    return fitOne(TransactionModelKind.PARETO_NBD, summary, options, nbd);
  }

  private static Selection choose(TransactionModelChoice choice, List<Candidate> candidates, Candidate nbd,
                                  long customers) {
    List<Candidate> boundary = candidates.stream().filter(c -> c.status() == FitStatus.BOUNDARY).toList();
    boolean limitAvailable = nbd != null && nbd.status() == FitStatus.CONVERGED;
    if (!choice.auto()) {
      Candidate only = candidates.get(0);
      if (only.status() == FitStatus.CONVERGED) {
        return new Selection(choice, candidates, only.fit(), "configured model " + only.kind().modelName()
            + " converged", false, customers);
      }
      if (only.status() == FitStatus.BOUNDARY && limitAvailable) {
        List<Candidate> all = new ArrayList<>(candidates);
        all.add(nbd);
        return new Selection(choice, all, nbd.fit(), "dropout not identified: " + only.kind().modelName()
            + " reaches its no-dropout limit, so the limit model nbd is used (" + only.note() + ")", true, customers);
      }
      return new Selection(choice, candidates, Optional.empty(), "no transaction model: configured model "
          + only.kind().modelName() + " " + only.status().label() + ": " + only.note(), false, customers);
    }
    double bestConverged = candidates.stream().filter(c -> c.status() == FitStatus.CONVERGED)
        .mapToDouble(Candidate::bic).min().orElse(Double.POSITIVE_INFINITY);
    List<Candidate> eligible = candidates.stream().filter(c -> c.status() == FitStatus.CONVERGED
            || (c.status() == FitStatus.NOT_CONVERGED && c.fit().isPresent()
                && c.bic() < bestConverged - STALLED_BIC_MARGIN))
        .sorted(Comparator.comparingDouble(Candidate::bic)).toList();
    if (eligible.isEmpty()) {
      List<Candidate> all = new ArrayList<>(candidates);
      if (!boundary.isEmpty() && limitAvailable) {
        if (!all.contains(nbd)) {
          all.add(nbd);
        }
        return new Selection(choice, all, nbd.fit(), "dropout not identified ("
            + names(boundary) + " on the no-dropout boundary): the limit model nbd is used", true, customers);
      }
      StringBuilder why = new StringBuilder("no transaction model could be trusted:");
      for (Candidate c : candidates) {
        why.append(' ').append(c.kind().modelName()).append(' ').append(c.status().label()).append(" (")
            .append(c.note()).append(");");
      }
      return new Selection(choice, candidates, Optional.empty(), why.substring(0, why.length() - 1), false,
          customers);
    }
    Candidate best = eligible.get(0);
    StringBuilder reason = new StringBuilder(best.status() == FitStatus.CONVERGED
        ? String.format(Locale.ROOT, "lowest BIC among converged candidates: %s (BIC %.1f", best.kind().modelName(),
            best.bic())
        : String.format(Locale.ROOT, "%s did not converge, but where its optimiser stopped it fits far better than "
            + "any converged candidate, so it is used at that point without standard errors (BIC %.1f",
            best.kind().modelName(), best.bic()));
    if (eligible.size() > 1) {
      Candidate next = eligible.get(1);
      reason.append(String.format(Locale.ROOT, "; next %s, %.1f higher", next.kind().modelName(),
          next.bic() - best.bic()));
    }
    reason.append(')');
    boolean limit = best.kind() == TransactionModelKind.NBD && !boundary.isEmpty();
    if (limit) {
      reason.insert(0, "dropout not identified (" + names(boundary) + " on the no-dropout boundary); ");
    }
    return new Selection(choice, candidates, best.fit(), reason.toString(), limit, customers);
  }

  private static String names(List<Candidate> candidates) {
    return String.join(", ", candidates.stream().map(c -> c.kind().modelName()).toList());
  }

  /** Fits one candidate; a dropout model's failure is compared with the NBD limit {@code nbd}. */
  static Candidate fitOne(TransactionModelKind kind, TransactionSummary summary, FitOptions options, Candidate nbd) {
    double n = summary.customers();
    try {
      FitResult fit = kind.fit(summary, options);
      double bic = bic(fit.logLikelihood(), kind.parameters(), n);
      if (kind.hasDropout() && limitMatches(nbd, fit.logLikelihood()) && unidentified(fit)) {
        return new Candidate(kind, FitStatus.BOUNDARY, Optional.empty(), fit.params(), fit.logLikelihood(),
            Double.NaN, "dropout not identified: converged at " + fit.paramNames() + " = "
                + format(fit.params()) + ", within a standard error of the no-dropout boundary and no better "
                + "than the limit " + lrNote(nbd, fit.logLikelihood()));
      }
      return new Candidate(kind, FitStatus.CONVERGED, Optional.of(fit), fit.params(), fit.logLikelihood(), bic,
          String.format(Locale.ROOT, "converged in %d iterations", fit.iterations()));
    } catch (ModelIdentificationException e) {
      Optional<ModelIdentificationException.EndPoint> end = e.endPoint();
      double[] params = end.map(ModelIdentificationException.EndPoint::params).orElse(null);
      double ll = end.map(ModelIdentificationException.EndPoint::logLikelihood).orElse(Double.NaN);
      if (kind.hasDropout() && end.isPresent() && limitMatches(nbd, ll)) {
        return new Candidate(kind, FitStatus.BOUNDARY, Optional.empty(), params, ll, Double.NaN,
            "dropout not identified: the fit runs to the no-dropout boundary (ended at " + format(params)
                + ") where its log-likelihood equals the NBD's " + lrNote(nbd, ll));
      }
      if (end.isPresent() && Double.isFinite(ll)) {
        // Kept with its end point: if that fits far better than every converged candidate, it is chosen.
        FitResult atEnd = new FitResult(kind.modelName(), paramNames(kind), params, nan(params.length), ll, 0, false,
            Math.round(n), summary.distinctRows(), options.timeUnit(), options.l2Penalty());
        return new Candidate(kind, FitStatus.NOT_CONVERGED, Optional.of(atEnd), params, ll,
            bic(ll, kind.parameters(), n), e.getMessage());
      }
      return new Candidate(kind, FitStatus.NOT_CONVERGED, Optional.empty(), params, ll, Double.NaN, e.getMessage());
    }
  }

  private static List<String> paramNames(TransactionModelKind kind) {
    return switch (kind) {
      case PARETO_NBD -> ParetoNbdModel.PARAM_NAMES;
      case NBD -> NbdModel.PARAM_NAMES;
      default -> BetaGeometricFamily.PARAM_NAMES;
    };
  }

  private static double[] nan(int n) {
    double[] out = new double[n];
    java.util.Arrays.fill(out, Double.NaN);
    return out;
  }

  /** Whether the NBD limit converged and explains the data as well as a fit with log-likelihood {@code ll}. */
  private static boolean limitMatches(Candidate nbd, double ll) {
    return nbd != null && nbd.status() == FitStatus.CONVERGED && Double.isFinite(ll)
        && 2 * (ll - nbd.logLikelihood()) < BOUNDARY_LR_CRITICAL;
  }

  private static String lrNote(Candidate nbd, double ll) {
    double lr = Math.max(0, 2 * (ll - nbd.logLikelihood()));
    double p = 0.5 * (1 - new ChiSquaredDistribution(1).cumulativeProbability(lr));
    return String.format(Locale.ROOT, "(LL %.2f vs %.2f; LR %.3f, p = %.3f)", ll, nbd.logLikelihood(), lr,
        lr == 0 ? 0.5 : p);
  }

  /** Some parameter's standard error exceeds {@value #UNIDENTIFIED_RELATIVE_SE} times its value. */
  private static boolean unidentified(FitResult fit) {
    double[] p = fit.params();
    double[] se = fit.standardErrors();
    for (int i = 0; i < p.length; i++) {
      if (!(se[i] <= UNIDENTIFIED_RELATIVE_SE * p[i])) {
        return true;
      }
    }
    return false;
  }

  static double bic(double logLikelihood, int parameters, double customers) {
    return -2 * logLikelihood + parameters * Math.log(customers);
  }

  private static String format(double[] params) {
    if (params == null) {
      return "[]";
    }
    StringBuilder s = new StringBuilder("[");
    for (int i = 0; i < params.length; i++) {
      s.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.4g", params[i]));
    }
    return s.append(']').toString();
  }
}
