package io.centraal.scoring.dq;

/** Why a row was quarantined. Stored as text in the quarantine table; names are part of the contract. */
public enum ReasonCode {
  /** A required field is null or empty after mapping. */
  MISSING_REQUIRED,
  /** A numeric field holds text that is not a number (or not a whole number where one is needed). */
  UNPARSABLE_NUMBER,
  /** A timestamp field does not match the configured pattern or is not a real date. */
  UNPARSABLE_TIMESTAMP,
  /** A boolean field is not one of true/false/1/0/yes/no. */
  UNPARSABLE_BOOLEAN,
  /** An amount is NaN or infinite. */
  NOT_FINITE,
  /** An amount's absolute value exceeds centraal.ingest.max-abs-amount. */
  AMOUNT_OUT_OF_RANGE,
  /**
   * The event is dated after the day the ingest runs (+ 1 day of time-zone slack): it cannot have
   * happened yet. (A row merely after the as-of date of a back-dated run is deferred, not quarantined.)
   */
  TS_IN_FUTURE,
  /** The event is older than centraal.ingest.timestamp-floor (e.g. 0001-01-01 placeholders). */
  TS_BEFORE_FLOOR,
  /** Another row in the same input has the same natural key; the first (by file, then content) is kept. */
  DUPLICATE_KEY,
  /** The currency is not in centraal.ingest.currencies. */
  UNKNOWN_CURRENCY,
  /** The rating is outside [rating-min, rating-max]. */
  RATING_OUT_OF_RANGE,
  /** A count is negative, or helpful votes exceed total votes. */
  INVALID_COUNT,
  /** A field holds a nested value (JSON object or array) where the contract expects one value. */
  NESTED_VALUE,
  /** The reader could not parse the record at all (malformed JSON line, broken CSV quoting). */
  MALFORMED_RECORD
}
