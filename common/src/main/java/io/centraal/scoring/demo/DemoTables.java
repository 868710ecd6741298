package io.centraal.scoring.demo;

import java.util.List;

/** Folder names of the generated tables under the output directory. */
public final class DemoTables {
  private DemoTables() {}

  /** CSV with header. */
  public static final String TRANSACTIONS = "transactions";
  /** JSON lines. */
  public static final String CLICKSTREAM = "clickstream";
  /** JSON lines. */
  public static final String REVIEWS = "reviews";
  /** CSV with header. */
  public static final String IDENTITY_LINKS = "identity_links";
  /** CSV with header. */
  public static final String FOLLOWS = "follows";
  /** CSV with header. */
  public static final String AUDIENCE = "audience";
  /** CSV with header. */
  public static final String CONSENT = "consent";
  /** Parquet: the ground truth per generated person. */
  public static final String TRUTH = "truth";

  /** All tables, in the order they are written. */
  public static final List<String> ALL = List.of(
      TRANSACTIONS, CLICKSTREAM, REVIEWS, IDENTITY_LINKS, FOLLOWS, AUDIENCE, CONSENT, TRUTH);

  /** Tables that receive bad rows. */
  public static final List<String> WITH_BAD_ROWS = List.of(TRANSACTIONS, REVIEWS);
}
