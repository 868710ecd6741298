package io.centraal.scoring.export;

/** Customer identifier in the marketing drop: a keyed-hash pseudonym (default) or the raw customer_key. */
public enum MarketingKey { PSEUDONYM, CUSTOMER_KEY }
