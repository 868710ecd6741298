package io.centraal.scoring.model.rfm;

import java.util.Locale;
import java.util.Objects;

/**
 * One rule of the RFM segment map: a customer whose recency score R lies in
 * {@code [rMin, rMax]} and whose FM score {@code (F + M) / 2} lies in {@code [fmMin, fmMax]}
 * (both bounds inclusive) belongs to {@code segment}. Rules are tried in order; the first match
 * wins (see {@link RfmSettings}).
 *
 * @param segment segment name written to {@code rfm_segment}, e.g. {@code "Champions"}
 * @param rMin lowest R score (inclusive)
 * @param rMax highest R score (inclusive)
 * @param fmMin lowest (F + M) / 2 (inclusive; a multiple of 0.5)
 * @param fmMax highest (F + M) / 2 (inclusive)
 */
public record RfmSegmentRule(String segment, int rMin, int rMax, double fmMin, double fmMax) {
  public RfmSegmentRule {
    Objects.requireNonNull(segment, "segment");
    if (segment.isBlank()) {
      throw new IllegalArgumentException("RFM segment rule: segment name is blank");
    }
    if (rMin > rMax || fmMin > fmMax || Double.isNaN(fmMin) || Double.isNaN(fmMax)) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "RFM segment rule '%s': empty range r=[%d,%d] fm=[%s,%s]", segment, rMin, rMax, fmMin, fmMax));
    }
  }

  /** True if this rule matches every (R, FM) pair of a {@code bins}-bin scoring. */
  public boolean coversAll(int bins) {
    return rMin <= 1 && rMax >= bins && fmMin <= 1.0 && fmMax >= bins;
  }
}
