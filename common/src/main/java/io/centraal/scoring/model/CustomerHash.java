package io.centraal.scoring.model;

import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.xxhash64;

import org.apache.spark.sql.Column;

/**
 * A seeded hash bucket of the customer key, for splitting customers into training and holdout
 * parts: the same customer lands in the same bucket on every rerun and under any partitioning
 * (unlike {@code randomSplit}, which depends on the order of rows within partitions).
 */
public final class CustomerHash {
  private CustomerHash() {}

  /** The customer's bucket in {@code [0, buckets)}. */
  public static Column bucket(Column customerKey, long seed, long buckets) {
    return pmod(xxhash64(customerKey.cast("long"), lit(seed)), lit(buckets));
  }
}
