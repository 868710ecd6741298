package io.centraal.scoring.privacy.enforcement;

import java.util.Set;
import org.apache.spark.sql.SparkSession;

/**
 * A store outside the data directory that holds an erased person's data and must forget it, e.g.
 * the JDBC customer table of the export (plug its {@code deleteCustomers(Collection<Long>)} in
 * here: {@code (spark, keys, refs) -> jdbcExport.deleteCustomers(keys)}). {@link Erasure} calls
 * every target with the customer keys and every reference of the persons; the rows removed go to
 * the audit row under {@link #name()}.
 */
public interface ErasureTarget {
  String name();

  /**
   * Fails, naming what is missing, when this store cannot erase now (unreachable, no credentials).
   * Called for every target before anything is deleted, so a request does not stop half way.
   */
  default void check() {
  }

  /** Deletes the persons; returns the rows removed (0 on a repeated request). */
  long erase(SparkSession spark, Set<Long> customerKeys, Set<String> refs);
}
