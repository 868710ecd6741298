package io.centraal.scoring.pipeline;

import io.centraal.scoring.config.CentraalSettings;
import io.centraal.scoring.features.CustomerFeatures;
import io.centraal.scoring.features.FeatureInputs;
import io.centraal.scoring.features.KeyedActivity;
import io.centraal.scoring.model.influence.Sentiment;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/** The features of every customer as of a date, under the run's settings (also at the models' cut-offs). */
public final class FeatureStage {
  private FeatureStage() {}

  /** {@link CustomerFeatures#build} with the configured feature settings, rating scale and review sentiment. */
  public static CustomerFeatures.Built build(FeatureInputs inputs, CentraalSettings settings, LocalDate asOf) {
    return CustomerFeatures.build(inputs, asOf, settings.features(), Sentiment::score,
        settings.ingest().ratingMin(), settings.ingest().ratingMax());
  }

  /**
   * {@link CustomerFeatures#build(FeatureInputs, KeyedActivity, List, io.centraal.scoring.features.FeatureSettings,
   * java.util.function.UnaryOperator, int, int) The features at several dates} in one query, from a
   * shared activity up to the last of them or later.
   */
  public static CustomerFeatures.Built build(FeatureInputs inputs, KeyedActivity activity, CentraalSettings settings,
                                             List<LocalDate> dates) {
    return CustomerFeatures.build(inputs, activity, dates, settings.features(), Sentiment::score,
        settings.ingest().ratingMin(), settings.ingest().ratingMax());
  }

  /**
   * The dates at which a run's score stage builds features besides the as-of date: the churn
   * cut-off when it trains a churn model, the influence cut-off when it fits weights.
   */
  public static List<LocalDate> modelCutoffs(CentraalSettings settings, LocalDate asOf, boolean trainsChurn,
                                             boolean fitsInfluence) {
    List<LocalDate> cutoffs = new ArrayList<>();
    if (trainsChurn) {
      cutoffs.add(ChurnStep.cutoff(asOf, settings.churn().windowDays()));
    }
    if (fitsInfluence) {
      InfluenceStep.cutoff(settings, asOf).ifPresent(cutoffs::add);
    }
    return cutoffs;
  }

  /** {@link #build} from a shared activity up to {@code asOf} or later (a model's cut-off in the score stage). */
  public static CustomerFeatures.Built build(FeatureInputs inputs, KeyedActivity activity, CentraalSettings settings,
                                             LocalDate asOf) {
    return CustomerFeatures.build(inputs, activity, asOf, settings.features(), Sentiment::score,
        settings.ingest().ratingMin(), settings.ingest().ratingMax());
  }
}
