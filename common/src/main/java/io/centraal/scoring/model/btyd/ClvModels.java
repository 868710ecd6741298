package io.centraal.scoring.model.btyd;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The models a run's CLV comes from: the chosen transaction model ({@link TransactionModelSelection})
 * and spend model ({@link SpendModelSelection}), every candidate's outcome, and what a user must be
 * told when one of them could not be trusted.
 *
 * <p>Per-customer consequence ({@link #clvStatus()}, the {@code clv_status} column): {@code modelled}
 * (both models trusted), {@code spend_fallback} (CLV uses the shrunk mean spend),
 * {@code not_identified} (no trusted transaction model: p_alive, expected purchases and CLV null),
 * {@code spend_not_identified} (no spend data: CLV null); customers without a purchase are
 * {@code no_purchase} whatever the models.
 */
public record ClvModels(TransactionModelSelection.Selection transactions, SpendModelSelection.Selection spend) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public static final String MODELLED = "modelled";
  public static final String SPEND_FALLBACK = "spend_fallback";
  public static final String NOT_IDENTIFIED = "not_identified";
  public static final String SPEND_NOT_IDENTIFIED = "spend_not_identified";
  public static final String NO_PURCHASE = "no_purchase";

  /** Fits and chooses both models on the collected summaries. */
  public static ClvModels select(BtydModels.Summaries summaries, FitOptions options, TransactionModelChoice choice) {
    return new ClvModels(TransactionModelSelection.select(summaries.transactions(), options, choice),
        SpendModelSelection.select(summaries.spend(), options));
  }

  public Optional<FitResult> transactionModel() {
    return transactions.chosen();
  }

  public Optional<FitResult> spendModel() {
    return spend.chosen();
  }

  /** The clv_status of a customer with a purchase. */
  public String clvStatus() {
    if (transactions.chosen().isEmpty()) {
      return NOT_IDENTIFIED;
    }
    if (spend.chosen().isEmpty()) {
      return SPEND_NOT_IDENTIFIED;
    }
    return spend.fallback() ? SPEND_FALLBACK : MODELLED;
  }

  /** Why this run's CLV is less than fully modelled; empty when both models were trusted. */
  public List<String> warnings() {
    List<String> out = new ArrayList<>();
    if (transactions.chosen().isEmpty()) {
      out.add("CLV not computed (p_alive, expected purchases and clv null, clv_status = not_identified): "
          + transactions.reason());
    }
    if (spend.chosen().isEmpty()) {
      out.add("spend not modelled (expected_avg_spend and clv null): " + spend.reason());
    } else if (spend.fallback()) {
      out.add("spend model fell back to the shrunk mean (clv_status = spend_fallback): " + spend.reason());
    }
    return out;
  }

  /** e.g. {@code nbd+gamma_gamma}, or {@code none+shrunk_mean}. */
  public String version() {
    return transactions.chosen().map(FitResult::modelName).orElse("none") + "+"
        + spend.chosen().map(FitResult::modelName).orElse("none");
  }

  /** One line per candidate, for the run's output. */
  public List<String> table() {
    List<String> lines = new ArrayList<>();
    lines.add(String.format(Locale.ROOT, "%-12s %-22s %14s %14s  %s", "model", "status", "log-lik", "BIC", "note"));
    for (TransactionModelSelection.Candidate c : transactions.candidates()) {
      boolean chosen = transactions.chosen().map(f -> f.modelName().equals(c.kind().modelName())).orElse(false);
      lines.add(String.format(Locale.ROOT, "%-12s %-22s %14s %14s  %s", c.kind().modelName() + (chosen ? " *" : ""),
          c.status().label(), number(c.logLikelihood()), number(c.bic()), c.note()));
    }
    String spendName = spend.chosen().map(FitResult::modelName).orElse("none");
    lines.add(String.format(Locale.ROOT, "%-12s %-22s %14s %14s  %s", "gamma_gamma" + (spendName.equals(
        GammaGammaModel.NAME) ? " *" : ""), spend.gammaGammaStatus().label(),
        number(spend.gammaGamma().map(FitResult::logLikelihood).orElse(Double.NaN)), "",
        spend.gammaGammaNote()));
    if (spend.fallback()) {
      lines.add(String.format(Locale.ROOT, "%-12s %-22s %14s %14s  %s", ShrunkMeanSpendModel.NAME + " *", "fallback",
          "", "", spend.reason()));
    }
    return lines;
  }

  private static String number(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.2f", v) : "-";
  }

  /**
   * The {@code clv_model_choice} object for {@code model_runs.metrics_json}: mode, criterion,
   * chosen models, reasons, every candidate (model, status, params, log_likelihood, bic,
   * delta_bic, chosen, note), the spend choice with the frequency-spend correlation, clv_status and
   * warnings.
   */
  public String toJson() {
    ObjectNode root = JSON.createObjectNode();
    root.put("mode", transactions.choice().auto() ? "auto" : "configured");
    root.put("criterion", "bic = -2 log_likelihood + k ln(customers), converged candidates only");
    root.put("customers", transactions.customers());
    root.put("transaction_model", transactions.chosen().map(FitResult::modelName).orElse(null));
    root.put("reason", transactions.reason());
    root.put("limit_model_used", transactions.limitUsed());
    double bestBic = transactions.chosen().flatMap(f -> transactions.candidate(
        TransactionModelKind.ofModelName(f.modelName()))).map(TransactionModelSelection.Candidate::bic)
        .orElse(Double.NaN);
    ArrayNode candidates = root.putArray("candidates");
    for (TransactionModelSelection.Candidate c : transactions.candidates()) {
      ObjectNode n = candidates.addObject();
      n.put("model", c.kind().modelName());
      n.put("status", c.status().label());
      n.put("parameters", c.kind().parameters());
      ObjectNode params = n.putObject("params");
      c.namedParams().forEach((k, v) -> FitResult.putNumber(params, k, v));
      c.fit().ifPresent(f -> {
        ObjectNode se = n.putObject("standard_errors");
        for (int i = 0; i < f.paramNames().size(); i++) {
          FitResult.putNumber(se, f.paramNames().get(i), f.standardErrors()[i]);
        }
      });
      FitResult.putNumber(n, "log_likelihood", c.logLikelihood());
      FitResult.putNumber(n, "bic", c.bic());
      FitResult.putNumber(n, "delta_bic", c.bic() - bestBic);
      n.put("chosen", transactions.chosen().map(f -> f.modelName().equals(c.kind().modelName())).orElse(false));
      n.put("note", c.note());
    }
    ObjectNode s = root.putObject("spend");
    s.put("spend_model", spend.chosen().map(FitResult::modelName).orElse(null));
    s.put("gamma_gamma_status", spend.gammaGammaStatus().label());
    s.put("gamma_gamma_note", spend.gammaGammaNote());
    spend.gammaGamma().ifPresent(f -> s.set("gamma_gamma", tree(f.toJson())));
    spend.chosen().filter(f -> spend.fallback()).ifPresent(f -> s.set("fallback_model", tree(f.toJson())));
    s.put("fallback", spend.fallback());
    s.put("reason", spend.reason());
    s.put("repeat_buyers", spend.repeatBuyers());
    FitResult.putNumber(s, "frequency_spend_correlation", spend.frequencySpendCorrelation());
    root.put("clv_status", clvStatus());
    ArrayNode warnings = root.putArray("warnings");
    warnings().forEach(warnings::add);
    return write(root);
  }

  private static JsonNode tree(String json) {
    try {
      return JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String write(JsonNode node) {
    try {
      return JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

}
