package io.centraal.scoring.model.influence;

import static org.apache.spark.sql.functions.col;

import io.centraal.scoring.schema.StageSchema;
import io.centraal.scoring.schema.StageSchema.Kind;
import io.centraal.scoring.schema.FeatureColumns;
import io.centraal.scoring.schema.ScoreColumns;
import java.util.Locale;
import java.util.Set;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.graphx.Edge;
import org.apache.spark.graphx.Graph;
import org.apache.spark.graphx.lib.PageRank;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.StatCounter;
import scala.Option;
import scala.Tuple2;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * PageRank of customers on the follow graph with GraphX: being followed by customers who are
 * themselves followed counts more than being followed by many nobodies.
 */
public final class FollowGraph {
  private FollowGraph() {}

  private static final String STAGE = "FollowGraph.pageRank";
  private static final ClassTag<Integer> INT = ClassTag$.MODULE$.apply(Integer.class);

  /** Output schema: one row per customer that appears in at least one follow edge. */
  public static final StructType PAGERANK_SCHEMA = new StructType()
      .add(ScoreColumns.CUSTOMER_KEY, DataTypes.LongType, false)
      .add(ScoreColumns.FOLLOWER_PAGERANK, DataTypes.DoubleType, false);

  /**
   * Static-iteration PageRank ({@code org.apache.spark.graphx.lib.PageRank.runWithOptions}).
   *
   * <p><b>Input</b>: {@code follower_key} and {@code followed_key} (integral, customer keys); an
   * edge points follower -&gt; followed, so rank flows to the followed customer. Edges with a null
   * key and self-follows are dropped; duplicate edges are collapsed (following twice is following).
   *
   * <p><b>Output</b>: {@code customer_key} (long), {@code follower_pagerank} (double) for every
   * customer in the graph, <b>normalised so the mean over those customers is 1.0</b> (1.0 = an
   * average graph member; a customer nobody follows gets the teleport floor, well below 1).
   * Customers absent from the graph are absent from the output: left-join on customer_key and
   * treat null as "no followers" ({@link InfluenceScoring} does).
   *
   * <p><b>Scale.</b> A fixed number of iterations (no convergence test) keeps the cost predictable:
   * each iteration is one shuffle of the edges; the graph is held at MEMORY_AND_DISK. 10-20
   * iterations suffice for ranking (the order settles long before the values converge); 1M
   * vertices / 10M edges is a routine GraphX workload. The result is materialised (persisted at
   * MEMORY_AND_DISK) and the graph unpersisted before returning; the caller may
   * {@code unpersist()} the result when done.
   *
   * @param resetProbability teleport probability, in (0, 1); 0.15 is the classic value
   * @param iterations number of PageRank iterations, at least 1
   */
  public static Dataset<Row> pageRank(Dataset<Row> follows, double resetProbability, int iterations) {
    StructType schema = follows.schema();
    StageSchema.require(schema, STAGE, FeatureColumns.FOLLOWER_KEY, Kind.INTEGRAL);
    StageSchema.require(schema, STAGE, FeatureColumns.FOLLOWED_KEY, Kind.INTEGRAL);
    if (!(resetProbability > 0 && resetProbability < 1) || iterations < 1) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "%s: need 0 < resetProbability < 1 and iterations >= 1, got %s and %d",
          STAGE, resetProbability, iterations));
    }
    SparkSession spark = follows.sparkSession();
    Dataset<Row> edgeRows = follows
        .select(col(FeatureColumns.FOLLOWER_KEY).cast("long"), col(FeatureColumns.FOLLOWED_KEY).cast("long"))
        .where(col(FeatureColumns.FOLLOWER_KEY).isNotNull()
            .and(col(FeatureColumns.FOLLOWED_KEY).isNotNull())
            .and(col(FeatureColumns.FOLLOWER_KEY).notEqual(col(FeatureColumns.FOLLOWED_KEY))))
        .distinct();
    JavaRDD<Edge<Integer>> edges = edgeRows.javaRDD()
        .map(r -> new Edge<>(r.getLong(0), r.getLong(1), 1));

    // GraphX caches the graphs it builds on the way, and some of them (the degree-weighted graph
    // PageRank starts from) are out of reach once it returns. Everything GraphX cached during this
    // call is released once the ranks are: its vertex and edge partitions, which it names
    // "VertexRDD" and "EdgeRDD".
    JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Set<Integer> cachedBefore = Set.copyOf(context.getPersistentRDDs().keySet());
    Graph<Integer, Integer> graph = Graph.fromEdges(edges.rdd(), 1,
        StorageLevel.MEMORY_AND_DISK(), StorageLevel.MEMORY_AND_DISK(), INT, INT);
    // Not GraphX's own normalisation (normalized = true): it rescales the ranks to sum to the
    // number of vertices, a constant factor the mean below divides out again.
    Graph<Object, Object> ranked = PageRank.runWithOptions(
        graph, iterations, resetProbability, Option.empty(), false, INT, INT);
    // aggregate, not stats(): a graph without edges has no partitions, and stats() reduces them.
    StatCounter stats = ranked.vertices().toJavaRDD()
        .mapToDouble((Tuple2<Object, Object> v) -> (Double) v._2())
        .aggregate(new StatCounter(), StatCounter::merge, StatCounter::merge);
    double mean = stats.count() == 0 ? 1.0 : stats.mean();
    JavaRDD<Row> rows = ranked.vertices().toJavaRDD()
        .map((Tuple2<Object, Object> v) -> RowFactory.create((Long) v._1(), (Double) v._2() / mean));
    Dataset<Row> ranks = spark.createDataFrame(rows, PAGERANK_SCHEMA).persist(StorageLevel.MEMORY_AND_DISK());
    ranks.count();
    context.getPersistentRDDs().forEach((id, cached) -> {
      String name = cached.name();
      if (!cachedBefore.contains(id) && name != null && (name.contains("VertexRDD") || name.contains("EdgeRDD"))) {
        cached.unpersist(false);
      }
    });
    return ranks;
  }
}
