package io.centraal.scoring.run;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * Persists a Dataset as a copy whose query plan is a single leaf.
 *
 * <p>Why: Spark renders the whole plan of every query it runs as text for its listeners (the SQL
 * tab, event logs) when the query starts and again after each adaptive stage, and no setting turns
 * that off. A Dataset persisted on top of another persisted one renders the plans of both, nested,
 * so the text grows with every step of a model fit. Fits run dozens of small queries (metrics,
 * splits, solver passes) over their training rows: on the 2,000-customer demo, rendering those plans
 * took half of the driver's time in {@code score}. The copy renders as one line.
 *
 * <p>Unlike a local checkpoint, the copy stays fault tolerant: a lost block is recomputed from its
 * lineage (the original plan, run as an RDD). The cost is one conversion of each row to an external
 * {@link Row} and back when the copy is built.
 */
public final class LeafCache {
  private LeafCache() {}

  /** The rows of {@code rows}, persisted at {@code level} and materialised; the caller unpersists. */
  public static Dataset<Row> of(Dataset<Row> rows, StorageLevel level) {
    Dataset<Row> leaf = rows.sparkSession().createDataFrame(rows.javaRDD(), rows.schema()).persist(level);
    leaf.count();
    return leaf;
  }

  /** {@link #of} at memory and disk. */
  public static Dataset<Row> of(Dataset<Row> rows) {
    return of(rows, StorageLevel.MEMORY_AND_DISK());
  }
}
