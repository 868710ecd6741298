package io.centraal.scoring.model.btyd;

import java.util.stream.IntStream;

/**
 * Sums a log-likelihood (and its gradient) over distinct rows in fixed-size chunks, the chunks in
 * parallel on the common fork-join pool. On millions of customers the distinct rows number in the
 * hundreds of thousands and the fit's cost is these sums; on published data sets (a few thousand
 * rows) there is a single chunk and the sum is the plain sequential one. Chunk boundaries depend on
 * the row count only and the chunk results are added in chunk order, so the result does not depend
 * on the number of cores or on scheduling.
 */
final class ChunkedSum {
  private ChunkedSum() {}

  /** Rows per chunk: large enough that a chunk's work (~1 ms) dwarfs the task overhead. */
  static final int CHUNK_ROWS = 1 << 15;

  /** The sum over rows [from, to); adds the gradient of that sum to {@code grad} when not null. */
  interface RowRange {
    double value(int from, int to, double[] grad);
  }

  static double sum(int rows, RowRange range, double[] grad) {
    if (rows <= CHUNK_ROWS) {
      return range.value(0, rows, grad);
    }
    int chunks = (rows + CHUNK_ROWS - 1) / CHUNK_ROWS;
    double[] values = new double[chunks];
    double[][] grads = new double[chunks][];
    IntStream.range(0, chunks).parallel().forEach(c -> {
      double[] g = grad == null ? null : new double[grad.length];
      values[c] = range.value(c * CHUNK_ROWS, Math.min(rows, (c + 1) * CHUNK_ROWS), g);
      grads[c] = g;
    });
    double total = 0;
    for (int c = 0; c < chunks; c++) {
      total += values[c];
      if (grad != null) {
        for (int i = 0; i < grad.length; i++) {
          grad[i] += grads[c][i];
        }
      }
    }
    return total;
  }
}
