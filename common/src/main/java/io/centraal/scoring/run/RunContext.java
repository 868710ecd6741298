package io.centraal.scoring.run;

import java.time.LocalDate;

/**
 * What identifies one run, passed explicitly to every stage: stages never read a clock.
 *
 * @param asOfDate    the date scored; data up to and including this day is known
 * @param runId       unique id of this run, stored with every row it writes
 * @param codeVersion version of centraal that produced the output
 */
public record RunContext(LocalDate asOfDate, String runId, String codeVersion) {
  public RunContext {
    if (asOfDate == null || runId == null || runId.isBlank()) {
      throw new IllegalArgumentException("a run needs an as-of date and a run id");
    }
  }

  /** SQL literal of the as-of date, for replaceWhere predicates. */
  public String asOfLiteral() {
    return "DATE'" + asOfDate + "'";
  }
}
