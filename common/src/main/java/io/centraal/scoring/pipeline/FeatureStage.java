package io.centraal.scoring.pipeline;

import io.centraal.scoring.config.CentraalSettings;
import io.centraal.scoring.features.CustomerFeatures;
import io.centraal.scoring.features.FeatureInputs;
import io.centraal.scoring.features.KeyedActivity;
import io.centraal.scoring.model.influence.Sentiment;
import java.time.LocalDate;

/** The features of every customer as of a date, under the run's settings (also at the models' cut-offs). */
public final class FeatureStage {
  private FeatureStage() {}

  /** {@link CustomerFeatures#build} with the configured feature settings, rating scale and review sentiment. */
  public static CustomerFeatures.Built build(FeatureInputs inputs, CentraalSettings settings, LocalDate asOf) {
    return CustomerFeatures.build(inputs, asOf, settings.features(), Sentiment::score,
        settings.ingest().ratingMin(), settings.ingest().ratingMax());
  }

  /** {@link #build} from a shared activity up to {@code asOf} or later (a model's cut-off in the score stage). */
  public static CustomerFeatures.Built build(FeatureInputs inputs, KeyedActivity activity, CentraalSettings settings,
                                             LocalDate asOf) {
    return CustomerFeatures.build(inputs, activity, asOf, settings.features(), Sentiment::score,
        settings.ingest().ratingMin(), settings.ingest().ratingMax());
  }
}
