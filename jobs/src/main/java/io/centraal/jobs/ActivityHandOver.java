package io.centraal.jobs;

import io.centraal.scoring.features.FeatureInputs;
import io.centraal.scoring.features.KeyedActivity;
import java.time.LocalDate;

/**
 * The keyed activity of one as-of date, built by the features stage of a {@code run} and handed to
 * its score stage, so that the bronze transactions and clickstream are read, keyed and grouped once
 * for both (the score stage's cut-off builds, churn labels and drift read the same activity). Nothing
 * writes those tables or the identity map between the two stages, so the activity the features
 * stage built is the one the score stage would build.
 *
 * <p>A stage run on its own ({@code centraal score}) has an empty hand-over and builds its own.
 * Whoever takes the activity closes it; the run closes the hand-over after each date, which
 * releases an activity no stage took (the score stage failed before it, or did not run).
 */
final class ActivityHandOver implements AutoCloseable {
  private KeyedActivity kept;
  private LocalDate keptAsOf;

  /** A cached activity of {@code in} up to {@code asOf}, kept for {@link #take} (the features stage's). */
  KeyedActivity keep(FeatureInputs in, LocalDate asOf) {
    close();
    kept = KeyedActivity.cached(in, asOf);
    keptAsOf = asOf;
    return kept;
  }

  /**
   * The kept activity when it is of {@code asOf}, else a new cached one of {@code in}; either way
   * the caller's to close, and the hand-over holds nothing after.
   */
  KeyedActivity take(FeatureInputs in, LocalDate asOf) {
    KeyedActivity activity = asOf.equals(keptAsOf) ? kept : null;
    if (activity == null) {
      close();
      return KeyedActivity.cached(in, asOf);
    }
    kept = null;
    keptAsOf = null;
    return activity;
  }

  /** Releases an activity kept and not taken. */
  @Override
  public void close() {
    if (kept != null) {
      kept.close();
    }
    kept = null;
    keptAsOf = null;
  }
}
