package io.centraal.scoring.model.btyd;

import static io.centraal.scoring.model.btyd.BgNbdModelTest.assertRelative;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Heavy buyers, brand-new customers and awkward parameters. Reference values were computed with
 * mpmath 1.3.0 at 50 significant digits from the textbook formulas (FHL 2005 eq. 10 and the
 * P(alive) of note 021 for the BG/NBD; note 008 eq. (1)-(3), (11), (22) for the Pareto/NBD), with
 * mpmath's own hyp2f1, i.e. independently of this code.
 */
class BtydStabilityTest {
  private static final BgNbdModel BG = new BgNbdModel(0.2426, 4.4137, 0.7930, 2.4262);
  private static final ParetoNbdModel PNBD = new ParetoNbdModel(0.553, 10.578, 0.606, 11.669);

  @Test
  void heavyBuyerBgNbd() {
    assertRelative(427.94206142324974095, BG.conditionalExpectedPurchases(52, 500, 38.8, 38.86),
        1e-10);
    assertRelative(428.61903883404141529, BG.conditionalExpectedPurchases(52, 500, 38.86, 38.86),
        1e-10);
    assertRelative(0.99684406361993500158, BG.probabilityAlive(500, 38.8, 38.86), 1e-12);
    assertRelative(2.7887694383209200898e-122, BG.probabilityAlive(500, 20, 38.86), 1e-9);
    assertRelative(716.71900988664138902, BG.logLikelihood(500, 38.8, 38.86), 1e-12);
    assertRelative(996.60562986806187185, BG.logLikelihood(500, 20, 38.86), 1e-12);
  }

  @Test
  void heavyBuyerParetoNbd() {
    assertRelative(655.9778955948554233, PNBD.logLikelihood(500, 38.8, 38.86), 1e-12);
    assertRelative(0.99900975319781508811, PNBD.probabilityAlive(500, 38.8, 38.86), 1e-12);
    assertRelative(417.09139933817357277, PNBD.conditionalExpectedPurchases(52, 500, 38.8, 38.86),
        1e-10);
    assertRelative(889.99225167788130437, PNBD.logLikelihood(500, 20, 38.86), 1e-12);
    assertRelative(2.3357491270261802175e-102, PNBD.probabilityAlive(500, 20, 38.86), 1e-8);
  }

  @Test
  void brandNewCustomers() {
    assertRelative(1.4440084122217326321, BG.conditionalExpectedPurchases(52, 0, 0, 1e-6), 1e-10);
    assertRelative(4.5934605418180676269, BG.conditionalExpectedPurchases(52, 1, 1e-7, 1e-6), 1e-10);
    assertRelative(0.75366545991742987126, BG.probabilityAlive(1, 1e-7, 1e-6), 1e-12);
    assertRelative(-2.9010548415492758283, BG.logLikelihood(1, 1e-7, 1e-6), 1e-12);
    assertRelative(2.1239525552103147684e-7, BG.conditionalExpectedPurchases(1e-6, 3, 2, 5), 1e-8);
    assertRelative(1.4729966305424752965, PNBD.conditionalExpectedPurchases(52, 0, 0, 1e-6), 1e-10);
    assertRelative(4.136643361866806468, PNBD.conditionalExpectedPurchases(52, 1, 1e-7, 1e-6),
        1e-10);
    assertRelative(-2.951173802110970004, PNBD.logLikelihood(1, 1e-7, 1e-6), 1e-12);
  }

  @Test
  void longHorizonOnShortHistory() {
    assertRelative(16.507123413594036315, BG.conditionalExpectedPurchases(365, 2, 1, 1.5), 1e-10);
  }

  @Test
  void dropoutShapesBelowOneAndNearOne() {
    // a + b < 1 puts the textbook series' c = a+b-1 below zero; the stable form never uses it.
    BgNbdModel uShaped = new BgNbdModel(0.4, 3, 0.3, 0.5);
    assertRelative(1.0176979419775191249, uShaped.conditionalExpectedPurchases(52, 0, 0, 10), 1e-10);
    assertRelative(8.1225852125907280978, uShaped.conditionalExpectedPurchases(52, 3, 8, 10), 1e-10);
    // |a - 1| < 1e-3 takes the reduced-series path.
    BgNbdModel nearOne = new BgNbdModel(0.2426, 4.4137, 1.0005, 2.4262);
    assertRelative(1.3872473522441474988, nearOne.conditionalExpectedPurchases(52, 2, 30.43, 38.86),
        1e-10);
    BgNbdModel atOne = new BgNbdModel(0.2426, 4.4137, 1.0, 2.4262);
    BgNbdModel justAbove = new BgNbdModel(0.2426, 4.4137, 1.001, 2.4262);
    double e1 = atOne.conditionalExpectedPurchases(52, 2, 30.43, 38.86);
    double e2 = justAbove.conditionalExpectedPurchases(52, 2, 30.43, 38.86);
    assertTrue(Math.abs(e1 - e2) / e1 < 1e-3, e1 + " vs " + e2);
  }

  @Test
  void extremeInputsGiveFiniteValues() {
    List<TransactionModel> models = List.of(BG, PNBD,
        new ModifiedBgNbdModel(0.525, 6.183, 0.891, 1.614));
    double[] xs = {0, 1, 500};
    double[] ages = {1e-9, 1e-3, 1e4};
    double[] horizons = {0, 1e-9, 1, 1e4};
    for (TransactionModel m : models) {
      for (double x : xs) {
        for (double age : ages) {
          for (double tx : x == 0 ? new double[] {0} : new double[] {age * 1e-3, age}) {
            double p = m.probabilityAlive(x, tx, age);
            assertTrue(p >= 0 && p <= 1, m.name() + " P(alive) " + p);
            assertTrue(Double.isFinite(m.logLikelihood(x, tx, age)), m.name() + " LL");
            for (double t : horizons) {
              double e = m.conditionalExpectedPurchases(t, x, tx, age);
              assertTrue(Double.isFinite(e) && e >= 0, String.format(
                  "%s E[X(%s) | x=%s, tx=%s, T=%s] = %s", m.name(), t, x, tx, age, e));
            }
          }
        }
      }
      assertTrue(Double.isFinite(m.expectedPurchasesNewCustomer(1e4)));
    }
  }

  @Test
  void heavySpenderGammaGamma() {
    GammaGammaModel gg = new GammaGammaModel(6.25, 3.74, 15.44);
    double spend = gg.conditionalExpectedAverageSpend(500, 35.0);
    assertTrue(Double.isFinite(spend) && spend > 35.0 * 0.99 && spend < 35.0 * 1.01);
    assertTrue(Double.isFinite(gg.logLikelihood(500, 35.0)));
  }

  @Test
  void invalidRowsAreRejectedWithTheirValues() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> BG.probabilityAlive(2, 40, 38.86));
    assertTrue(e.getMessage().contains("recency=40.0"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> BG.conditionalExpectedPurchases(-1, 1, 1, 2));
    assertThrows(IllegalArgumentException.class, () -> PNBD.logLikelihood(0, 3, 10));
    assertThrows(IllegalArgumentException.class, () -> BG.probabilityAlive(Double.NaN, 0, 1));
  }

  @Test
  void tooFewRepeatBuyersIsAnIdentificationError() {
    double[] x = {0, 0, 0, 1, 2, 0, 0, 3};
    double[] tx = {0, 0, 0, 5, 9, 0, 0, 20};
    double[] t = {30, 30, 30, 30, 30, 30, 30, 30};
    TransactionSummary few = TransactionSummary.ofCustomers(x, tx, t);
    FitOptions options = new FitOptions(0, 10, 200, 1e-8, "weeks");
    ModelIdentificationException e = assertThrows(ModelIdentificationException.class,
        () -> BgNbdModel.fit(few, options));
    assertTrue(e.getMessage().contains("3 repeat buyers"), e.getMessage());
    assertThrows(ModelIdentificationException.class, () -> ParetoNbdModel.fit(few, options));
    assertThrows(ModelIdentificationException.class, () -> ModifiedBgNbdModel.fit(few, options));
    assertThrows(ModelIdentificationException.class, () -> GammaGammaModel.fit(
        SpendSummary.ofCustomers(x, new double[] {0, 0, 0, 10, 20, 0, 0, 30}), options));
  }

  @Test
  void dataWithoutDropoutsIsNotIdentified() {
    // Everyone buys right up to the end of the window: nothing tells a, b apart from p = 0, so
    // the likelihood keeps rising towards the boundary; the fit must refuse, not return garbage.
    int n = 200;
    double[] x = new double[n];
    double[] tx = new double[n];
    double[] t = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = 1 + i % 5;
      t[i] = 20 + i % 7;
      tx[i] = t[i];
    }
    assertThrows(ModelIdentificationException.class, () -> BgNbdModel.fit(
        TransactionSummary.ofCustomers(x, tx, t), new FitOptions(0, 10, 200, 1e-8, "weeks")));
  }
}
