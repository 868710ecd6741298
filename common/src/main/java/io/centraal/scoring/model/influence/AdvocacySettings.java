package io.centraal.scoring.model.influence;

import com.typesafe.config.Config;
import java.util.Locale;

/**
 * Rating-scale mapping of {@link AdvocacyScoring}. A customer's average rating is rounded half-up to a
 * scale point p; p &gt;= promoterMin is a promoter, p &gt;= passiveMin a passive, lower a detractor.
 * No defaults in Java; recommended: NPS 0-10 scale {@code (0, 10, 9, 7)}; 1-5 star reviews
 * {@code (1, 5, 5, 4)} (5 promoter, 4 passive, 1-3 detractor), which is what the review
 * contract (rating 1-5) needs.
 *
 * @param scaleMin lowest scale point (e.g. 1)
 * @param scaleMax highest scale point (e.g. 5)
 * @param promoterMin lowest promoter point (e.g. 5)
 * @param passiveMin lowest passive point (e.g. 4); below it is detractor
 */
public record AdvocacySettings(int scaleMin, int scaleMax, int promoterMin, int passiveMin) {
  public AdvocacySettings {
    if (!(scaleMin < passiveMin && passiveMin <= promoterMin && promoterMin <= scaleMax)) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "AdvocacySettings: need scaleMin < passiveMin <= promoterMin <= scaleMax, got %d, %d, %d, %d",
          scaleMin, passiveMin, promoterMin, scaleMax));
    }
  }

  /** {@code centraal.score.advocacy} on the rating scale of {@code centraal.ingest}; {@code c} is the centraal block. */
  public static AdvocacySettings from(Config c) {
    return new AdvocacySettings(c.getInt("ingest.rating-min"), c.getInt("ingest.rating-max"),
        c.getInt("score.advocacy.promoter-min"), c.getInt("score.advocacy.passive-min"));
  }
}
