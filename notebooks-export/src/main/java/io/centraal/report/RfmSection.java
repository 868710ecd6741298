package io.centraal.report;

import io.centraal.report.Fmt.Kind;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** RFM segments: how many customers each holds and what share of the predicted value. */
final class RfmSection {
  private RfmSection() {}

  static Report.Section build(ReportContext c) {
    // Same definition as RfmScoring.segmentSummary: value = sum of the CLV column (nulls ignored).
    ReportContext.Result seg = c.query("""
        SELECT rfm_segment,
               count(*) AS customers,
               count(*) / sum(count(*)) OVER () AS customer_share,
               sum(%1$s) AS total_value,
               sum(%1$s) / sum(sum(%1$s)) OVER () AS value_share,
               avg(%1$s) AS mean_value
        FROM customer_scores
        WHERE as_of_date = %2$s
        GROUP BY rfm_segment
        ORDER BY customers DESC, rfm_segment
        """.formatted(c.clv, c.date()));
    if (seg.isEmpty()) {
      return new Report.Section("rfm", "RFM segments", "No customers scored.",
          List.of(ReportContext.missing("rfm-segments", "Segments", seg.sql(), "customer_scores is empty for this date.")));
    }
    Map<String, double[]> shares = new LinkedHashMap<>();
    shares.put("share of customers", seg.doubles("customer_share"));
    shares.put("share of " + c.clv, seg.doubles("value_share"));
    Report.Chart chart = Charts.bars("RFM segments: share of customers vs share of predicted value", "Segment",
        "Share (%)", seg.strings("rfm_segment"), shares, true, true);
    Report.Block block = ReportContext.block("rfm-segments", "Segment sizes and share of value",
        "Value = " + c.clv + " (predicted, discounted CLV over the horizon). A segment whose value share exceeds its"
            + " customer share is worth more than its headcount suggests.",
        seg, "pdf = df.toPandas()\npdf.plot.barh(x=\"rfm_segment\", y=[\"customer_share\", \"value_share\"],"
            + " title=\"RFM segments\", xlabel=\"Share\")",
        seg.table(Map.of("customer_share", Kind.PERCENT, "value_share", Kind.PERCENT)), chart);
    return new Report.Section("rfm", "RFM segments",
        "Recency, frequency and monetary scores 1-5 by quantile, mapped to named segments by the configured score map.",
        List.of(block));
  }
}
