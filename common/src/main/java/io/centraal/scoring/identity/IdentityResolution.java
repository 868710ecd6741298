package io.centraal.scoring.identity;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;

import io.centraal.scoring.run.LeafCache;
import io.centraal.scoring.schema.FeatureColumns;
import io.centraal.scoring.schema.InputColumns.Audience;
import io.centraal.scoring.schema.InputColumns.Clickstream;
import io.centraal.scoring.schema.InputColumns.Consent;
import io.centraal.scoring.schema.InputColumns.Follows;
import io.centraal.scoring.schema.InputColumns.IdentityLinks;
import io.centraal.scoring.schema.InputColumns.Reviews;
import io.centraal.scoring.schema.InputColumns.Transactions;
import io.centraal.scoring.schema.LogColumns;
import io.centraal.scoring.schema.OutputSchemas;
import io.centraal.scoring.schema.StageSchema;
import io.centraal.scoring.schema.StageSchema.Kind;
import java.sql.Date;
import java.time.LocalDate;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.graphx.Graph;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import scala.Option;
import scala.Tuple2;
import scala.reflect.ClassTag$;

/**
 * Resolves one {@code customer_key} per person across loyalty cards, online accounts, hashed
 * e-mails and cookies: the connected components (GraphX) of the graph whose vertices are
 * references and whose edges are known links.
 *
 * <p><b>Stable keys.</b> A component keeps the key its references already had in the previous
 * identity map; when a link merges two known customers, the smaller (older) key wins. Components
 * made only of new references get new keys after the largest existing key, numbered in the order of
 * their smallest reference, so the same input always yields the same keys. Keys are plain numbers
 * and carry no personal data.
 *
 * <p><b>Hubs.</b> Real exports have references that many people share: a placeholder e-mail
 * ({@code noemail@...}) on thousands of cards, a house card the till uses for walk-in sales, the
 * cookie of an in-store kiosk that hundreds of accounts log in on. Followed as links, one of them
 * joins all those people into one customer, whose value is then the sum of theirs. A reference
 * linked to more than {@code maxPartners} distinct references is a hub: its links are set aside (it
 * joins nobody), and the map says so ({@link #HUB_PARTNERS}). A login counts only for the cookie:
 * one account on many browsers is one person (a browser that renews its cookie every week gives an
 * active customer a hundred of them a year), while one cookie with many accounts is a shared machine.
 *
 * <p><b>Splits.</b> When links are set aside (or removed from bronze) a customer of an earlier map
 * can fall apart into several components; the key stays with the component that holds most of its
 * references (then the one with the smallest reference), and the others get new keys.
 *
 * <p>References must be unique across systems (a card number and an account id must not collide);
 * namespace them in the source mapping if needed, e.g. {@code expressions.customer_ref = "concat('card:', CardNo)"}.
 */
public final class IdentityResolution {
  private static final String STAGE = "IdentityResolution";
  private static final String VID = "_tmp_vid";
  private static final String COMPONENT = "_tmp_component";
  private static final String OLD_KEY = "_tmp_old_key";
  private static final String OLD_FIRST_SEEN = "_tmp_old_first_seen";
  private static final String PARTNER = "_tmp_partner";

  /** The two references of a link (the identity_links contract's names). */
  public static final String REF_A = IdentityLinks.REF_A;
  public static final String REF_B = IdentityLinks.REF_B;

  /**
   * Optional boolean column of the links: the link is a login, {@link #REF_A} an account and
   * {@link #REF_B} a cookie; it counts toward the cookie's partners only (see Hubs above).
   */
  public static final String LOGIN = "login";
  /**
   * Column of the map: for a hub, how many distinct references it was linked with (its links were
   * set aside); null for every other reference.
   */
  public static final String HUB_PARTNERS = LogColumns.HUB_PARTNERS;

  /** Schema of {@link #hubs}. */
  public static final StructType HUBS = new StructType()
      .add(LogColumns.REF, DataTypes.StringType, false).add(HUB_PARTNERS, DataTypes.LongType, false);

  /** Schema of the reference and edge inputs. */
  public static final StructType REFS = new StructType().add(LogColumns.REF, DataTypes.StringType, false);
  public static final StructType LINKS = new StructType()
      .add(REF_A, DataTypes.StringType, false).add(REF_B, DataTypes.StringType, false);

  private IdentityResolution() {}

  /** The bronze tables identity is resolved from. */
  public record Sources(Dataset<Row> transactions, Dataset<Row> clickstream, Dataset<Row> reviews,
                        Dataset<Row> identityLinks, Dataset<Row> follows, Dataset<Row> audience,
                        Dataset<Row> consent) {}

  /**
   * Every reference of a person ({@link LogColumns#REF}): customers are the people behind
   * purchases, accounts, reviews, follows, audience and consent records; a cookie becomes part of a
   * customer only through a link (a login or an identity link).
   */
  public static Dataset<Row> references(Sources s) {
    return s.transactions().select(col(Transactions.CUSTOMER_REF).as(LogColumns.REF))
        .union(s.clickstream().select(col(Clickstream.USER_REF).as(LogColumns.REF)))
        .union(s.reviews().select(col(Reviews.AUTHOR_REF).as(LogColumns.REF)))
        .union(s.follows().select(col(Follows.FOLLOWER_REF).as(LogColumns.REF)))
        .union(s.follows().select(col(Follows.FOLLOWED_REF).as(LogColumns.REF)))
        .union(s.audience().select(col(Audience.REF).as(LogColumns.REF)))
        .union(s.consent().select(col(Consent.CUSTOMER_REF).as(LogColumns.REF)))
        .where(col(LogColumns.REF).isNotNull());
  }

  /**
   * The known links ({@link #REF_A}, {@link #REF_B}, {@link #LOGIN}): identity links, and logins (a
   * user seen with a cookie).
   */
  public static Dataset<Row> links(Sources s) {
    return s.identityLinks().select(col(IdentityLinks.REF_A).as(REF_A), col(IdentityLinks.REF_B).as(REF_B),
            lit(false).as(LOGIN))
        .union(s.clickstream().where(col(Clickstream.USER_REF).isNotNull().and(col(Clickstream.ANONYMOUS_ID).isNotNull()))
            .select(col(Clickstream.USER_REF).as(REF_A), col(Clickstream.ANONYMOUS_ID).as(REF_B)).distinct()
            .withColumn(LOGIN, lit(true)));
  }

  /**
   * The references linked to more than {@code maxPartners} distinct references ({@link LogColumns#REF},
   * {@link #HUB_PARTNERS}); none when {@code maxPartners} is 0. A login counts for its cookie only.
   */
  public static Dataset<Row> hubs(Dataset<Row> links, int maxPartners) {
    Column login = java.util.Arrays.asList(links.columns()).contains(LOGIN) ? col(LOGIN) : lit(false);
    Dataset<Row> partners = links.where(functions.not(login))
        .select(col(REF_A).as(LogColumns.REF), col(REF_B).as(PARTNER))
        .union(links.select(col(REF_B).as(LogColumns.REF), col(REF_A).as(PARTNER)))
        .where(col(LogColumns.REF).notEqual(col(PARTNER)))
        .distinct()
        .groupBy(LogColumns.REF).agg(functions.count(lit(1)).as(HUB_PARTNERS));
    return maxPartners <= 0 ? partners.where(lit(false)) : partners.where(col(HUB_PARTNERS).gt(maxPartners));
  }

  /**
   * @param refs        every reference seen (column {@code ref}); duplicates allowed
   * @param links       pairs of references of one person ({@code ref_a}, {@code ref_b})
   * @param previousMap the previous identity map ({@code ref, customer_key, first_seen_as_of}), or empty
   * @param asOfDate    recorded as first_seen_as_of for new references
   * @param maxPartners a reference linked to more references than this is a hub whose links are set
   *                    aside; 0 follows every link
   * @return the new identity map: one row per reference ({@link OutputSchemas#IDENTITY_MAP}), computed and
   *         persisted; the caller unpersists it. Everything resolving it held (the numbered references,
   *         the graph and its components) is released before it is returned: left cached, GraphX's
   *         partitions stayed on the heap or the disk through the features and score stages.
   */
  public static Dataset<Row> resolve(SparkSession spark, Dataset<Row> refs, Dataset<Row> links,
                                     Dataset<Row> previousMap, LocalDate asOfDate, int maxPartners) {
    StageSchema.require(refs.schema(), STAGE + " references", LogColumns.REF, Kind.STRING);
    StageSchema.require(links.schema(), STAGE + " links", REF_A, Kind.STRING);
    StageSchema.require(links.schema(), STAGE + " links", REF_B, Kind.STRING);
    StageSchema.require(previousMap.schema(), STAGE + " previous map", LogColumns.REF, Kind.STRING);
    StageSchema.require(previousMap.schema(), STAGE + " previous map", FeatureColumns.CUSTOMER_KEY, Kind.INTEGRAL);
    Dataset<Row> allRefs = refs.select(col(LogColumns.REF))
        .union(links.select(col(REF_A).as(LogColumns.REF)))
        .union(links.select(col(REF_B).as(LogColumns.REF)))
        .union(previousMap.select(col(LogColumns.REF)))
        .where(col(LogColumns.REF).isNotNull())
        .distinct();

    // GraphX needs numeric vertex ids. zipWithIndex numbers rows in partition order, and the rows of
    // a shuffle's output partition come in the order their blocks arrive: with executors in
    // separate JVMs that order can differ between two computations of one partition (a cached
    // Dataset that two concurrent jobs need is computed by both). Two numberings of one reference
    // joined edges to the wrong people: 500 demo customers came out as 173. Sorting within the
    // partition (no shuffle: distinct already placed each reference by its hash) makes every
    // computation number alike.
    JavaRDD<Row> indexed = allRefs.sortWithinPartitions(LogColumns.REF).javaRDD().zipWithIndex()
        .map(t -> RowFactory.create(t._1().getString(0), t._2()));
    Dataset<Row> vertices = spark.createDataFrame(indexed, new StructType()
            .add(LogColumns.REF, DataTypes.StringType, false).add(VID, DataTypes.LongType, false))
        .persist(StorageLevel.MEMORY_AND_DISK());

    // Few rows (each hub stands for more than maxPartners links): collected once, then a local
    // table for the two exclusions and the map.
    Dataset<Row> hubs = spark.createDataFrame(hubs(links, maxPartners).collectAsList(), HUBS);
    Dataset<Row> followed = links
        .join(broadcast(hubs.select(col(LogColumns.REF).as(REF_A))), REF_A, "left_anti")
        .join(broadcast(hubs.select(col(LogColumns.REF).as(REF_B))), REF_B, "left_anti");

    Dataset<Row> edges = followed
        .join(vertices.withColumnRenamed(LogColumns.REF, REF_A).withColumnRenamed(VID, "a"), REF_A)
        .join(vertices.withColumnRenamed(LogColumns.REF, REF_B).withColumnRenamed(VID, "b"), REF_B)
        .select("a", "b")
        .where(col("a").notEqual(col("b")));

    Components linked = connectedComponents(spark, edges);
    Dataset<Row> components = vertices.join(linked.rows(), VID, "left")
        .withColumn(COMPONENT, coalesce(col(COMPONENT), col(VID)));

    Dataset<Row> withOld = components.join(previousMap.select(
            col(LogColumns.REF), col(FeatureColumns.CUSTOMER_KEY).as(OLD_KEY),
            col(LogColumns.FIRST_SEEN_AS_OF).as(OLD_FIRST_SEEN)), LogColumns.REF, "left")
        .persist(StorageLevel.MEMORY_AND_DISK());

    // Which component keeps an earlier key: the one holding most of that key's references (a
    // customer split by links set aside keeps its key in its largest part), then the smallest
    // reference. A component that keeps several earlier keys (a merge) takes the smallest.
    Dataset<Row> claims = withOld.where(col(OLD_KEY).isNotNull()).groupBy(COMPONENT, OLD_KEY)
        .agg(functions.count(lit(1)).as("_tmp_refs"), min(LogColumns.REF).as("_tmp_min_ref"));
    Dataset<Row> known = claims
        .withColumn("_tmp_rank", functions.row_number().over(Window.partitionBy(OLD_KEY)
            .orderBy(col("_tmp_refs").desc(), col("_tmp_min_ref"))))
        .where(col("_tmp_rank").equalTo(1))
        .groupBy(COMPONENT).agg(min(OLD_KEY).as(FeatureColumns.CUSTOMER_KEY));
    Row maxRow = previousMap.agg(max(FeatureColumns.CUSTOMER_KEY)).first();
    long maxKey = maxRow.isNullAt(0) ? 0L : maxRow.getLong(0);

    JavaRDD<Row> numbered = withOld.groupBy(COMPONENT).agg(min(LogColumns.REF).as("_tmp_min_ref"))
        .join(known, COMPONENT, "left_anti")
        .orderBy("_tmp_min_ref").select(COMPONENT).javaRDD().zipWithIndex()
        .map(t -> RowFactory.create(t._1().getLong(0), maxKey + 1 + t._2()));
    Dataset<Row> minted = spark.createDataFrame(numbered, new StructType()
        .add(COMPONENT, DataTypes.LongType, false).add(FeatureColumns.CUSTOMER_KEY, DataTypes.LongType, false));

    Dataset<Row> map = LeafCache.of(withOld.join(known.union(minted), COMPONENT)
        .join(broadcast(hubs), LogColumns.REF, "left")
        .select(col(LogColumns.REF), col(FeatureColumns.CUSTOMER_KEY),
            coalesce(col(OLD_FIRST_SEEN), lit(Date.valueOf(asOfDate))).as(LogColumns.FIRST_SEEN_AS_OF),
            col(HUB_PARTNERS)));
    withOld.unpersist();
    vertices.unpersist();
    linked.release();
    return map;
  }

  /**
   * The connected components as rows (vertex id, smallest vertex id of its component) for every
   * vertex that has an edge, and the cached graphs they are read from, released once the rows are
   * no longer needed.
   */
  private record Components(Dataset<Row> rows, Graph<Object, Object> graph, Graph<Object, Object> components) {
    void release() {
      components.unpersist(false);
      graph.unpersist(false);
    }
  }

  private static Components connectedComponents(SparkSession spark, Dataset<Row> edges) {
    RDD<Tuple2<Object, Object>> tuples = edges.javaRDD()
        .map(r -> new Tuple2<Object, Object>(r.getLong(0), r.getLong(1))).rdd();
    Graph<Object, Object> graph = Graph.fromEdgeTuples(tuples, 0L, Option.empty(),
        StorageLevel.MEMORY_AND_DISK(), StorageLevel.MEMORY_AND_DISK(),
        ClassTag$.MODULE$.apply(Object.class));
    Graph<Object, Object> cc = graph.ops().connectedComponents();
    JavaRDD<Row> rows = cc.vertices().toJavaRDD()
        .map(t -> RowFactory.create((Long) t._1(), (Long) t._2()));
    return new Components(spark.createDataFrame(rows, new StructType()
        .add(VID, DataTypes.LongType, false).add(COMPONENT, DataTypes.LongType, false)), graph, cc);
  }
}
