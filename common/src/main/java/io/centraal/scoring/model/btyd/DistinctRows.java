package io.centraal.scoring.model.btyd;

import java.util.Arrays;
import java.util.List;
import java.util.function.IntBinaryOperator;

/** Grouping and sorting of parallel columns, for the distinct-row summaries. */
final class DistinctRows {
  private DistinctRows() {}

  /**
   * The distinct rows of the parallel {@code columns}, sorted ({@link #sorted}), followed by one
   * more column with how often each occurs.
   */
  static double[][] count(double[]... columns) {
    double[] ones = new double[columns[0].length];
    Arrays.fill(ones, 1);
    return sorted(collapse(ones, columns));
  }

  /**
   * Merges parts from {@link #count} (each sorted, last column the count) into the sorted distinct
   * rows with summed counts. The concatenation is a few sorted runs, which the merge sort passes
   * through with one comparison per block, and equal rows end up adjacent.
   */
  static double[][] mergeCounts(List<double[][]> parts, int width) {
    double[][] all = sorted(concat(parts, width));
    int keys = width - 1;
    int n = all[0].length;
    int rows = 0;
    for (int i = 0; i < n; i++) {
      if (rows > 0 && sameKeys(all, rows - 1, all, i, keys)) {
        all[keys][rows - 1] += all[keys][i];
        continue;
      }
      for (int c = 0; c < width; c++) {
        all[c][rows] = all[c][i];
      }
      rows++;
    }
    for (int c = 0; c < width; c++) {
      all[c] = Arrays.copyOf(all[c], rows);
    }
    return all;
  }

  /**
   * The distinct rows of the parallel {@code keys}, in order of first occurrence, followed by one
   * more column with the sum of {@code weights} over each row's occurrences. Merging
   * already-collapsed parts (e.g. one per Spark partition) is collapsing their concatenation with
   * the counts as weights. Rows are equal when every key has the same bits (as
   * {@link Double#equals}). An open-addressing table of row numbers: one probe or two per row, no
   * boxing, which on a million customers is an order of magnitude faster than sorting them.
   */
  private static double[][] collapse(double[] weights, double[]... keys) {
    int n = weights.length;
    for (double[] key : keys) {
      if (key.length != n) {
        throw new IllegalArgumentException("summary columns differ in length: " + key.length + " vs " + n);
      }
    }
    int capacity = Integer.highestOneBit(Math.max(n, 1)) * 4; // load factor at most 1/2
    int[] table = new int[capacity];
    Arrays.fill(table, -1);
    double[][] out = new double[keys.length + 1][n];
    double[] counts = out[keys.length];
    int rows = 0;
    for (int i = 0; i < n; i++) {
      long hash = 17;
      for (double[] key : keys) {
        hash = hash * 0x9E3779B97F4A7C15L + Double.doubleToLongBits(key[i]);
      }
      int slot = (int) (hash ^ (hash >>> 29) ^ (hash >>> 47)) & (capacity - 1);
      while (true) {
        int row = table[slot];
        if (row < 0) {
          table[slot] = rows;
          for (int c = 0; c < keys.length; c++) {
            out[c][rows] = keys[c][i];
          }
          counts[rows++] = weights[i];
          break;
        }
        if (sameKeys(out, row, keys, i, keys.length)) {
          counts[row] += weights[i];
          break;
        }
        slot = (slot + 1) & (capacity - 1);
      }
    }
    for (int c = 0; c < out.length; c++) {
      out[c] = Arrays.copyOf(out[c], rows);
    }
    return out;
  }

  /** Whether row i of {@code a} and row j of {@code b} have the same bits in the first {@code width} columns. */
  private static boolean sameKeys(double[][] a, int i, double[][] b, int j, int width) {
    for (int c = 0; c < width; c++) {
      if (Double.doubleToLongBits(a[c][i]) != Double.doubleToLongBits(b[c][j])) {
        return false;
      }
    }
    return true;
  }

  /** Concatenates parallel column sets with the same number of columns. */
  private static double[][] concat(List<double[][]> parts, int width) {
    int n = parts.stream().mapToInt(p -> p[0].length).sum();
    double[][] out = new double[width][n];
    int at = 0;
    for (double[][] part : parts) {
      for (int c = 0; c < width; c++) {
        System.arraycopy(part[c], 0, out[c], at, part[c].length);
      }
      at += part[0].length;
    }
    return out;
  }

  /** Copies of the parallel {@code columns}, rows sorted by the first column, then the second... */
  static double[][] sorted(double[]... columns) {
    int n = columns[0].length;
    for (double[] column : columns) {
      if (column.length != n) {
        throw new IllegalArgumentException("summary columns differ in length: "
            + Arrays.toString(Arrays.stream(columns).mapToInt(c -> c.length).toArray()));
      }
    }
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    IntBinaryOperator byColumns = (i, j) -> {
      for (double[] column : columns) {
        int c = Double.compare(column[i], column[j]);
        if (c != 0) {
          return c;
        }
      }
      return 0;
    };
    mergeSort(order, byColumns);
    double[][] out = new double[columns.length][n];
    for (int c = 0; c < columns.length; c++) {
      for (int i = 0; i < n; i++) {
        out[c][i] = columns[c][order[i]];
      }
    }
    return out;
  }

  /**
   * Stable bottom-up merge sort of {@code order} by {@code compare}. Why not Arrays.sort: sorting
   * an Integer[] with a comparator boxes every index and, on the hundreds of thousands of distinct
   * rows of a large summary, took longer than the fit itself.
   */
  static void mergeSort(int[] order, IntBinaryOperator compare) {
    int n = order.length;
    int[] from = order;
    int[] to = new int[n];
    for (int width = 1; width < n; width *= 2) {
      for (int lo = 0; lo < n; lo += 2 * width) {
        int mid = Math.min(lo + width, n);
        int hi = Math.min(lo + 2 * width, n);
        int i = lo;
        int j = mid;
        int k = lo;
        if (mid >= hi || compare.applyAsInt(from[mid - 1], from[mid]) <= 0) {
          System.arraycopy(from, lo, to, lo, hi - lo); // already in order
          continue;
        }
        while (i < mid && j < hi) {
          to[k++] = compare.applyAsInt(from[i], from[j]) <= 0 ? from[i++] : from[j++];
        }
        while (i < mid) {
          to[k++] = from[i++];
        }
        while (j < hi) {
          to[k++] = from[j++];
        }
      }
      int[] swap = from;
      from = to;
      to = swap;
    }
    if (from != order) {
      System.arraycopy(from, 0, order, 0, n);
    }
  }
}
