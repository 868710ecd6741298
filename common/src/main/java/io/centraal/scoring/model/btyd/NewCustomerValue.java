package io.centraal.scoring.model.btyd;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a customer acquired today is expected to bring over the horizon, for acquisition budgets: the
 * repeat purchases a new customer makes (E[X(t)] of the transaction model, FHL 2005 eq. 9), their
 * discounted value at the population mean spend per purchase, and the first purchase itself (one
 * purchase at the mean spend, undiscounted: it is made today). Its interval comes from the same
 * parameter draws as the customers' intervals ({@link ParameterUncertainty}).
 *
 * @param expectedRepeatPurchases E[X(horizon)] for a new customer
 * @param repeatValue discounted expected repeat purchases x mean spend per purchase
 * @param firstPurchaseSpend the population mean spend per purchase
 * @param bounds per quantity ("expected_repeat_purchases", "repeat_value"), its lower and upper bound,
 *     or empty without draws
 */
public record NewCustomerValue(double expectedRepeatPurchases, double repeatValue, double firstPurchaseSpend,
                               Map<String, double[]> bounds) {

  /** Value of a new customer under the chosen models; draws (possibly empty) give the bounds. */
  public static NewCustomerValue of(TransactionModel transactions, SpendModel spend, ClvSettings settings,
                                    List<TransactionModel> txDraws, List<SpendModel> spendDraws,
                                    IntervalSettings intervals) {
    double[] point = Clv.newCustomerPurchases(transactions, settings);
    double mean = spend.populationMeanSpend();
    Map<String, double[]> bounds = new LinkedHashMap<>();
    if (!txDraws.isEmpty()) {
      int k = txDraws.size();
      double[] expected = new double[k];
      double[] value = new double[k];
      for (int d = 0; d < k; d++) {
        double[] p = Clv.newCustomerPurchases(txDraws.get(d), settings);
        expected[d] = p[0];
        value[d] = p[1] * (spendDraws.size() == k ? spendDraws.get(d).populationMeanSpend() : mean);
      }
      bounds.put("expected_repeat_purchases", new double[] {ParameterUncertainty.quantile(expected, intervals.lower()),
          ParameterUncertainty.quantile(expected, intervals.upper())});
      bounds.put("repeat_value", new double[] {ParameterUncertainty.quantile(value, intervals.lower()),
          ParameterUncertainty.quantile(value, intervals.upper())});
    }
    return new NewCustomerValue(point[0], point[1] * mean, mean, bounds);
  }

  /** The model_runs metrics: the three values, the horizon and the bounds. */
  public Map<String, Object> toMetrics(ClvSettings settings, IntervalSettings intervals) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("horizon", settings.horizonLabel());
    m.put("expected_repeat_purchases", expectedRepeatPurchases);
    m.put("repeat_value", repeatValue);
    m.put("first_purchase_spend", firstPurchaseSpend);
    m.put("value_with_first_purchase", repeatValue + firstPurchaseSpend);
    if (!bounds.isEmpty()) {
      m.put("lower_quantile", intervals.lower());
      m.put("upper_quantile", intervals.upper());
      bounds.forEach((k, v) -> m.put(k + "_bounds", List.of(v[0], v[1])));
    }
    return m;
  }
}
