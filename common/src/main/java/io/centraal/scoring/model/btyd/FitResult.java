package io.centraal.scoring.model.btyd;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A fitted model as it is recorded in {@code model_runs}: parameters with standard errors (from the
 * inverse Hessian of the penalised negative log-likelihood at the optimum), the unpenalised
 * log-likelihood, optimiser diagnostics and the data size.
 *
 * @param modelName {@link BgNbdModel#NAME}, {@link ParetoNbdModel#NAME},
 *     {@link ModifiedBgNbdModel#NAME} or {@link GammaGammaModel#NAME}
 * @param paramNames parameter names in model order, e.g. r, alpha, a, b
 * @param params natural-scale parameter values, same order
 * @param standardErrors asymptotic standard errors, same order
 * @param logLikelihood total log-likelihood over all customers, without the penalty
 * @param iterations optimiser iterations of the winning start, including Newton polishing steps
 * @param converged whether the gradient test passed (fits that fail it throw instead)
 * @param customers number of customers the model was fitted on
 * @param distinctRows number of distinct summary rows the likelihood was evaluated on
 * @param timeUnit unit of recency and T (or of spend for Gamma-Gamma), as supplied by the caller
 * @param l2Penalty the penalty coefficient used
 * @param logCovariance the asymptotic covariance of the log-parameters (the inverse Hessian of the
 *     total penalised negative log-likelihood in log(params), where the optimiser works), same
 *     order; null when the fit has none (a fallback, or a point where the optimiser stopped). It is
 *     what {@link ParameterUncertainty} samples for prediction intervals.
 */
public record FitResult(String modelName, List<String> paramNames, double[] params,
    double[] standardErrors, double logLikelihood, int iterations, boolean converged,
    long customers, int distinctRows, String timeUnit, double l2Penalty, double[][] logCovariance)
    implements Serializable {

  private static final long serialVersionUID = 1L;
  private static final ObjectMapper JSON = new ObjectMapper();

  public FitResult {
    paramNames = List.copyOf(paramNames);
    params = params.clone();
    standardErrors = standardErrors.clone();
    if (params.length != paramNames.size() || standardErrors.length != paramNames.size()) {
      throw new IllegalArgumentException("paramNames, params and standardErrors differ in length");
    }
    if (logCovariance != null) {
      logCovariance = copy(logCovariance);
      for (double[] row : logCovariance) {
        if (logCovariance.length != params.length || row.length != params.length) {
          throw new IllegalArgumentException("logCovariance must be " + params.length + " x " + params.length);
        }
      }
    }
  }

  /** A fit without a covariance of its parameters (no prediction intervals). */
  public FitResult(String modelName, List<String> paramNames, double[] params, double[] standardErrors,
      double logLikelihood, int iterations, boolean converged, long customers, int distinctRows, String timeUnit,
      double l2Penalty) {
    this(modelName, paramNames, params, standardErrors, logLikelihood, iterations, converged, customers,
        distinctRows, timeUnit, l2Penalty, null);
  }

  @Override
  public double[][] logCovariance() {
    return logCovariance == null ? null : copy(logCovariance);
  }

  /** Whether the fit has a parameter covariance to sample intervals from. */
  public boolean hasCovariance() {
    return logCovariance != null;
  }

  /** The same fit at other parameter values (a draw of {@link ParameterUncertainty}); no covariance. */
  public FitResult withParams(double[] values) {
    return new FitResult(modelName, paramNames, values, standardErrors, logLikelihood, iterations, converged,
        customers, distinctRows, timeUnit, l2Penalty, null);
  }

  private static double[][] copy(double[][] m) {
    double[][] c = new double[m.length][];
    for (int i = 0; i < m.length; i++) {
      c[i] = m[i].clone();
    }
    return c;
  }

  @Override
  public double[] params() {
    return params.clone();
  }

  @Override
  public double[] standardErrors() {
    return standardErrors.clone();
  }

  /** The parameter called {@code name}; throws if the model has no such parameter. */
  public double param(String name) {
    return params[indexOf(name)];
  }

  /** The standard error of the parameter called {@code name}. */
  public double standardError(String name) {
    return standardErrors[indexOf(name)];
  }

  private int indexOf(String name) {
    int i = paramNames.indexOf(name);
    if (i < 0) {
      throw new IllegalArgumentException(
          modelName + " has no parameter '" + name + "'; it has " + paramNames);
    }
    return i;
  }

  /**
   * One JSON object: {@code model, time_unit, params {name: value}, standard_errors {name: value},
   * log_likelihood, iterations, converged, customers, distinct_rows, l2_penalty[, log_covariance]}
   * (the covariance as an array of rows, in parameter order). Non-finite
   * numbers are written as null.
   */
  public String toJson() {
    ObjectNode root = JSON.createObjectNode();
    root.put("model", modelName);
    root.put("time_unit", timeUnit);
    ObjectNode p = root.putObject("params");
    ObjectNode se = root.putObject("standard_errors");
    for (int i = 0; i < params.length; i++) {
      putNumber(p, paramNames.get(i), params[i]);
      putNumber(se, paramNames.get(i), standardErrors[i]);
    }
    putNumber(root, "log_likelihood", logLikelihood);
    root.put("iterations", iterations);
    root.put("converged", converged);
    root.put("customers", customers);
    root.put("distinct_rows", distinctRows);
    putNumber(root, "l2_penalty", l2Penalty);
    if (logCovariance != null) {
      ArrayNode rows = root.putArray("log_covariance");
      for (double[] row : logCovariance) {
        ArrayNode r = rows.addArray();
        for (double v : row) {
          if (Double.isFinite(v)) {
            r.add(v);
          } else {
            r.addNull();
          }
        }
      }
    }
    try {
      return JSON.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise fit result of " + modelName, e);
    }
  }

  /** Reads what {@link #toJson()} wrote (null numbers come back as NaN). */
  public static FitResult fromJson(String json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a fit result JSON: " + e.getOriginalMessage(), e);
    }
    List<String> names = new ArrayList<>();
    root.required("params").fieldNames().forEachRemaining(names::add);
    double[] p = new double[names.size()];
    double[] se = new double[names.size()];
    for (int i = 0; i < p.length; i++) {
      p[i] = number(root.required("params").required(names.get(i)));
      se[i] = number(root.required("standard_errors").required(names.get(i)));
    }
    double[][] covariance = null;
    JsonNode cov = root.get("log_covariance");
    if (cov != null && cov.isArray()) {
      covariance = new double[cov.size()][];
      for (int i = 0; i < covariance.length; i++) {
        covariance[i] = new double[cov.get(i).size()];
        for (int j = 0; j < covariance[i].length; j++) {
          covariance[i][j] = number(cov.get(i).get(j));
        }
      }
    }
    return new FitResult(root.required("model").asText(), names, p, se,
        number(root.required("log_likelihood")), root.required("iterations").asInt(),
        root.required("converged").asBoolean(), root.required("customers").asLong(),
        root.required("distinct_rows").asInt(), root.required("time_unit").asText(),
        number(root.required("l2_penalty")), covariance);
  }

  /** Puts a finite number, or null (JSON has no NaN or infinity); shared by the BTYD JSON writers. */
  static void putNumber(ObjectNode node, String field, double value) {
    if (Double.isFinite(value)) {
      node.put(field, value);
    } else {
      node.putNull(field);
    }
  }

  private static double number(JsonNode node) {
    return node.isNull() ? Double.NaN : node.asDouble();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FitResult f && modelName.equals(f.modelName)
        && paramNames.equals(f.paramNames) && Arrays.equals(params, f.params)
        && Arrays.equals(standardErrors, f.standardErrors)
        && Double.compare(logLikelihood, f.logLikelihood) == 0 && iterations == f.iterations
        && converged == f.converged && customers == f.customers && distinctRows == f.distinctRows
        && timeUnit.equals(f.timeUnit) && Double.compare(l2Penalty, f.l2Penalty) == 0
        && Arrays.deepEquals(logCovariance, f.logCovariance);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * modelName.hashCode() + Arrays.hashCode(params)) + Double.hashCode(logLikelihood);
  }

  @Override
  public String toString() {
    return toJson();
  }
}
