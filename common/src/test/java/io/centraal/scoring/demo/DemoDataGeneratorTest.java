package io.centraal.scoring.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.centraal.scoring.demo.DemoColumns.Segments;
import io.centraal.scoring.demo.DemoColumns.Truth;
import io.centraal.scoring.schema.InputColumns.Audience;
import io.centraal.scoring.schema.InputColumns.Clickstream;
import io.centraal.scoring.schema.InputColumns.Consent;
import io.centraal.scoring.schema.InputColumns.Follows;
import io.centraal.scoring.schema.InputColumns.IdentityLinks;
import io.centraal.scoring.schema.InputColumns.Reviews;
import io.centraal.scoring.schema.InputColumns.Transactions;
import io.centraal.scoring.testing.SparkExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * One generation of 2,000 customers, read back with the documented formats and checked against
 * the documented processes and the ground truth.
 */
@ExtendWith(SparkExtension.class)
class DemoDataGeneratorTest {
  private static final Pattern CSV_TS = Pattern.compile("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}");
  private static final Pattern ISO_TS = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z");
  private static final Pattern AMOUNT = Pattern.compile("-?\\d+\\.\\d{2}");
  private static final Pattern CARD = Pattern.compile("L\\d{8}");
  private static final Pattern ACCOUNT = Pattern.compile("U\\d{8}");
  private static final Pattern EMAIL = Pattern.compile("e-[0-9a-f]{16}");
  private static final Pattern COOKIE = Pattern.compile("c-[0-9a-f]{16}");
  private static final Pattern PRODUCT = Pattern.compile("P\\d{6}");

  @TempDir static Path dir;
  static DemoSpec spec;
  static GeneratedData data;
  static List<Row> transactions;
  static List<Row> clickstream;
  static List<Row> reviews;
  static List<Row> links;
  static List<Row> follows;
  static List<Row> audience;
  static List<Row> consent;
  static List<Row> truth;
  static Map<String, Row> personByRef;
  static String endCsv;
  static String endIso;

  @BeforeAll
  static void generate(SparkSession spark) {
    spec = DemoFixtures.spec(Map.of("customers", 2000, "seed", 11, "partitions", 2, "bad-row-rate", 0.015,
        "sessions-per-purchase", 0.5, "influencers.share", 0.015, "big-spenders.share", 0.015));
    data = new DemoDataGenerator().generate(spark, spec, dir.resolve("demo").toString());
    transactions = csv(spark, DemoTables.TRANSACTIONS, DemoSchemas.TRANSACTIONS);
    clickstream = json(spark, DemoTables.CLICKSTREAM, DemoSchemas.CLICKSTREAM);
    reviews = json(spark, DemoTables.REVIEWS, DemoSchemas.REVIEWS);
    links = csv(spark, DemoTables.IDENTITY_LINKS, DemoSchemas.IDENTITY_LINKS);
    follows = csv(spark, DemoTables.FOLLOWS, DemoSchemas.FOLLOWS);
    audience = csv(spark, DemoTables.AUDIENCE, DemoSchemas.AUDIENCE);
    consent = csv(spark, DemoTables.CONSENT, DemoSchemas.CONSENT);
    truth = spark.read().parquet(data.paths().get(DemoTables.TRUTH)).collectAsList();
    personByRef = new HashMap<>();
    for (Row t : truth) {
      if (t.getAs(Truth.CARD_REF) != null) {
        personByRef.put(t.getAs(Truth.CARD_REF), t);
      }
      if (t.getAs(Truth.ACCOUNT_REF) != null) {
        personByRef.put(t.getAs(Truth.ACCOUNT_REF), t);
      }
    }
    endCsv = spec.endDate() + " 23:59:59";
    endIso = spec.endDate() + "T23:59:59Z";
  }

  private static List<Row> csv(SparkSession spark, String table, StructType schema) {
    return spark.read().option("header", "true").schema(schema).csv(data.paths().get(table)).collectAsList();
  }

  private static List<Row> json(SparkSession spark, String table, StructType schema) {
    return spark.read().schema(schema).json(data.paths().get(table)).collectAsList();
  }

  // ---------------------------------------------------------------- schemas and formats

  @Test
  void everyFolderHasTheDocumentedColumns(SparkSession spark) {
    for (String table : List.of(DemoTables.TRANSACTIONS, DemoTables.IDENTITY_LINKS, DemoTables.FOLLOWS,
        DemoTables.AUDIENCE, DemoTables.CONSENT)) {
      String header = String.join(",", schemaOf(table).fieldNames());
      for (Path part : DemoDeterminismTest.partFiles(Path.of(data.paths().get(table)))) {
        assertEquals(header, lines(part).get(0), table + " header of " + part.getFileName());
      }
    }
    for (String table : List.of(DemoTables.CLICKSTREAM, DemoTables.REVIEWS)) {
      String[] fields = schemaOf(table).fieldNames();
      for (Path part : DemoDeterminismTest.partFiles(Path.of(data.paths().get(table)))) {
        for (String line : lines(part)) {
          int at = -1;
          for (String f : fields) {
            int next = line.indexOf("\"" + f + "\":");
            assertTrue(next > at, table + ": field " + f + " missing or out of order (nulls must be explicit) in " + line);
            at = next;
          }
        }
      }
    }
    StructType truthSchema = spark.read().parquet(data.paths().get(DemoTables.TRUTH)).schema();
    assertEquals(DemoSchemas.TRUTH.fields().length, truthSchema.fields().length);
    for (StructField f : DemoSchemas.TRUTH.fields()) {
      assertEquals(f.dataType(), truthSchema.apply(f.name()).dataType(), "truth column " + f.name());
    }
    assertEquals(Arrays.asList(DemoSchemas.TRUTH.fieldNames()), Arrays.asList(truthSchema.fieldNames()));
  }

  @Test
  void transactionsFollowTheFormat() {
    Set<String> duplicated = duplicatedIds(transactions, Transactions.TRANSACTION_ID);
    List<Row> good = goodTransactions().stream()
        .filter(r -> !duplicated.contains(r.<String>getAs(Transactions.TRANSACTION_ID))).collect(Collectors.toList());
    long anonymous = 0;
    for (Row r : good) {
      String channel = r.getAs(Transactions.CHANNEL);
      String ref = r.getAs(Transactions.CUSTOMER_REF);
      String store = r.getAs(Transactions.STORE_ID);
      assertTrue(CSV_TS.matcher(r.<String>getAs(Transactions.TS)).matches(), r.toString());
      assertTrue(AMOUNT.matcher(r.<String>getAs(Transactions.MARGIN)).matches(), r.toString());
      assertEquals(DemoTransactions.CURRENCY, r.getAs(Transactions.CURRENCY));
      assertTrue(Set.of("store", "web", "app").contains(channel), r.toString());
      assertEquals(channel.equals("store"), store != null, "store_id only for store sales: " + r);
      if (ref == null) {
        anonymous++;
        assertEquals("store", channel, "anonymous sales are till sales: " + r);
      } else {
        assertTrue((channel.equals("store") ? CARD : ACCOUNT).matcher(ref).matches(), r.toString());
      }
      double amount = Double.parseDouble(r.getAs(Transactions.AMOUNT));
      double margin = Double.parseDouble(r.getAs(Transactions.MARGIN));
      int quantity = r.getAs(Transactions.QUANTITY);
      assertTrue(amount != 0.0 && Math.signum(amount) == Math.signum(quantity), r.toString());
      assertTrue(Math.abs(margin) >= 0.25 * Math.abs(amount) - 0.011
          && Math.abs(margin) <= 0.40 * Math.abs(amount) + 0.011, "margin 25-40%: " + r);
    }
    double anonymousShare = (double) anonymous / good.size();
    assertTrue(anonymousShare > 0.035 && anonymousShare < 0.065, "anonymous share " + anonymousShare);
    long returns = good.stream().filter(r -> r.<String>getAs(Transactions.AMOUNT).startsWith("-")).count();
    double returnShare = (double) returns / (good.size() - anonymous - returns);
    assertTrue(returnShare > 0.03 && returnShare < 0.07, "return share " + returnShare);
  }

  @Test
  void clickstreamFollowsTheFormat() {
    Set<String> types = Set.of(Clickstream.PAGE_VIEW, Clickstream.PRODUCT_VIEW, Clickstream.ADD_TO_CART,
        Clickstream.SEARCH, Clickstream.SHARE);
    Set<String> ids = new HashSet<>();
    long anonymous = 0;
    long referred = 0;
    for (Row r : clickstream) {
      assertTrue(ids.add(r.getAs(Clickstream.EVENT_ID)), "unique event_id: " + r);
      String ts = r.getAs(Clickstream.TS);
      assertTrue(ISO_TS.matcher(ts).matches() && ts.compareTo(endIso) <= 0, r.toString());
      assertTrue(types.contains(r.<String>getAs(Clickstream.EVENT_TYPE)), r.toString());
      assertTrue(COOKIE.matcher(r.<String>getAs(Clickstream.ANONYMOUS_ID)).matches(), r.toString());
      assertTrue(r.<String>getAs(Clickstream.SESSION_ID).matches("se-[0-9a-f]{16}"), r.toString());
      String user = r.getAs(Clickstream.USER_REF);
      String product = r.getAs(Clickstream.PRODUCT_ID);
      String referrer = r.getAs(Clickstream.REFERRER_REF);
      assertTrue(user == null || ACCOUNT.matcher(user).matches(), r.toString());
      assertTrue(product == null || PRODUCT.matcher(product).matches(), r.toString());
      assertTrue(referrer == null || ACCOUNT.matcher(referrer).matches(), r.toString());
      if (r.<String>getAs(Clickstream.EVENT_TYPE).equals(Clickstream.SHARE)) {
        assertTrue(user != null && product != null, "a share is logged in and names a product: " + r);
      }
      anonymous += user == null ? 1 : 0;
      referred += referrer == null ? 0 : 1;
    }
    assertTrue(anonymous > 0.1 * clickstream.size(), "anonymous events " + anonymous);
    assertTrue(referred > 100, "referred landings " + referred);
  }

  @Test
  void reviewsFollowTheFormat() {
    Set<String> duplicated = duplicatedIds(reviews, Reviews.REVIEW_ID);
    List<Row> good = goodReviews().stream()
        .filter(r -> !duplicated.contains(r.<String>getAs(Reviews.REVIEW_ID))).collect(Collectors.toList());
    long dutch = 0;
    long english = 0;
    for (Row r : good) {
      int rating = r.getAs(Reviews.RATING);
      int helpful = r.getAs(Reviews.HELPFUL_VOTES);
      int total = r.getAs(Reviews.TOTAL_VOTES);
      String text = r.getAs(Reviews.TEXT);
      assertTrue(rating >= 1 && rating <= 5, r.toString());
      assertTrue(ISO_TS.matcher(r.<String>getAs(Reviews.TS)).matches(), r.toString());
      assertTrue(ACCOUNT.matcher(r.<String>getAs(Reviews.AUTHOR_REF)).matches(), r.toString());
      assertTrue(PRODUCT.matcher(r.<String>getAs(Reviews.PRODUCT_ID)).matches(), r.toString());
      assertTrue(helpful >= 0 && helpful <= total, r.toString());
      assertTrue(r.getAs(Reviews.VERIFIED_PURCHASE) != null, r.toString());
      if (text != null) {
        boolean nl = text.matches(".*\\b(het|ik|een|niet|voor)\\b.*");
        dutch += nl ? 1 : 0;
        english += nl ? 0 : 1;
        if (rating >= 4) {
          assertFalse(text.contains("Disappointing") || text.contains("Teleurstellend"), "positive text: " + r);
        }
        if (rating <= 2) {
          assertFalse(text.contains("Great product") || text.contains("Geweldig product"), "negative text: " + r);
        }
      }
    }
    assertTrue(dutch > 0.2 * good.size() && english > 0.2 * good.size(), "languages en " + english + " nl " + dutch);
    double positive = good.stream().filter(r -> r.<Integer>getAs(Reviews.RATING) >= 4).count() / (double) good.size();
    assertTrue(positive > 0.65 && positive < 0.85, "share of 4-5 star ratings " + positive);
  }

  @Test
  void identityFollowsAudienceAndConsentFollowTheFormat() {
    Map<String, Pattern[]> shapes = Map.of(
        DemoSocial.CARD_ACCOUNT, new Pattern[] {CARD, ACCOUNT},
        DemoSocial.ACCOUNT_EMAIL, new Pattern[] {ACCOUNT, EMAIL},
        DemoSocial.COOKIE_ACCOUNT, new Pattern[] {COOKIE, ACCOUNT});
    for (Row r : links) {
      Pattern[] shape = shapes.get(r.<String>getAs(IdentityLinks.LINK_TYPE));
      assertTrue(shape != null, r.toString());
      assertTrue(shape[0].matcher(r.<String>getAs(IdentityLinks.REF_A)).matches(), r.toString());
      assertTrue(shape[1].matcher(r.<String>getAs(IdentityLinks.REF_B)).matches(), r.toString());
    }
    long both = truth.stream().filter(t -> t.getAs(Truth.CARD_REF) != null && t.getAs(Truth.ACCOUNT_REF) != null).count();
    assertEquals(both, links.stream().filter(r -> r.getAs(IdentityLinks.LINK_TYPE).equals(DemoSocial.CARD_ACCOUNT)).count());
    for (Row t : truth) {
      if (t.getAs(Truth.CARD_REF) != null && t.getAs(Truth.ACCOUNT_REF) == null) {
        assertFalse(Set.of(Segments.PLANTED_INFLUENCER).contains(t.<String>getAs(Truth.SEGMENT)), "influencers are online: " + t);
      }
    }

    Set<String> edges = new HashSet<>();
    for (Row r : follows) {
      String from = r.getAs(Follows.FOLLOWER_REF);
      String to = r.getAs(Follows.FOLLOWED_REF);
      assertTrue(ACCOUNT.matcher(from).matches() && ACCOUNT.matcher(to).matches() && !from.equals(to), r.toString());
      assertTrue(edges.add(from + ">" + to), "duplicate edge " + r);
    }
    double perAccount = (double) follows.size() / audience.size();
    assertTrue(perAccount > 2.0 && perAccount < 5.0, "follows per account " + perAccount);

    long zero = audience.stream().filter(r -> r.<Long>getAs(Audience.AUDIENCE_SIZE) == 0L).count();
    assertTrue(audience.stream().allMatch(r -> r.<Long>getAs(Audience.AUDIENCE_SIZE) >= 0L));
    assertTrue(zero > 0.5 * audience.size(), "most audiences are 0: " + zero + " of " + audience.size());

    // Consent: the latest row per reference is the truth; a few references changed once.
    Map<String, Row> latest = new HashMap<>();
    Map<String, Integer> rowsPerRef = new HashMap<>();
    for (Row r : consent) {
      String ref = r.getAs(Consent.CUSTOMER_REF);
      assertTrue(CSV_TS.matcher(r.<String>getAs(Consent.UPDATED_TS)).matches(), r.toString());
      rowsPerRef.merge(ref, 1, Integer::sum);
      Row previous = latest.get(ref);
      if (previous == null || r.<String>getAs(Consent.UPDATED_TS).compareTo(previous.getAs(Consent.UPDATED_TS)) > 0) {
        latest.put(ref, r);
      }
    }
    assertEquals(truth.size(), latest.size(), "one consent reference per person");
    for (Row r : latest.values()) {
      Row t = personByRef.get(r.<String>getAs(Consent.CUSTOMER_REF));
      assertEquals(t.<Boolean>getAs(Truth.PROFILING_ALLOWED), r.<Boolean>getAs(Consent.PROFILING_ALLOWED), r.toString());
      assertEquals(t.<Boolean>getAs(Truth.MARKETING_ALLOWED), r.<Boolean>getAs(Consent.MARKETING_ALLOWED), r.toString());
    }
    long twice = rowsPerRef.values().stream().filter(n -> n == 2).count();
    assertTrue(twice > 0.02 * truth.size() && twice < 0.08 * truth.size(), "changed twice " + twice);
    double noMarketing = latest.values().stream().filter(r -> !r.<Boolean>getAs(Consent.MARKETING_ALLOWED)).count()
        / (double) truth.size();
    assertTrue(noMarketing > 0.07 && noMarketing < 0.13, "no marketing " + noMarketing);
  }

  // ---------------------------------------------------------------- ground truth

  @Test
  void repeatPurchasesMatchTheBgNbdExpectation() {
    List<Row> regulars = segment(Segments.REGULAR);
    double diffSum = 0.0;
    double diffSq = 0.0;
    double expectedSum = 0.0;
    for (Row t : regulars) {
      double expected = BgNbdExpectation.repeatPurchases(spec.bgnbdR(), spec.bgnbdAlpha(), spec.bgnbdA(),
          spec.bgnbdB(), t.<Double>getAs(Truth.T_DAYS));
      double diff = t.<Integer>getAs(Truth.N_REPEAT_PURCHASES) - expected;
      expectedSum += expected;
      diffSum += diff;
      diffSq += diff * diff;
    }
    int n = regulars.size();
    double meanDiff = diffSum / n;
    double standardError = Math.sqrt((diffSq / n - meanDiff * meanDiff) / n);
    assertTrue(Math.abs(meanDiff) < 4 * standardError,
        String.format("mean repeat purchases %.3f vs BG/NBD %.3f (se %.3f, n %d)",
            (expectedSum + diffSum) / n, expectedSum / n, standardError, n));
    // The truth's own parameters average to their priors too.
    assertClose(spec.bgnbdR() / spec.bgnbdAlpha(), regulars, Truth.LAMBDA_PER_DAY, "mean lambda");
    assertClose(spec.bgnbdA() / (spec.bgnbdA() + spec.bgnbdB()), regulars, Truth.DROPOUT_P, "mean dropout p");
  }

  @Test
  void spendMatchesTheGammaGammaMean() {
    List<Row> regulars = segment(Segments.REGULAR);
    double population = spec.ggP() * spec.ggGamma() / (spec.ggQ() - 1.0);
    assertClose(population, regulars, Truth.EXPECTED_SPEND, "mean expected spend p/nu");
    double[] observed = regulars.stream()
        .mapToDouble(t -> t.<BigDecimal>getAs(Truth.TOTAL_SPEND).doubleValue() / t.<Integer>getAs(Truth.N_PURCHASES))
        .toArray();
    assertClose(population, observed, "mean observed spend per purchase");
  }

  @Test
  void transactionFilesAgreeWithTheTruth() {
    // Good, positive lines per person: their sum is the truth's total spend and their days its purchase days.
    Map<String, Long> idCounts = transactions.stream().filter(r -> r.getAs(Transactions.TRANSACTION_ID) != null)
        .collect(Collectors.groupingBy(r -> r.getAs(Transactions.TRANSACTION_ID), Collectors.counting()));
    Map<Long, Long> cents = new HashMap<>();
    Map<Long, Set<String>> days = new HashMap<>();
    for (Row r : goodTransactions()) {
      String ref = r.getAs(Transactions.CUSTOMER_REF);
      String amount = r.getAs(Transactions.AMOUNT);
      if (ref == null || amount.startsWith("-") || idCounts.get(r.<String>getAs(Transactions.TRANSACTION_ID)) > 1) {
        continue;
      }
      long person = personByRef.get(ref).getAs(Truth.PERSON_ID);
      cents.merge(person, new BigDecimal(amount).movePointRight(2).longValueExact(), Long::sum);
      days.computeIfAbsent(person, p -> new HashSet<>()).add(r.<String>getAs(Transactions.TS).substring(0, 10));
    }
    int mismatches = 0;
    for (Row t : truth) {
      long person = t.getAs(Truth.PERSON_ID);
      long expected = t.<BigDecimal>getAs(Truth.TOTAL_SPEND).movePointRight(2).longValueExact();
      int expectedDays = t.getAs(Truth.N_PURCHASE_DAYS);
      if (cents.getOrDefault(person, 0L) != expected || days.getOrDefault(person, Set.of()).size() != expectedDays) {
        mismatches++;
      }
    }
    // Only persons hit by a duplicate-id bad row may differ (both rows of the pair are left out above).
    long duplicates = data.badRows(DemoTables.TRANSACTIONS, BadRowKind.DUPLICATE_ID);
    assertTrue(mismatches <= duplicates, mismatches + " persons differ from the truth, duplicates " + duplicates);
    long purchases = truth.stream().mapToLong(t -> t.<Integer>getAs(Truth.N_PURCHASES)).sum();
    assertTrue(purchases > 5L * truth.size(), "purchases " + purchases);
  }

  @Test
  void onlineActivityTracksPurchasingAndStopsAfterDropout() {
    Map<String, Integer> events = new HashMap<>();
    for (Row r : clickstream) {
      String user = r.getAs(Clickstream.USER_REF);
      if (user != null && r.getAs(Clickstream.REFERRER_REF) == null) {
        events.merge(user, 1, Integer::sum);
      }
    }
    List<Row> online = truth.stream().filter(t -> t.getAs(Truth.ACCOUNT_REF) != null
        && t.getAs(Truth.SEGMENT).equals(Segments.REGULAR)).sorted((x, y) -> Double.compare(
            x.<Double>getAs(Truth.LAMBDA_PER_DAY), y.<Double>getAs(Truth.LAMBDA_PER_DAY))).collect(Collectors.toList());
    int quarter = online.size() / 4;
    double low = online.subList(0, quarter).stream()
        .mapToInt(t -> events.getOrDefault(t.<String>getAs(Truth.ACCOUNT_REF), 0)).average().orElse(0);
    double high = online.subList(online.size() - quarter, online.size()).stream()
        .mapToInt(t -> events.getOrDefault(t.<String>getAs(Truth.ACCOUNT_REF), 0)).average().orElse(0);
    assertTrue(high > 3 * low, "events per person, top lambda quartile " + high + " vs bottom " + low);

    Map<String, String> dropout = new HashMap<>();
    for (Row t : truth) {
      if (t.getAs(Truth.ACCOUNT_REF) != null && t.getAs(Truth.DROPOUT_DATE) != null
          && !t.getAs(Truth.SEGMENT).equals(Segments.PLANTED_INFLUENCER)) {
        dropout.put(t.getAs(Truth.ACCOUNT_REF), java.time.LocalDate.parse(t.getAs(Truth.DROPOUT_DATE).toString()).plusDays(90).toString());
      }
    }
    long ofDropped = 0;
    long late = 0;
    for (Row r : clickstream) {
      String limit = dropout.get(r.<String>getAs(Clickstream.USER_REF));
      if (limit != null) {
        ofDropped++;
        late += r.<String>getAs(Clickstream.TS).compareTo(limit) > 0 ? 1 : 0;
      }
    }
    assertTrue(ofDropped > 0 && late < 0.01 * ofDropped, late + " of " + ofDropped + " events > 90 days after dropout");
  }

  @Test
  void plantedInfluencersStandOutAndBigSpendersSpend() {
    Map<String, Integer> reviewsBy = count(goodReviews(), r -> r.getAs(Reviews.AUTHOR_REF));
    Map<String, Integer> followers = count(follows, r -> r.getAs(Follows.FOLLOWED_REF));
    Map<String, Integer> referredVisits = count(
        clickstream.stream().filter(r -> r.getAs(Clickstream.REFERRER_REF) != null).collect(Collectors.toList()),
        r -> r.getAs(Clickstream.REFERRER_REF));
    Map<String, Long> audienceOf = audience.stream()
        .collect(Collectors.toMap(r -> r.getAs(Audience.REF), r -> r.<Long>getAs(Audience.AUDIENCE_SIZE)));
    Map<String, double[]> helpful = new HashMap<>();
    for (Row r : goodReviews()) {
      double[] h = helpful.computeIfAbsent(r.getAs(Reviews.AUTHOR_REF), k -> new double[2]);
      h[0] += r.<Integer>getAs(Reviews.HELPFUL_VOTES);
      h[1] += r.<Integer>getAs(Reviews.TOTAL_VOTES);
    }

    Map<String, double[]> textLength = new HashMap<>();
    for (Row r : goodReviews()) {
      String text = r.getAs(Reviews.TEXT);
      double[] l = textLength.computeIfAbsent(r.getAs(Reviews.AUTHOR_REF), k -> new double[2]);
      l[0] += text == null ? 0 : text.length();
      l[1] += 1;
    }

    Map<String, double[]> stats = new HashMap<>();
    for (String segment : List.of(Segments.REGULAR, Segments.PLANTED_INFLUENCER, Segments.BIG_SPENDER)) {
      List<Row> online = segment(segment).stream().filter(t -> t.getAs(Truth.ACCOUNT_REF) != null)
          .collect(Collectors.toList());
      double helpfulVotes = 0;
      double totalVotes = 0;
      double characters = 0;
      double texts = 0;
      for (Row t : online) {
        double[] h = helpful.getOrDefault(t.<String>getAs(Truth.ACCOUNT_REF), new double[2]);
        helpfulVotes += h[0];
        totalVotes += h[1];
        double[] l = textLength.getOrDefault(t.<String>getAs(Truth.ACCOUNT_REF), new double[2]);
        characters += l[0];
        texts += l[1];
      }
      stats.put(segment, new double[] {
          mean(online, t -> reviewsBy.getOrDefault(t.<String>getAs(Truth.ACCOUNT_REF), 0)),
          mean(online, t -> followers.getOrDefault(t.<String>getAs(Truth.ACCOUNT_REF), 0)),
          mean(online, t -> referredVisits.getOrDefault(t.<String>getAs(Truth.ACCOUNT_REF), 0)),
          mean(online, t -> t.<Long>getAs(Truth.N_REFERRED_CUSTOMERS)),
          mean(online, t -> audienceOf.getOrDefault(t.<String>getAs(Truth.ACCOUNT_REF), 0L)),
          totalVotes == 0 ? 0 : helpfulVotes / totalVotes,
          texts == 0 ? 0 : characters / texts,
          mean(segment(segment), t -> t.<BigDecimal>getAs(Truth.TOTAL_SPEND).doubleValue())});
    }
    String[] names = {"reviews", "followers", "referred visits", "referred customers", "audience", "helpful ratio",
        "review length"};
    double[] influencer = stats.get(Segments.PLANTED_INFLUENCER);
    for (int i = 0; i < names.length; i++) {
      for (String other : List.of(Segments.REGULAR, Segments.BIG_SPENDER)) {
        double factor = i >= 5 ? 1.3 : 3.0;
        assertTrue(influencer[i] > factor * stats.get(other)[i],
            names[i] + ": influencers " + influencer[i] + " vs " + other + " " + stats.get(other)[i]);
      }
    }
    double[] big = stats.get(Segments.BIG_SPENDER);
    double[] regular = stats.get(Segments.REGULAR);
    assertTrue(influencer[7] < regular[7] && regular[7] * 5 < big[7],
        "total spend: influencers " + influencer[7] + ", regular " + regular[7] + ", big spenders " + big[7]);
    assertEquals(30L, data.plantedInfluencers());
    assertEquals(30L, segment(Segments.PLANTED_INFLUENCER).size());
    assertEquals(30L, segment(Segments.BIG_SPENDER).size());
    long referredPersons = truth.stream().filter(t -> t.getAs(Truth.REFERRED_BY) != null).count();
    assertEquals(referredPersons, truth.stream().mapToLong(t -> t.<Long>getAs(Truth.N_REFERRED_CUSTOMERS)).sum());
  }

  // ---------------------------------------------------------------- bad rows and counts

  @Test
  void returnedCountsEqualTheFiles() {
    assertEquals(transactions.size(), data.rowCounts().get(DemoTables.TRANSACTIONS));
    assertEquals(clickstream.size(), data.rowCounts().get(DemoTables.CLICKSTREAM));
    assertEquals(reviews.size(), data.rowCounts().get(DemoTables.REVIEWS));
    assertEquals(links.size(), data.rowCounts().get(DemoTables.IDENTITY_LINKS));
    assertEquals(follows.size(), data.rowCounts().get(DemoTables.FOLLOWS));
    assertEquals(audience.size(), data.rowCounts().get(DemoTables.AUDIENCE));
    assertEquals(consent.size(), data.rowCounts().get(DemoTables.CONSENT));
    assertEquals(truth.size(), data.rowCounts().get(DemoTables.TRUTH));
    assertEquals(spec.customers(), truth.size());

    Map<BadRowKind, Long> tx = new HashMap<>();
    tx.put(BadRowKind.UNPARSABLE_AMOUNT, transactions.stream()
        .filter(r -> r.getAs(Transactions.AMOUNT) != null && !AMOUNT.matcher(r.<String>getAs(Transactions.AMOUNT)).matches())
        .count());
    tx.put(BadRowKind.TS_AFTER_END, transactions.stream()
        .filter(r -> r.getAs(Transactions.TS) != null && r.<String>getAs(Transactions.TS).compareTo(endCsv) > 0).count());
    tx.put(BadRowKind.MISSING_FIELD, transactions.stream().filter(DemoDataGeneratorTest::transactionMissesField).count());
    tx.put(BadRowKind.DUPLICATE_ID, duplicates(transactions, Transactions.TRANSACTION_ID));
    for (Map.Entry<BadRowKind, Long> e : tx.entrySet()) {
      assertEquals(e.getValue(), data.badRows(DemoTables.TRANSACTIONS, e.getKey()), "transactions " + e.getKey());
      assertTrue(e.getValue() > 0, "transactions " + e.getKey() + " planted");
    }
    assertEquals(4, data.badRows().get(DemoTables.TRANSACTIONS).size());

    Map<BadRowKind, Long> rv = new HashMap<>();
    rv.put(BadRowKind.RATING_OUT_OF_RANGE, reviews.stream()
        .filter(r -> r.getAs(Reviews.RATING) != null && r.<Integer>getAs(Reviews.RATING) > 5).count());
    rv.put(BadRowKind.TS_AFTER_END, reviews.stream()
        .filter(r -> r.getAs(Reviews.TS) != null && r.<String>getAs(Reviews.TS).compareTo(endIso) > 0).count());
    rv.put(BadRowKind.MISSING_FIELD, reviews.stream().filter(DemoDataGeneratorTest::reviewMissesField).count());
    rv.put(BadRowKind.DUPLICATE_ID, duplicates(reviews, Reviews.REVIEW_ID));
    for (Map.Entry<BadRowKind, Long> e : rv.entrySet()) {
      assertEquals(e.getValue(), data.badRows(DemoTables.REVIEWS, e.getKey()), "reviews " + e.getKey());
    }
    assertEquals(transactions.size() - goodTransactions().size(),
        data.badRows(DemoTables.TRANSACTIONS) - tx.get(BadRowKind.DUPLICATE_ID), "bad kinds do not overlap");
    assertTrue(data.badRows(DemoTables.REVIEWS) > 0, "review bad rows planted");
  }

  // ---------------------------------------------------------------- helpers

  private static StructType schemaOf(String table) {
    return switch (table) {
      case DemoTables.TRANSACTIONS -> DemoSchemas.TRANSACTIONS;
      case DemoTables.CLICKSTREAM -> DemoSchemas.CLICKSTREAM;
      case DemoTables.REVIEWS -> DemoSchemas.REVIEWS;
      case DemoTables.IDENTITY_LINKS -> DemoSchemas.IDENTITY_LINKS;
      case DemoTables.FOLLOWS -> DemoSchemas.FOLLOWS;
      case DemoTables.AUDIENCE -> DemoSchemas.AUDIENCE;
      case DemoTables.CONSENT -> DemoSchemas.CONSENT;
      default -> DemoSchemas.TRUTH;
    };
  }

  private static boolean transactionMissesField(Row r) {
    return r.getAs(Transactions.TRANSACTION_ID) == null || r.getAs(Transactions.TS) == null
        || r.getAs(Transactions.AMOUNT) == null || r.getAs(Transactions.CHANNEL) == null;
  }

  private static boolean reviewMissesField(Row r) {
    return r.getAs(Reviews.REVIEW_ID) == null || r.getAs(Reviews.AUTHOR_REF) == null
        || r.getAs(Reviews.PRODUCT_ID) == null || r.getAs(Reviews.TS) == null || r.getAs(Reviews.RATING) == null;
  }

  /** Rows that break no rule except possibly sharing an id (duplicates are both kept here). */
  private static List<Row> goodTransactions() {
    return transactions.stream()
        .filter(r -> !transactionMissesField(r))
        .filter(r -> AMOUNT.matcher(r.<String>getAs(Transactions.AMOUNT)).matches())
        .filter(r -> r.<String>getAs(Transactions.TS).compareTo(endCsv) <= 0)
        .collect(Collectors.toList());
  }

  private static List<Row> goodReviews() {
    return reviews.stream()
        .filter(r -> !reviewMissesField(r))
        .filter(r -> r.<Integer>getAs(Reviews.RATING) <= 5)
        .filter(r -> r.<String>getAs(Reviews.TS).compareTo(endIso) <= 0)
        .collect(Collectors.toList());
  }

  private static long duplicates(List<Row> rows, String idColumn) {
    List<String> ids = rows.stream().map(r -> r.<String>getAs(idColumn)).filter(id -> id != null)
        .collect(Collectors.toList());
    return ids.size() - new HashSet<>(ids).size();
  }

  private static Set<String> duplicatedIds(List<Row> rows, String idColumn) {
    Set<String> seen = new HashSet<>();
    Set<String> duplicated = new HashSet<>();
    for (Row r : rows) {
      String id = r.getAs(idColumn);
      if (id != null && !seen.add(id)) {
        duplicated.add(id);
      }
    }
    return duplicated;
  }

  private static List<Row> segment(String segment) {
    return truth.stream().filter(t -> t.getAs(Truth.SEGMENT).equals(segment)).collect(Collectors.toList());
  }

  private static Map<String, Integer> count(List<Row> rows, Function<Row, String> key) {
    Map<String, Integer> counts = new HashMap<>();
    for (Row r : rows) {
      counts.merge(key.apply(r), 1, Integer::sum);
    }
    return counts;
  }

  private static double mean(List<Row> rows, Function<Row, Number> value) {
    return rows.stream().mapToDouble(r -> value.apply(r).doubleValue()).average().orElse(0.0);
  }

  private static void assertClose(double expected, List<Row> rows, String column, String what) {
    assertClose(expected, rows.stream().mapToDouble(r -> r.<Double>getAs(column)).toArray(), what);
  }

  /** The sample mean is within 4 standard errors of the expectation. */
  private static void assertClose(double expected, double[] values, String what) {
    double mean = Arrays.stream(values).average().orElse(Double.NaN);
    double variance = Arrays.stream(values).map(v -> (v - mean) * (v - mean)).sum() / (values.length - 1);
    double standardError = Math.sqrt(variance / values.length);
    assertTrue(Math.abs(mean - expected) < 4 * standardError,
        String.format("%s: %.4f vs expected %.4f (se %.4f, n %d)", what, mean, expected, standardError, values.length));
  }

  private static List<String> lines(Path file) {
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

}
