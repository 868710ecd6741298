package io.centraal.scoring.demo;

import java.io.Serializable;

/**
 * A keyed bijection of [0, n) onto itself: a 4-round Feistel network on the smallest even number
 * of bits that covers n, with cycle-walking to stay inside the range.
 *
 * <p>It lets every executor answer "who is the k-th planted influencer" or "which card number does
 * person i carry" from the id alone, with no global collect, and keeps numbers unique.
 */
final class IdPermutation implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final int ROUNDS = 4;

  private final long n;
  private final int halfBits;
  private final long mask;
  private final long[] keys = new long[ROUNDS];

  IdPermutation(long n, long key) {
    if (n <= 0) {
      throw new IllegalArgumentException("permutation range must be positive, got " + n);
    }
    this.n = n;
    int bits = 64 - Long.numberOfLeadingZeros(Math.max(1L, n - 1));
    this.halfBits = Math.max(1, (bits + 1) / 2);
    this.mask = (1L << halfBits) - 1;
    for (int k = 0; k < ROUNDS; k++) {
      keys[k] = DemoRandom.mix64(key + 0x632BE59BD9B4E019L * (k + 1));
    }
  }

  long size() {
    return n;
  }

  /** The image of x, for x in [0, n). */
  long forward(long x) {
    check(x);
    long y = x;
    do {
      y = encrypt(y);
    } while (y >= n);
    return y;
  }

  /** The x with forward(x) == y, for y in [0, n). */
  long inverse(long y) {
    check(y);
    long x = y;
    do {
      x = decrypt(x);
    } while (x >= n);
    return x;
  }

  private void check(long x) {
    if (x < 0 || x >= n) {
      throw new IllegalArgumentException("value " + x + " outside [0, " + n + ")");
    }
  }

  private long encrypt(long x) {
    long left = x >>> halfBits;
    long right = x & mask;
    for (int k = 0; k < ROUNDS; k++) {
      long next = left ^ (DemoRandom.mix64(right ^ keys[k]) & mask);
      left = right;
      right = next;
    }
    return (left << halfBits) | right;
  }

  private long decrypt(long y) {
    long left = y >>> halfBits;
    long right = y & mask;
    for (int k = ROUNDS - 1; k >= 0; k--) {
      long previousLeft = right ^ (DemoRandom.mix64(left ^ keys[k]) & mask);
      right = left;
      left = previousLeft;
    }
    return (left << halfBits) | right;
  }
}
