package io.centraal.scoring.demo;

/**
 * The kinds of deliberately broken rows the demo generator plants in {@code transactions/} and
 * {@code reviews/}, so that the ingest quarantine has something to show. Each bad row is an
 * <em>extra</em> row next to the good data: dropping every bad row leaves exactly the ground truth.
 */
public enum BadRowKind {
  /** transactions: amount is text like {@code 12,3x} (a copy of a good row with a new id). */
  UNPARSABLE_AMOUNT,
  /** transactions and reviews: ts between 1 second and 30 days after the end date. */
  TS_AFTER_END,
  /** reviews: rating 7 (a copy of a good review with a new id). */
  RATING_OUT_OF_RANGE,
  /**
   * transactions and reviews: the transaction_id / review_id of the good row just before it, with
   * different content (transactions: another amount and a later ts; reviews: another rating and
   * votes). The counted bad row is the second one; a pipeline cannot tell which of the two is right.
   */
  DUPLICATE_ID,
  /**
   * transactions: one of transaction_id, ts, amount, channel is empty; reviews: one of review_id,
   * author_ref, product_id, ts, rating is null. customer_ref is never the missing field because an
   * empty customer_ref is a legitimate anonymous till sale.
   */
  MISSING_FIELD;

  /** The lower-case name used in the internal marker column and in reports. */
  public String code() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
