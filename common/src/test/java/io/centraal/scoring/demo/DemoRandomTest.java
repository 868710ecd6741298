package io.centraal.scoring.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The building blocks: a stable RNG, correct distributions, bijective permutations, formats. */
class DemoRandomTest {

  @Test
  void streamsAreStableAndIndependent() {
    // Pinned: a change to the generator algorithm changes every demo data set, so it must be deliberate.
    assertEquals(DemoRandom.forStream(42, 7, 1).nextLong(), DemoRandom.forStream(42, 7, 1).nextLong());
    assertNotEquals(DemoRandom.forStream(42, 7, 1).nextLong(), DemoRandom.forStream(42, 7, 2).nextLong());
    assertNotEquals(DemoRandom.forStream(42, 7, 1).nextLong(), DemoRandom.forStream(42, 8, 1).nextLong());
    assertNotEquals(DemoRandom.forStream(42, 7, 1).nextLong(), DemoRandom.forStream(43, 7, 1).nextLong());
  }

  @Test
  void distributionsHaveTheirMoments() {
    DemoRandom rnd = DemoRandom.forStream(1, 2, 3);
    int n = 200_000;
    double[] shapes = {0.4, 6.0};
    for (double shape : shapes) {
      double sum = 0.0;
      double sumSq = 0.0;
      for (int i = 0; i < n; i++) {
        double x = rnd.gamma(shape, 2.0);
        sum += x;
        sumSq += x * x;
      }
      double mean = sum / n;
      double variance = sumSq / n - mean * mean;
      assertEquals(shape / 2.0, mean, 4 * Math.sqrt(shape / 4.0 / n), "gamma mean, shape " + shape);
      assertEquals(shape / 4.0, variance, 0.05 * shape / 4.0, "gamma variance, shape " + shape);
    }
    double beta = 0.0;
    double poisson = 0.0;
    double geometric = 0.0;
    for (int i = 0; i < n; i++) {
      beta += rnd.beta(1.2, 6.0);
      poisson += rnd.poisson(37.5);
      geometric += rnd.geometric(3.0);
    }
    assertEquals(1.2 / 7.2, beta / n, 0.002);
    assertEquals(37.5, poisson / n, 0.06);
    assertEquals(3.0, geometric / n, 0.04);
  }

  @Test
  void permutationIsABijectionWithItsInverse() {
    for (long n : new long[] {1, 2, 3, 17, 1000, 4097}) {
      IdPermutation perm = new IdPermutation(n, 99);
      Set<Long> images = new HashSet<>();
      for (long x = 0; x < n; x++) {
        long y = perm.forward(x);
        assertTrue(y >= 0 && y < n);
        assertEquals(x, perm.inverse(y));
        images.add(y);
      }
      assertEquals(n, images.size());
    }
  }

  @Test
  void formats() {
    assertEquals("L00000042", DemoFormats.ref('L', 42));
    assertEquals("U123456789", DemoFormats.ref('U', 123_456_789));
    assertEquals("2024-02-29 23:59:59", DemoFormats.csvTimestamp(1_709_251_199L));
    assertEquals("2024-02-29T23:59:59Z", DemoFormats.isoTimestamp(1_709_251_199L));
    assertEquals("12.30", DemoFormats.amount(1230));
    assertEquals("-0.05", DemoFormats.amount(-5));
    assertEquals("S001", DemoFormats.storeId(0));
    assertEquals("P000010", DemoFormats.productId(9));
    String id = DemoFormats.opaqueId("ev-", 5, DemoFormats.TAG_EVENT, 3, 4);
    assertTrue(id.matches("ev-[0-9a-f]{16}"), id);
    assertNotEquals(id, DemoFormats.opaqueId("ev-", 5, DemoFormats.TAG_EVENT, 3, 5));
  }
}
