package io.centraal.scoring.model.btyd;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.NonPositiveDefiniteMatrixException;
import org.apache.commons.math3.linear.RealMatrix;

/**
 * Maximum likelihood over log-parameters, shared by all BTYD fits.
 *
 * <p><b>Optimiser and why.</b> The objective, as in lifetimes, is the mean negative log-likelihood
 * per customer plus {@code l2Penalty * sum(param^2)}, minimised over theta = log(params) so that
 * every step keeps the parameters positive. It is minimised with Breeze's L-BFGS (the optimiser
 * Spark MLlib uses for its GLMs, bundled with spark-mllib; see {@link BreezeLbfgs} for how it is
 * driven from Java), followed by at most {@value #MAX_NEWTON_STEPS} damped Newton steps on a
 * numeric Hessian that drive the gradient to {@link FitOptions#gradientTolerance()} (the BTYD
 * likelihoods are flat along the a-b ridge, where first-order methods stall at a few significant
 * digits; lifetimes stops there). The model supplies a moment-based starting point and a fallback;
 * the fallback is tried only when the first start fails. With 3 or 4 parameters and a likelihood
 * summed over distinct rows only, the whole fit costs milliseconds, and the Newton step doubles as
 * the Hessian needed for standard errors. The reported iterations are L-BFGS iterations plus
 * Newton steps; a fit is converged when the gradient test passes (otherwise the next start is
 * tried, and when none passes the fit throws {@link ModelIdentificationException}).
 *
 * <p><b>Gradients.</b> Analytic where the model supplies them (BG/NBD, MBG/NBD, Gamma-Gamma);
 * otherwise central differences in log-parameter space with step 1e-5 (Pareto/NBD, whose
 * hypergeometric term has no cheap parameter derivative): truncation error ~1e-10, round-off
 * ~1e-11 on an objective of order 1.
 *
 * <p><b>Standard errors.</b> The Hessian of the total penalised negative log-likelihood in
 * log-parameter space is taken by central differences (step 1e-4) of the gradient, inverted, and
 * mapped to natural parameters by the delta method, which is exact at a stationary point; the
 * log-parameter covariance itself is kept in the {@link FitResult} for prediction intervals. A
 * Hessian that is not positive definite means the data do not identify the parameters, and the fit
 * throws {@link ModelIdentificationException}.
 */
final class MaximumLikelihood {
  private MaximumLikelihood() {}

  static final int MAX_NEWTON_STEPS = 25;
  /** Correction pairs kept by L-BFGS: more than the 3-4 parameters is pointless. */
  private static final int LBFGS_MEMORY = 5;
  /** Breeze's relative tolerance; Newton polishing then enforces the absolute gradient test. */
  private static final double LBFGS_TOLERANCE = 1e-7;
  /** Squared distance to the optimum, in standard errors, that counts as converged. */
  private static final double SE_TOLERANCE_SQUARED = 1e-6;
  private static final double GRADIENT_STEP = 1e-5;
  private static final double HESSIAN_STEP = 1e-4;
  /** Objective value standing in for a non-finite likelihood, so line searches back off. */
  private static final double INVALID = 1e30;

  /** Total weighted log-likelihood at natural parameters. */
  interface LogLikelihood {
    /**
     * Returns sum_i w_i log L_i(params); when {@code grad} is not null and the gradient is
     * analytic, adds d/d(params) of that sum to {@code grad}.
     */
    double value(double[] params, double[] grad);
  }

  /** What to fit: the likelihood, whether it has an analytic gradient, and where to start. */
  record Problem(String modelName, List<String> paramNames, LogLikelihood logLikelihood,
      boolean analyticGradient, List<double[]> starts, double customers, int distinctRows) {}

  static FitResult fit(Problem problem, FitOptions options) {
    Objective objective = new Objective(problem, options.l2Penalty());
    Attempt best = null;
    List<String> failures = new ArrayList<>();
    List<double[]> ended = new ArrayList<>();
    for (double[] start : problem.starts()) {
      Attempt attempt = minimise(objective, start, options);
      if (attempt.failure == null) {
        best = attempt;
        break;
      }
      failures.add(Arrays.toString(start) + ": " + attempt.failure);
      if (attempt.theta != null) {
        ended.add(attempt.theta);
      }
    }
    if (best == null) {
      throw new ModelIdentificationException(problem.modelName() + " fit failed from every "
          + "starting point (" + Math.round(problem.customers()) + " customers, " + problem.distinctRows()
          + " distinct rows): " + String.join("; ", failures), bestEndPoint(problem, ended));
    }
    double[] params = exp(best.theta);
    double[][] covariance = logCovariance(objective, best.theta, params, problem);
    double[] se = new double[params.length];
    for (int i = 0; i < se.length; i++) {
      se[i] = params[i] * Math.sqrt(covariance[i][i]);
    }
    double logLikelihood = problem.logLikelihood().value(params, null);
    return new FitResult(problem.modelName(), problem.paramNames(), params, se, logLikelihood,
        best.iterations, true, Math.round(problem.customers()), problem.distinctRows(),
        options.timeUnit(), options.l2Penalty(), covariance);
  }

  /** Of the points where failed attempts ended, the one with the highest finite log-likelihood. */
  private static ModelIdentificationException.EndPoint bestEndPoint(Problem problem, List<double[]> thetas) {
    ModelIdentificationException.EndPoint best = null;
    for (double[] theta : thetas) {
      double[] params = exp(theta);
      double ll = problem.logLikelihood().value(params, null);
      if (Double.isFinite(ll) && (best == null || ll > best.logLikelihood())) {
        best = new ModelIdentificationException.EndPoint(params, ll);
      }
    }
    return best;
  }

  private static Attempt minimise(Objective f, double[] start, FitOptions options) {
    double[] theta = new double[start.length];
    for (int i = 0; i < start.length; i++) {
      theta[i] = Math.log(start[i]);
    }
    if (f.value(theta) >= INVALID) {
      return Attempt.failed("log-likelihood is not finite at the starting point");
    }
    BreezeLbfgs.Outcome lbfgs = BreezeLbfgs.minimise(f, theta, options.maxIterations(),
        LBFGS_MEMORY, LBFGS_TOLERANCE);
    theta = lbfgs.x();
    int iterations = lbfgs.iterations();
    double[] g = new double[theta.length];
    double value = f.valueAndGradient(theta, g);
    for (int step = 0; step < MAX_NEWTON_STEPS && maxAbs(g) > options.gradientTolerance(); step++) {
      double[] next = newtonStep(f, theta, value, g);
      if (next == null) {
        break;
      }
      theta = next;
      value = f.valueAndGradient(theta, g);
      iterations++;
    }
    double norm = maxAbs(g);
    if (!(norm <= options.gradientTolerance()) && !withinRoundOff(f, theta, g)) {
      return new Attempt(theta, iterations, String.format("not converged after %d iterations: largest gradient "
          + "%.3g > tolerance %.3g at params %s", iterations, norm, options.gradientTolerance(),
          Arrays.toString(exp(theta))));
    }
    return new Attempt(theta, iterations, null);
  }

  /**
   * The gradient test's fallback for large data: the mean objective over hundreds of thousands of
   * distinct rows carries round-off near 1e-8 in its gradient, so Newton steps stop improving it
   * before the gradient reaches a tight tolerance. The fit then counts as converged when the
   * remaining Newton step, measured in standard errors (N g' H^-1 g, with H the Hessian of the
   * mean objective and N customers), is below {@value #SE_TOLERANCE_SQUARED}: the estimate is within
   * 0.001 standard errors of the optimum, far inside its sampling error.
   */
  private static boolean withinRoundOff(Objective f, double[] theta, double[] g) {
    try {
      double[] step = new CholeskyDecomposition(hessian(f, theta)).getSolver()
          .solve(new ArrayRealVector(g)).toArray();
      double decrement = 0;
      for (int i = 0; i < g.length; i++) {
        decrement += g[i] * step[i];
      }
      return decrement * f.problem.customers() <= SE_TOLERANCE_SQUARED;
    } catch (NonPositiveDefiniteMatrixException e) {
      return false;
    }
  }

  /**
   * A damped Newton step from {@code theta} (objective {@code f0}, gradient {@code g}), or null when
   * the Hessian is not positive definite or no step helps.
   */
  private static double[] newtonStep(Objective f, double[] theta, double f0, double[] g) {
    double[] direction;
    try {
      direction = new CholeskyDecomposition(hessian(f, theta)).getSolver()
          .solve(new ArrayRealVector(g)).mapMultiply(-1).toArray();
    } catch (NonPositiveDefiniteMatrixException e) {
      return null;
    }
    for (double lambda = 1; lambda > 1e-6; lambda /= 2) {
      double[] candidate = theta.clone();
      for (int i = 0; i < candidate.length; i++) {
        candidate[i] += lambda * direction[i];
      }
      if (f.value(candidate) <= f0) {
        return candidate;
      }
    }
    return null;
  }

  /** The covariance of the log-parameters: the inverse Hessian of the total penalised objective. */
  private static double[][] logCovariance(Objective f, double[] theta, double[] params,
      Problem problem) {
    RealMatrix h = hessian(f, theta).scalarMultiply(problem.customers());
    RealMatrix covariance;
    try {
      covariance = new CholeskyDecomposition(h).getSolver().getInverse();
    } catch (NonPositiveDefiniteMatrixException e) {
      throw new ModelIdentificationException(problem.modelName() + ": the Hessian of the "
          + "negative log-likelihood is not positive definite at " + Arrays.toString(params)
          + ", so the data do not identify the parameters; a small l2 penalty may help",
          new ModelIdentificationException.EndPoint(params, problem.logLikelihood().value(params, null)));
    }
    return covariance.getData();
  }

  /**
   * Symmetrised central-difference Hessian of the mean penalised objective in theta. Its 2n
   * gradient evaluations are independent and run in parallel (the common fork-join pool): on large
   * data they dominate the fit, and each is a pure function of theta.
   */
  private static RealMatrix hessian(Objective f, double[] theta) {
    if (f.hessianTheta != null && Arrays.equals(f.hessianTheta, theta)) {
      return f.hessian.copy();
    }
    int n = theta.length;
    double[][] gradients = new double[2 * n][];
    IntStream.range(0, 2 * n).parallel().forEach(k -> {
      double[] point = theta.clone();
      point[k / 2] += (k % 2 == 0 ? 1 : -1) * HESSIAN_STEP;
      gradients[k] = f.gradient(point);
    });
    double[][] h = new double[n][n];
    for (int i = 0; i < n; i++) {
      double[] gu = gradients[2 * i];
      double[] gd = gradients[2 * i + 1];
      for (int j = 0; j < n; j++) {
        h[i][j] = (gu[j] - gd[j]) / (2 * HESSIAN_STEP);
      }
    }
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < i; j++) {
        double mean = (h[i][j] + h[j][i]) / 2;
        h[i][j] = mean;
        h[j][i] = mean;
      }
    }
    f.hessianTheta = theta.clone();
    f.hessian = new Array2DRowRealMatrix(h, false);
    return f.hessian.copy();
  }

  private static double[] exp(double[] theta) {
    double[] p = new double[theta.length];
    for (int i = 0; i < p.length; i++) {
      p[i] = Math.exp(theta[i]);
    }
    return p;
  }

  private static double maxAbs(double[] v) {
    double m = 0;
    for (double d : v) {
      m = Double.isNaN(d) ? Double.NaN : Math.max(m, Math.abs(d));
      if (Double.isNaN(m)) {
        return m;
      }
    }
    return m;
  }

  /** Mean penalised negative log-likelihood in log-parameters, with its gradient. */
  private static final class Objective implements BreezeLbfgs.Objective {
    private final Problem problem;
    private final double penalty;
    /**
     * The last Hessian and where it was taken: a fit that ends where its last Newton step or
     * round-off test took the Hessian reuses it for the standard errors (2n gradient passes).
     */
    private double[] hessianTheta;
    private RealMatrix hessian;

    Objective(Problem problem, double penalty) {
      this.problem = problem;
      this.penalty = penalty;
    }

    @Override
    public double value(double[] theta) {
      double[] p = exp(theta);
      double ll;
      try {
        ll = problem.logLikelihood().value(p, null);
      } catch (ArithmeticException e) {
        return INVALID; // e.g. a hypergeometric series that cannot converge this far out
      }
      double v = -ll / problem.customers() + penalty(p);
      return Double.isFinite(v) ? v : INVALID;
    }

    /** With an analytic gradient, one pass over the rows gives the log-likelihood and its gradient. */
    @Override
    public double valueAndGradient(double[] theta, double[] grad) {
      if (!problem.analyticGradient()) {
        return BreezeLbfgs.Objective.super.valueAndGradient(theta, grad);
      }
      double[] p = exp(theta);
      Arrays.fill(grad, 0);
      double ll = problem.logLikelihood().value(p, grad);
      for (int i = 0; i < grad.length; i++) {
        grad[i] = -grad[i] * p[i] / problem.customers() + 2 * penalty * p[i] * p[i];
      }
      double v = -ll / problem.customers() + penalty(p);
      return Double.isFinite(v) ? v : INVALID;
    }

    @Override
    public double[] gradient(double[] theta) {
      int n = theta.length;
      double[] g = new double[n];
      if (problem.analyticGradient()) {
        valueAndGradient(theta, g);
        return g;
      }
      IntStream.range(0, n).parallel().forEach(i -> { // independent, pure evaluations
        double[] up = theta.clone();
        double[] down = theta.clone();
        up[i] += GRADIENT_STEP;
        down[i] -= GRADIENT_STEP;
        g[i] = (value(up) - value(down)) / (2 * GRADIENT_STEP);
      });
      return g;
    }

    private double penalty(double[] p) {
      double s = 0;
      for (double v : p) {
        s += v * v;
      }
      return penalty * s;
    }
  }

  private record Attempt(double[] theta, int iterations, String failure) {
    static Attempt failed(String why) {
      return new Attempt(null, 0, why);
    }
  }
}
