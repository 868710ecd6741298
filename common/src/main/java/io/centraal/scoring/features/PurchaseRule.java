package io.centraal.scoring.features;

/** Which customer-days count as purchase periods (see {@link TransactionFeatures}). */
public enum PurchaseRule {
  /** A day is a purchase when its net spend (sales minus returns) is positive. */
  NET_POSITIVE,
  /** A day is a purchase when it has any sale line (amount >= 0), zero-value sales included. */
  ANY_SALE
}
