package io.centraal.scoring.features;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.sql.Date;
import java.time.LocalDate;
import java.util.Collection;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * The customers' keyed activity up to a date: the purchase days ({@link TransactionFeatures#daily})
 * and the clickstream's visit rows ({@link ClickstreamFeatures#visitDays}). Features at that date
 * or any earlier one read the rows up to their own date, which are what those functions would have
 * made from the bronze rows at that date: both are grouped by UTC day, and a day is in or out whole.
 *
 * <p>Why: a run needs the features at the churn and influence cut-offs too, and labels churn and
 * measures drift from the purchase days up to the as-of date. Built once and cached
 * ({@link #cached}), the bronze transactions and clickstream are read, keyed to customers and
 * grouped once for all of them instead of once each. A run's features stage also keeps here the
 * features it built at the cut-offs ({@link #keepFeatures}) for its score stage.
 */
public final class KeyedActivity implements AutoCloseable {
  private final Dataset<Row> dailyPurchases;
  private final Dataset<Row> visitDays;
  private final LocalDate upTo;
  /** Features built ahead for some dates (a run's cut-offs), cached; null when none. */
  private Dataset<Row> keptFeatures;
  private Set<LocalDate> keptDates = Set.of();

  private KeyedActivity(Dataset<Row> dailyPurchases, Dataset<Row> visitDays, LocalDate upTo) {
    this.dailyPurchases = dailyPurchases;
    this.visitDays = visitDays;
    this.upTo = upTo;
  }

  /** The activity of {@code in} up to {@code upTo}, lazy (nothing is read until a query uses it). */
  public static KeyedActivity of(FeatureInputs in, LocalDate upTo) {
    return new KeyedActivity(CustomerFeatures.dailyPurchases(in, upTo),
        ClickstreamFeatures.visitDays(ClickstreamFeatures.keyed(in.clickstream(), in.identityMap(), upTo)), upTo);
  }

  /**
   * {@link #of}, cached at memory and disk as each part is first read; {@link #close} releases it.
   * Two threads may read it at once (Spark fills a cache once). Spark keeps one cache per query
   * plan: closing another activity of the same inputs and date releases this one's cache too.
   */
  public static KeyedActivity cached(FeatureInputs in, LocalDate upTo) {
    KeyedActivity lazy = of(in, upTo);
    return new KeyedActivity(lazy.dailyPurchases.persist(StorageLevel.MEMORY_AND_DISK()),
        lazy.visitDays.persist(StorageLevel.MEMORY_AND_DISK()), upTo);
  }

  /** Purchase days on or before {@code asOf} ({@link TransactionFeatures#daily} at that date). */
  public Dataset<Row> dailyPurchases(LocalDate asOf) {
    return through(dailyPurchases, TransactionFeatures.PURCHASE_DATE, asOf);
  }

  /** Visit rows on or before {@code asOf} ({@link ClickstreamFeatures#visitDays} of the events at that date). */
  public Dataset<Row> visitDays(LocalDate asOf) {
    return through(visitDays, ClickstreamFeatures.VISIT_DATE, asOf);
  }

  /** The rows whose {@code dayColumn} is on or before {@code asOf}: all of them at the activity's own date. */
  private Dataset<Row> through(Dataset<Row> rows, String dayColumn, LocalDate asOf) {
    if (asOf.isAfter(upTo)) {
      throw new IllegalArgumentException("activity up to " + upTo + " cannot give the features as of " + asOf);
    }
    return asOf.equals(upTo) ? rows : rows.where(col(dayColumn).leq(lit(Date.valueOf(asOf))));
  }

  /**
   * Keeps {@code features} (cached rows of {@link CustomerFeatures#build} over several dates) for
   * the later builds at {@code dates} from this activity, which then return those rows instead of
   * building again; {@link #close} releases them. Only a build of the same inputs and settings may
   * be kept (a run's features stage, for its score stage's cut-offs).
   */
  public void keepFeatures(Dataset<Row> features, Collection<LocalDate> dates) {
    for (LocalDate date : dates) {
      if (date.isAfter(upTo)) {
        throw new IllegalArgumentException("activity up to " + upTo + " cannot keep the features as of " + date);
      }
    }
    releaseFeatures();
    keptFeatures = features;
    keptDates = Set.copyOf(dates);
  }

  /** The kept features at {@code asOf} ({@link #keepFeatures}), if that date was kept. */
  Optional<Dataset<Row>> keptFeatures(LocalDate asOf) {
    return keptDates.contains(asOf)
        ? Optional.of(keptFeatures.where(Keyed.isAsOf(asOf)))
        : Optional.empty();
  }

  private void releaseFeatures() {
    if (keptFeatures != null) {
      keptFeatures.unpersist();
    }
    keptFeatures = null;
    keptDates = Set.of();
  }

  /** Whether both parts are cached (by {@link #cached}, until {@link #close}). */
  public boolean isCached() {
    return dailyPurchases.storageLevel().isValid() && visitDays.storageLevel().isValid();
  }

  /**
   * Releases the cache of {@link #cached} (nothing for {@link #of}) and the kept features; the rows
   * can still be read, recomputed.
   */
  @Override
  public void close() {
    releaseFeatures();
    dailyPurchases.unpersist();
    visitDays.unpersist();
  }
}
