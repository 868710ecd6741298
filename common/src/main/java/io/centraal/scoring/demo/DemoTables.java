package io.centraal.scoring.demo;

import io.centraal.scoring.schema.SourceContracts;
import java.util.List;

/** Folder names of the generated tables under the output directory: the source names of the contracts. */
public final class DemoTables {
  private DemoTables() {}

  /** CSV with header. */
  public static final String TRANSACTIONS = SourceContracts.TRANSACTIONS;
  /** JSON lines. */
  public static final String CLICKSTREAM = SourceContracts.CLICKSTREAM;
  /** JSON lines. */
  public static final String REVIEWS = SourceContracts.REVIEWS;
  /** CSV with header. */
  public static final String IDENTITY_LINKS = SourceContracts.IDENTITY_LINKS;
  /** CSV with header. */
  public static final String FOLLOWS = SourceContracts.FOLLOWS;
  /** CSV with header. */
  public static final String AUDIENCE = SourceContracts.AUDIENCE;
  /** CSV with header. */
  public static final String CONSENT = SourceContracts.CONSENT;
  /** Parquet: the ground truth per generated person. */
  public static final String TRUTH = "truth";

  /** All tables, in the order they are written. */
  public static final List<String> ALL = List.of(
      TRANSACTIONS, CLICKSTREAM, REVIEWS, IDENTITY_LINKS, FOLLOWS, AUDIENCE, CONSENT, TRUTH);

  /** Tables that receive bad rows. */
  public static final List<String> WITH_BAD_ROWS = List.of(TRANSACTIONS, REVIEWS);
}
