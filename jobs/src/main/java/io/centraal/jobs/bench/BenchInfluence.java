package io.centraal.jobs.bench;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_sub;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.rand;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.centraal.jobs.Sessions;
import io.centraal.jobs.CommonOptions;
import io.centraal.scoring.config.CentraalSettings;
import io.centraal.scoring.features.ReachFeatures;
import io.centraal.scoring.features.ReviewFeatures;
import io.centraal.scoring.model.influence.AdvocacyScoring;
import io.centraal.scoring.model.influence.FollowGraph;
import io.centraal.scoring.model.influence.InfluenceScoring;
import io.centraal.scoring.model.influence.Sentiment;
import io.centraal.scoring.schema.FeatureColumns;
import io.centraal.scoring.schema.InputColumns.Reviews;
import io.centraal.scoring.schema.ScoreColumns;
import java.time.LocalDate;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code centraal bench influence}: the influence stages at scale. Generates (in Spark, seeded) a
 * follow graph whose in-degree is heavy-tailed (the followed customer is Zipf-distributed over a
 * random permutation of the customers, exponent {@code --zipf}; followers uniform) and a reviews
 * table (authors Zipf-distributed too; short English and Dutch texts), then runs what the pipeline
 * runs: follower counts ({@link ReachFeatures#followers}), PageRank with GraphX
 * ({@link FollowGraph#pageRank}), the review aggregation with the lexicon sentiment
 * ({@link ReviewFeatures#reviews}, {@link Sentiment}), {@link AdvocacyScoring} and {@link InfluenceScoring}
 * for every customer, and writes the scores as Parquet. Audience and referral counts are drawn per
 * customer (heavy-tailed, a few percent active) instead of derived from a generated clickstream.
 * Prints the time of each stage. The generated data depends on {@code --seed} and on
 * {@code --partitions} (Spark seeds {@code rand} per partition).
 */
@Command(name = "influence", mixinStandardHelpOptions = true,
    description = "Influence benchmark: generated follow graph + reviews -> followers, GraphX PageRank, review "
        + "features, advocacy, influence score for every customer -> Parquet.")
public final class BenchInfluence implements Callable<Integer> {
  static final LocalDate AS_OF = LocalDate.parse("2024-12-31");
  /** Multiplier of the rank -> customer permutation (a prime, so coprime with any customer count below it x k). */
  private static final long PERMUTATION = 1_000_003L;

  @Mixin CommonOptions common;

  @Option(names = "--customers", defaultValue = "1000000", paramLabel = "N",
      description = "Customers (default ${DEFAULT-VALUE}).")
  long customers;

  @Option(names = "--edges", defaultValue = "10000000", paramLabel = "E",
      description = "Follow edges to generate, before removing self-follows and duplicates (default ${DEFAULT-VALUE}).")
  long edges;

  @Option(names = "--reviews", defaultValue = "2000000", paramLabel = "R",
      description = "Reviews to generate (default ${DEFAULT-VALUE}; 0 = none).")
  long reviews;

  @Option(names = "--zipf", defaultValue = "0.7", paramLabel = "S",
      description = "Zipf exponent of the in-degree and of reviews per author, in (0, 1) (default ${DEFAULT-VALUE}).")
  double zipf;

  @Option(names = "--seed", defaultValue = "42", paramLabel = "S", description = "Generation seed.")
  long seed;

  @Option(names = "--partitions", defaultValue = "8", paramLabel = "P",
      description = "Partitions of the generated edges and spark.sql.shuffle.partitions (default ${DEFAULT-VALUE}).")
  int partitions;

  @Mixin WorkDirOptions work;

  @Override
  public Integer call() {
    if (!(zipf > 0 && zipf < 1) || customers < 2 || customers % PERMUTATION == 0 || edges < 1 || reviews < 0) {
      throw new IllegalArgumentException("bench influence: need 0 < --zipf < 1, --customers >= 2 (not a multiple of "
          + PERMUTATION + "), --edges >= 1, --reviews >= 0");
    }
    CentraalSettings settings = common.settings();
    String scoresDir = work.claimEmpty().resolve("scores").toString();
    BenchStages stages = new BenchStages();
    SparkSession spark = Sessions.create("bench influence");
    spark.conf().set("spark.sql.shuffle.partitions", Integer.toString(partitions));
    stages.end("spark session");

    Dataset<Row> follows = followEdges(spark).persist(StorageLevel.MEMORY_AND_DISK());
    long edgeRows = follows.count();
    Dataset<Row> reviewRows = reviewRows(spark).persist(StorageLevel.MEMORY_AND_DISK());
    long reviewCount = reviewRows.count();
    stages.end("generate edges + reviews (persisted)");

    Dataset<Row> followers = ReachFeatures.followers(follows).persist(StorageLevel.MEMORY_AND_DISK());
    Row degree = followers.agg(count(lit(1)), max(FeatureColumns.FOLLOWERS)).first();
    stages.end(String.format(Locale.ROOT, "followers per customer (%,d followed customers, max in-degree %,d)",
        degree.getLong(0), degree.getLong(1)));

    Dataset<Row> pageRank = FollowGraph.pageRank(follows, settings.pageRank().resetProbability(),
        settings.pageRank().iterations()).persist(StorageLevel.MEMORY_AND_DISK());
    long ranked = pageRank.count();
    stages.end(String.format(Locale.ROOT, "PageRank (GraphX, %,d vertices)", ranked));
    follows.unpersist();

    Dataset<Row> reviewFeatures = ReviewFeatures.reviews(reviewRows, AS_OF, settings.features(), Sentiment::score,
        settings.ingest().ratingMin(), settings.ingest().ratingMax()).persist(StorageLevel.MEMORY_AND_DISK());
    long reviewers = reviewFeatures.count();
    stages.end(String.format(Locale.ROOT, "review features (sentiment, Wilson interval; %,d reviewers)", reviewers));
    reviewRows.unpersist();

    Dataset<Row> all = customerRows(spark)
        .join(followers, new String[] {FeatureColumns.CUSTOMER_KEY}, "left")
        .join(pageRank, new String[] {FeatureColumns.CUSTOMER_KEY}, "left")
        .join(reviewFeatures, new String[] {FeatureColumns.CUSTOMER_KEY}, "left");
    Dataset<Row> scored = new InfluenceScoring(settings.influence()).apply(new AdvocacyScoring(settings.advocacy()).apply(all));
    scored.select(FeatureColumns.CUSTOMER_KEY, FeatureColumns.FOLLOWERS, ScoreColumns.FOLLOWER_PAGERANK,
            FeatureColumns.REVIEW_COUNT, ScoreColumns.ADVOCACY, ScoreColumns.INF_REVIEWS, ScoreColumns.INF_REACH,
            ScoreColumns.INF_REFERRALS, ScoreColumns.INF_ADVOCACY, ScoreColumns.INFLUENCE_SCORE,
            ScoreColumns.INFLUENCE_TIER)
        .write().mode("overwrite").parquet(scoresDir);
    stages.end("advocacy + influence score + Parquet");

    Dataset<Row> written = spark.read().parquet(scoresDir);
    Row summary = written.agg(count(lit(1)), sum(when(col(ScoreColumns.INFLUENCE_TIER).equalTo(InfluenceScoring.TIER_HIGH),
        1).otherwise(0)), max(ScoreColumns.INFLUENCE_SCORE)).first();
    stages.end(String.format(Locale.ROOT, "read back + check (%,d rows, %,d high tier, max score %.1f)",
        summary.getLong(0), summary.getLong(1), summary.getDouble(2)));
    followers.unpersist();
    pageRank.unpersist();
    reviewFeatures.unpersist();

    System.out.printf(Locale.ROOT, "bench influence: %,d customers, %,d follow edges drawn (%,d distinct without "
            + "self-follows), %,d reviews; Zipf %.2f; %d partitions; PageRank %d iterations%n", customers, edges,
        edgeRows, reviewCount, zipf, partitions, settings.pageRank().iterations());
    stages.print();
    return 0;
  }

  /**
   * A Zipf-distributed customer key in 1..N: rank {@code ceil(N u^(1/(1-s)))} (the continuous
   * inverse CDF of a Zipf(s) law, s &lt; 1), mapped through the permutation {@code rank x P mod N}
   * so the most followed customers are spread over the key range.
   */
  private Column zipfKey(long seedOffset) {
    Column rank = least(lit(customers), greatest(lit(1L),
        floor(pow(rand(seed + seedOffset), 1.0 / (1.0 - zipf)).multiply(customers)).plus(1).cast("long")));
    return rank.minus(1).multiply(PERMUTATION).mod(customers).plus(1);
  }

  private Column uniformKey(long seedOffset) {
    return floor(rand(seed + seedOffset).multiply(customers)).cast("long").plus(1);
  }

  /**
   * follower_key (uniform), followed_key (Zipf); like {@link ReachFeatures#followEdges} distinct and
   * without self-follows.
   */
  Dataset<Row> followEdges(SparkSession spark) {
    return spark.range(0, edges, 1, partitions)
        .select(uniformKey(1).as(FeatureColumns.FOLLOWER_KEY), zipfKey(2).as(FeatureColumns.FOLLOWED_KEY))
        .where(col(FeatureColumns.FOLLOWER_KEY).notEqual(col(FeatureColumns.FOLLOWED_KEY)))
        .distinct();
  }

  /** Keyed reviews (customer_key plus the review contract's columns) over the two years before the as-of date. */
  Dataset<Row> reviewRows(SparkSession spark) {
    Column texts = array(lit("Great product, works perfectly, highly recommended"),
        lit("Terrible quality, broke after a week, do not buy"),
        lit("It is okay for the price"),
        lit("Geweldig product, werkt perfect, echt een aanrader"),
        lit("Slechte kwaliteit, na een week kapot, niet kopen"),
        lit("Prima voor de prijs, snelle levering"),
        lit("Excellent service and fast delivery, love it"),
        lit("Disappointing, not as described"));
    Column totalVotes = floor(pow(rand(seed + 6), 4).multiply(200)).cast("long");
    return spark.range(0, reviews, 1, partitions)
        .select(zipfKey(3).as(FeatureColumns.CUSTOMER_KEY),
            date_sub(lit(java.sql.Date.valueOf(AS_OF)), floor(rand(seed + 4).multiply(730)).cast("int"))
                .cast("timestamp").as(Reviews.TS),
            floor(rand(seed + 5).multiply(5)).cast("int").plus(1).as(Reviews.RATING),
            element_at(texts, floor(rand(seed + 7).multiply(8)).cast("int").plus(1)).as(Reviews.TEXT),
            floor(totalVotes.multiply(rand(seed + 8))).cast("long").as(Reviews.HELPFUL_VOTES),
            totalVotes.as(Reviews.TOTAL_VOTES),
            rand(seed + 9).lt(0.7).as(Reviews.VERIFIED_PURCHASE));
  }

  /**
   * One row per customer with audience and referral counts: ~2 % have an external audience
   * (Pareto-like sizes), ~5 % referred visitors, a third of those referred customers with a value.
   */
  Dataset<Row> customerRows(SparkSession spark) {
    Column audience = when(rand(seed + 10).lt(0.02), floor(lit(100.0).divide(pow(rand(seed + 11), 1.5))))
        .cast("long");
    Column visitors = when(rand(seed + 12).lt(0.05), floor(lit(1.0).divide(pow(rand(seed + 13), 1.2)))).cast("long");
    Column referredCustomers = floor(visitors.multiply(rand(seed + 14)).divide(3)).cast("long");
    return spark.range(1, customers + 1, 1, partitions).select(col("id").as(FeatureColumns.CUSTOMER_KEY))
        .select(col(FeatureColumns.CUSTOMER_KEY), audience.as(FeatureColumns.AUDIENCE_SIZE),
            visitors.as(FeatureColumns.REFERRED_VISITORS), referredCustomers.as(FeatureColumns.REFERRED_CUSTOMERS))
        .withColumn(FeatureColumns.REFERRAL_VALUE,
            col(FeatureColumns.REFERRED_CUSTOMERS).multiply(rand(seed + 15).multiply(40).plus(10)));
  }
}
