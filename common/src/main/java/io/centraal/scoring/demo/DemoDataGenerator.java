package io.centraal.scoring.demo;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.to_date;

import java.nio.file.Paths;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Generates the raw exports of a fictional retailer from documented processes with known
 * parameters, so the pipeline's estimates can be checked against the truth. Deterministic: the
 * same {@link DemoSpec} (seed included) gives the same data content, byte for byte, whatever the
 * number of partitions; millions of customers are generated in parallel by Spark with no global
 * collect.
 *
 * <h2>How it runs</h2>
 * Person i in [0, customers) is a pure function of (spec, i): {@code spark.range(0, customers, 1,
 * partitions)} is flat-mapped per table into rows with an explicit schema, and each table is
 * written by Spark (mode overwrite). Every process of a person draws from its own SplitMix64
 * stream keyed by (seed, i, process) ({@link DemoRandom}); cross-person facts (who is an
 * influencer, whom one follows, who referred whom) come from keyed permutations of the id range
 * ({@link IdPermutation}), never from shuffles. Time is in days from the start date 00:00 UTC;
 * D = number of days in [start, end]. All timestamps are UTC.
 *
 * <h2>Persons ({@link DemoPerson})</h2>
 * <ul>
 *   <li>Segments (exact counts): round(customers * influencerShare) planted influencers,
 *       round(customers * bigSpenderShare) big spenders, the rest regular.</li>
 *   <li>References: card {@code L} + 8 digits, account {@code U} + 8 digits, numbered by two
 *       different keyed permutations (a person's card and account numbers are unrelated, so
 *       identity must be resolved through identity_links), hashed e-mail {@code e-} + 16 hex,
 *       device cookies {@code c-} + 16 hex. Only a card: 1 - onlineShare; only an account:
 *       accountOnlyShare; both: the rest (planted influencers always have an account).</li>
 *   <li>Acquisition: first purchase t0 ~ U(0, acquisitionWindowShare * D).</li>
 *   <li>Purchases, BG/NBD exactly: lambda ~ Gamma(shape r, rate alpha) per day, p ~ Beta(a, b);
 *       repeat purchases are a Poisson process with rate lambda after t0; after each repeat
 *       purchase the person drops out with probability p. So the expected number of repeat
 *       purchases of a regular over T = D - t0 days is the closed form E[X(T) | r, alpha, a, b].
 *       Segment factors multiply lambda (influencers 0.4, big spenders 3 in the defaults).</li>
 *   <li>Spend, Gamma-Gamma: nu ~ Gamma(shape q, rate gamma) per person, each purchase ~
 *       Gamma(shape p, rate nu) times the segment's spend factor, in cents; a regular's mean spend
 *       per purchase is p / nu and its population mean p * gamma / (q - 1).</li>
 *   <li>Channels: store_only / online_only / store_heavy (P(store) 0.85) / mixed (0.5) /
 *       online_heavy (0.15); store purchases at the home store 80% of the time.</li>
 * </ul>
 *
 * <h2>Tables</h2>
 * <ul>
 *   <li>{@code transactions/} ({@link DemoTransactions}): 1-3 lines per purchase on its day; ~returnRate
 *       of lines returned 1-14 days later (negative line); ~anonymousSaleShare of rows anonymous
 *       till sales (empty customer_ref) that belong to nobody in the truth.</li>
 *   <li>{@code clickstream/} ({@link DemoClickstream}): web activity that reflects the person's
 *       state: browsing at rate sessionsPerPurchase * lambda while alive, research sessions leading
 *       every purchase, engagement that fades out and stops two weeks before the dropout, an order
 *       session before every online purchase, shares bringing referred visitors, and the referral
 *       landings of referred persons.</li>
 *   <li>{@code reviews/} ({@link DemoReviews}): mostly after purchases, ratings skewed positive,
 *       English or Dutch text from a phrase bank ({@link DemoPhrases}).</li>
 *   <li>{@code identity_links/}, {@code follows/}, {@code audience/} ({@link DemoSocial}),
 *       {@code consent/} ({@link DemoConsent}): see those classes.</li>
 *   <li>{@code truth/}: one row per person ({@link DemoColumns.Truth}); n_referred_customers is the
 *       number of persons whose referred_by is this person's account.</li>
 * </ul>
 * The behaviour of each segment (reviews, votes, shares, visitors, follows, audience) is listed in
 * {@link DemoInfluence}.
 *
 * <h2>Bad rows</h2>
 * After every good transaction or review row, with probability badRowRate, one extra bad row of a
 * uniformly drawn {@link BadRowKind} is added next to it; good rows are never altered, so the good
 * rows alone agree with the truth. The exact number of each kind written is returned.
 */
public final class DemoDataGenerator {
  private static final Logger LOG = LoggerFactory.getLogger(DemoDataGenerator.class);

  /**
   * Writes every table under {@code outDir} (overwriting) and returns the paths and counts.
   *
   * @param spark the session; the master is the caller's business
   * @param spec what to generate
   * @param outDir a directory path Spark can write to (local or any Hadoop file system)
   */
  public GeneratedData generate(SparkSession spark, DemoSpec spec, String outDir) {
    long started = System.nanoTime();
    DemoPopulation pop = new DemoPopulation(spec);
    int partitions = spec.partitions() > 0 ? spec.partitions() : spark.sparkContext().defaultParallelism();
    Dataset<Long> ids = spark.range(0, spec.customers(), 1, partitions);

    Map<String, String> paths = new LinkedHashMap<>();
    Map<String, Long> rowCounts = new LinkedHashMap<>();
    Map<String, Map<BadRowKind, Long>> badRows = new LinkedHashMap<>();
    for (String table : DemoTables.ALL) {
      paths.put(table, path(outDir, table));
    }

    writeCsv(withoutBadKind(rows(ids, new DemoTransactions(pop), DemoSchemas.withBadKind(DemoSchemas.TRANSACTIONS))),
        paths.get(DemoTables.TRANSACTIONS));
    writeJson(withoutBadKind(rows(ids, new DemoReviews(pop), DemoSchemas.withBadKind(DemoSchemas.REVIEWS))),
        paths.get(DemoTables.REVIEWS));
    writeJson(rows(ids, new DemoClickstream(pop), DemoSchemas.CLICKSTREAM), paths.get(DemoTables.CLICKSTREAM));
    writeCsv(rows(ids, new DemoSocial.IdentityLinks(pop), DemoSchemas.IDENTITY_LINKS), paths.get(DemoTables.IDENTITY_LINKS));
    writeCsv(rows(ids, new DemoSocial.Follows(pop), DemoSchemas.FOLLOWS), paths.get(DemoTables.FOLLOWS));
    writeCsv(rows(ids, new DemoSocial.Audience(pop), DemoSchemas.AUDIENCE), paths.get(DemoTables.AUDIENCE));
    writeCsv(rows(ids, new DemoConsent(pop), DemoSchemas.CONSENT), paths.get(DemoTables.CONSENT));
    truth(ids, pop).write().mode(SaveMode.Overwrite).parquet(paths.get(DemoTables.TRUTH));

    // One more pass over the persons counts every table exactly (an action; no accumulators).
    long[] counts = ids.javaRDD().mapPartitions(new DemoCounts(pop)).fold(new long[DemoCounts.SIZE], DemoCounts::sum);
    for (String table : DemoTables.ALL) {
      rowCounts.put(table, counts[DemoCounts.table(table)]);
    }
    for (String table : DemoTables.WITH_BAD_ROWS) {
      Map<BadRowKind, Long> perKind = new EnumMap<>(BadRowKind.class);
      BadRowKind[] kinds = table.equals(DemoTables.TRANSACTIONS) ? DemoTransactions.BAD_KINDS : DemoReviews.BAD_KINDS;
      for (BadRowKind kind : kinds) {
        perKind.put(kind, counts[DemoCounts.bad(table, kind)]);
      }
      badRows.put(table, perKind);
    }

    GeneratedData result = new GeneratedData(outDir, paths, rowCounts, badRows, spec.customers(),
        pop.influencers, pop.bigSpenders);
    LOG.info("demo data for {} customers (seed {}) written to {} in {} s: rows {}, bad rows {}",
        spec.customers(), spec.seed(), outDir, (System.nanoTime() - started) / 1_000_000_000L, rowCounts, badRows);
    return result;
  }

  private static String path(String outDir, String table) {
    return outDir.contains("://") ? outDir.replaceAll("/+$", "") + "/" + table : Paths.get(outDir, table).toString();
  }

  private static Dataset<Row> rows(Dataset<Long> ids, FlatMapFunction<Long, Row> generator, StructType schema) {
    return ids.flatMap(generator, Encoders.row(schema));
  }

  private static Dataset<Row> withoutBadKind(Dataset<Row> generated) {
    return generated.drop(DemoColumns.TMP_BAD_KIND);
  }

  private static void writeCsv(Dataset<Row> df, String path) {
    df.write().mode(SaveMode.Overwrite)
        .option("header", "true")
        .option("sep", ",")
        .option("nullValue", "")
        .csv(path);
  }

  private static void writeJson(Dataset<Row> df, String path) {
    // Absent optional values are written as explicit nulls, as the contract documents them.
    df.write().mode(SaveMode.Overwrite).option("ignoreNullFields", "false").json(path);
  }

  /** Truth rows with dates as dates and the referral count per referrer joined on. */
  private static Dataset<Row> truth(Dataset<Long> ids, DemoPopulation pop) {
    Dataset<Row> generated = rows(ids, new DemoTruth(pop), DemoSchemas.TRUTH_GENERATED);
    Column epoch = to_date(lit("1970-01-01"));
    generated = generated
        .withColumn(DemoColumns.Truth.FIRST_PURCHASE_DATE, date_add(epoch, col(DemoColumns.Truth.FIRST_PURCHASE_DATE)))
        .withColumn(DemoColumns.Truth.DROPOUT_DATE, date_add(epoch, col(DemoColumns.Truth.DROPOUT_DATE)));
    String referrer = DemoColumns.TMP_REFERRER;
    Dataset<Row> referrals = generated
        .filter(col(DemoColumns.Truth.REFERRED_BY).isNotNull())
        .groupBy(col(DemoColumns.Truth.REFERRED_BY).as(referrer))
        .agg(count(lit(1)).as(DemoColumns.Truth.N_REFERRED_CUSTOMERS));
    Dataset<Row> joined = generated.join(referrals,
        generated.col(DemoColumns.Truth.ACCOUNT_REF).equalTo(referrals.col(referrer)), "left");
    Column[] columns = new Column[DemoSchemas.TRUTH.fields().length];
    int i = 0;
    for (StructField f : DemoSchemas.TRUTH.fields()) {
      Column c = f.name().equals(DemoColumns.Truth.N_REFERRED_CUSTOMERS)
          ? coalesce(col(f.name()), lit(0L))
          : generated.col(f.name());
      columns[i++] = c.cast(f.dataType()).as(f.name());
    }
    return joined.select(columns);
  }
}
