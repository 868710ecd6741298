package io.centraal.scoring.ingest;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.centraal.scoring.config.CentraalSettings;
import io.centraal.scoring.config.ConfigLoader;
import io.centraal.scoring.io.DeltaTables;
import io.centraal.scoring.run.RunContext;
import io.centraal.scoring.schema.InputColumns.Reviews;
import io.centraal.scoring.schema.SourceContracts;
import io.centraal.scoring.testing.SparkExtension;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped review mappings (conf/examples/filmtrust.conf, conf/examples/amazon-fashion.conf) on
 * the real files in src/test/resources/reviews: every row maps onto the review contract, and the
 * mapped values are the ones the influence validation reads.
 */
@ExtendWith(SparkExtension.class)
class ReviewExamplesIngestTest {
  private static CentraalSettings settings(String example, Path dir, String reviewsFile) {
    Path conf = Path.of("..", "conf", "examples", example);
    Path file = Path.of("src", "test", "resources", "reviews", reviewsFile).toAbsolutePath();
    return CentraalSettings.from(ConfigLoader.load(List.of(conf), Map.of(
        "paths.data-dir", dir.resolve("data").toString(), "sources.reviews.path", file.toString())));
  }

  @Test
  void filmTrustRatingsMapOntoTheOneToFiveScale(SparkSession spark, @TempDir Path dir) {
    CentraalSettings s = settings("filmtrust.conf", dir, "filmtrust/ratings.txt");
    LocalDate asOf = LocalDate.parse("2013-01-01");
    Ingestion.SourceOutcome o = Ingestion.ingest(spark, s, SourceContracts.REVIEWS_CONTRACT,
        new RunContext(asOf, "filmtrust", "test"), asOf);
    // The release repeats 3 (user, film) pairs: quarantined on the review id.
    assertEquals(List.of(35497L, 35494L, 3L), List.of(o.read(), o.accepted(), o.quarantined()), o.toString());
    assertEquals(Map.of("DUPLICATE_KEY", 3L), o.reasons());
    Dataset<Row> bronze = DeltaTables.read(spark, s.paths().bronze(SourceContracts.REVIEWS));
    // ratings.txt line 1: "1 1 2" (2 stars) -> round(1 + 1.5 * 8 / 7) = 3.
    Row first = bronze.where(col(Reviews.REVIEW_ID).equalTo("filmtrust-1-1")).first();
    assertEquals(3, first.<Integer>getAs(Reviews.RATING));
    assertEquals("1", first.<String>getAs(Reviews.AUTHOR_REF));
    assertEquals(5L, bronze.agg(org.apache.spark.sql.functions.max(Reviews.RATING)).first().getInt(0));
  }

  @Test
  void amazonReviewsKeepOneCopyPerVariantAndTheirVotes(SparkSession spark, @TempDir Path dir) {
    CentraalSettings s = settings("amazon-fashion.conf", dir, "amazon_fashion_5.json");
    LocalDate asOf = LocalDate.parse("2018-07-06");
    Ingestion.SourceOutcome o = Ingestion.ingest(spark, s, SourceContracts.REVIEWS_CONTRACT,
        new RunContext(asOf, "amazon", "test"), asOf);
    // 3,176 rows, 89 of them repeats of a review for another product variant.
    assertEquals(List.of(3176L, 3087L, 89L), List.of(o.read(), o.accepted(), o.quarantined()), o.toString());
    assertEquals(Map.of("DUPLICATE_KEY", 89L), o.reasons());
    Dataset<Row> bronze = DeltaTables.read(spark, s.paths().bronze(SourceContracts.REVIEWS));
    Row r = bronze.agg(org.apache.spark.sql.functions.sum(Reviews.HELPFUL_VOTES),
        org.apache.spark.sql.functions.count(org.apache.spark.sql.functions.when(col(Reviews.HELPFUL_VOTES).gt(0), 1)),
        org.apache.spark.sql.functions.count(org.apache.spark.sql.functions.lit(1)),
        org.apache.spark.sql.functions.max(Reviews.RATING)).first();
    assertEquals(1664L, r.getLong(0), "helpful votes of the kept reviews ('1,234' parsed as 1234)");
    assertEquals(293L, r.getLong(1), "reviews with votes");
    assertEquals(5, r.getInt(3));
  }
}
