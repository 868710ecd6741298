package io.centraal.scoring.model.influence;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.util.Map;
import java.util.List;
import java.util.LinkedHashMap;
import io.centraal.scoring.schema.Stage;
import io.centraal.scoring.schema.StageSchema;
import io.centraal.scoring.schema.StageSchema.Kind;
import io.centraal.scoring.schema.FeatureColumns;
import io.centraal.scoring.schema.ScoreColumns;
import java.util.Objects;
import java.util.OptionalDouble;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * Advocacy class per customer — promoter, passive or detractor, in the sense of the Net Promoter
 * Score — from the customer's own ratings, and the overall NPS.
 *
 * <p><b>Input</b>: {@code avg_rating} (numeric, on the scale of {@link AdvocacySettings}) and
 * {@code review_count} (integral). <b>Output</b>: the input plus {@code advocacy} (string:
 * {@value #PROMOTER}, {@value #PASSIVE}, {@value #DETRACTOR}, or null).
 *
 * <p><b>Why the average rating</b> (not the latest): the silver features hold per-customer
 * aggregates, not individual reviews, and one late review should not flip a long-standing
 * promoter. The average is rounded half-up to a scale point and mapped with the settings (1-5
 * default: 4.5 and above promoter, 3.5 to 4.49 passive, below detractor). Averages outside the
 * scale are clamped to it.
 *
 * <p><b>Null semantics</b>: {@code advocacy} is null when the customer has no ratings
 * ({@code review_count} null or 0, or {@code avg_rating} null): silence is not an opinion, and
 * such customers are left out of the NPS rather than counted as passives.
 */
public final class AdvocacyScoring implements Stage {
  public static final String PROMOTER = "promoter";
  public static final String PASSIVE = "passive";
  public static final String DETRACTOR = "detractor";

  private final AdvocacySettings settings;

  public AdvocacyScoring(AdvocacySettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  @Override
  public Map<String, Kind> inputColumns() {
    Map<String, Kind> in = new LinkedHashMap<>();
    in.put(FeatureColumns.AVG_RATING, Kind.NUMERIC);
    in.put(FeatureColumns.REVIEW_COUNT, Kind.INTEGRAL);
    return in;
  }

  @Override
  public List<String> outputColumns() {
    return List.of(ScoreColumns.ADVOCACY);
  }

  /** Adds {@code advocacy}; see the class doc. */
  @Override
  public Dataset<Row> transform(Dataset<Row> customers) {
    return customers.withColumn(ScoreColumns.ADVOCACY,
        classify(col(FeatureColumns.AVG_RATING), col(FeatureColumns.REVIEW_COUNT)));
  }

  /** The advocacy expression on its own, for callers that already checked the schema. */
  public Column classify(Column avgRating, Column reviewCount) {
    Column point = least(lit((double) settings.scaleMax()),
        greatest(lit((double) settings.scaleMin()), floor(avgRating.cast("double").plus(0.5))));
    Column hasRatings = reviewCount.isNotNull().and(reviewCount.gt(0)).and(avgRating.isNotNull());
    return when(hasRatings,
        when(point.geq(settings.promoterMin()), lit(PROMOTER))
            .when(point.geq(settings.passiveMin()), lit(PASSIVE))
            .otherwise(lit(DETRACTOR)));
  }

  /**
   * Net Promoter Score over the customers with an advocacy class: % promoters − % detractors, in
   * [-100, 100]. Customers with a null {@code advocacy} are excluded. Empty when no customer has
   * a class (an NPS of 0 would claim a balance that was never measured).
   *
   * @param scored a table with the {@code advocacy} column (string)
   */
  public static OptionalDouble nps(Dataset<Row> scored) {
    StageSchema.require(scored.schema(), "AdvocacyScoring.nps", ScoreColumns.ADVOCACY, Kind.STRING);
    Column adv = col(ScoreColumns.ADVOCACY);
    Row r = scored.agg(
        count(adv),
        count(when(adv.equalTo(PROMOTER), lit(1))),
        count(when(adv.equalTo(DETRACTOR), lit(1)))).first();
    long classified = r.getLong(0);
    if (classified == 0) {
      return OptionalDouble.empty();
    }
    return OptionalDouble.of(100.0 * (r.getLong(1) - r.getLong(2)) / classified);
  }
}
