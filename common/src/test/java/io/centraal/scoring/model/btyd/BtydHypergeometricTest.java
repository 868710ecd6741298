package io.centraal.scoring.model.btyd;

import static io.centraal.scoring.model.btyd.BgNbdModelTest.assertRelative;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The 2F1 series against mpmath 1.3.0 (hyp2f1 and nsum at 40 significant digits). */
class BtydHypergeometricTest {

  /** The paired series used by the CLV scorer gives the two single series' values. */
  @Test
  void pairedSeriesEqualsTwoSingleSeries() {
    double[][] cases = {{500.2426, 502.4262, 503.4262, 502.2192, 0.6}, {1.2, 0.8, 1.8, 2.5, 0.999},
        {0.5, -0.3, 0.7, 1.7, 0.9}, {2.9, -0.2, 0.8, 3.2, 0.5}, {-3, 0.4, 1.4, 2.1, 0.7},
        {0.3, 0.2, 1.2, 0.05, 0.5}, {1.5, 0.5, 1.5, 2.0, 0}};
    for (double[] c : cases) {
      double[] pair = Hypergeometric.log2F1Pair(c[0], c[1], c[2], c[3], c[4]);
      assertEquals(Hypergeometric.log2F1(c[0], c[1], c[3], c[4]), pair[0],
          1e-14 * Math.max(1, Math.abs(pair[0])), java.util.Arrays.toString(c));
      assertEquals(Hypergeometric.log2F1(c[0], c[2], c[3], c[4]), pair[1],
          1e-14 * Math.max(1, Math.abs(pair[1])), java.util.Arrays.toString(c));
    }
  }

  @Test
  void logSeriesMatchesMpmath() {
    // Terms far beyond the double range (the textbook BG/NBD term for x = 500).
    assertRelative(458.5568406225884203959871,
        Hypergeometric.log2F1(500.2426, 502.4262, 502.2192, 0.6), 1e-14);
    // Slow convergence close to z = 1.
    assertRelative(1.013522745953235730099346, Hypergeometric.log2F1(1.2, 0.8, 2.5, 0.999), 1e-12);
    // Alternating signs from a negative parameter.
    assertRelative(-0.1091486058012270755326091, Hypergeometric.log2F1(0.5, -0.3, 1.7, 0.9), 1e-13);
    // The Pareto/NBD shape 2F1(r+s+x, s+1; r+s+x+1; z) for x = 500.
    assertRelative(4.754065891073080899243471, Hypergeometric.log2F1(501.159, 1.606, 502.159, 0.95),
        1e-13);
    // Small c.
    assertRelative(0.6865957597415918219645948, Hypergeometric.log2F1(0.3, 0.2, 0.05, 0.5), 1e-13);
    assertEquals(0.0, Hypergeometric.log2F1(3, 4, 5, 0));
  }

  @Test
  void reducedTailIsSmoothThroughZero() {
    // (2F1(a, b; c; z) - 1) / b, and its limit sum (a)_k / ((c)_k k) z^k at b = 0.
    assertRelative(0.675484359527886535700179, Hypergeometric.reducedTail(2, 1e-4, 3, 0.7), 1e-13);
    assertRelative(0.6754568771301482525763254, Hypergeometric.reducedTail(2, 0, 3, 0.7), 1e-13);
    assertRelative(-0.4090305121091919887993412, Hypergeometric.reducedTail(-1.5, -0.5, 2.5, 0.7),
        1e-13);
  }

  @Test
  void outsideTheDomainFailsLoudly() {
    assertThrows(ArithmeticException.class, () -> Hypergeometric.log2F1(1, 1, 2, 1.0));
    assertThrows(ArithmeticException.class, () -> Hypergeometric.log2F1(1, 1, -1, 0.5));
    assertThrows(ArithmeticException.class, () -> Hypergeometric.log2F1(1, 1, 2, Double.NaN));
  }
}
