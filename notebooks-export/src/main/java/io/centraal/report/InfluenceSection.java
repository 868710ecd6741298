package io.centraal.report;

import io.centraal.report.Fmt.Kind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;

/** Influence: the value quadrant (influence vs CLV), the top hidden influencers and the NPS. */
final class InfluenceSection {
  private InfluenceSection() {}

  /** Points drawn in the scatter; a deterministic hash sample above that. */
  static final int MAX_POINTS = 5000;
  static final List<String> QUADRANTS = List.of("Champion", "Hidden influencer", "Spender", "Low value");

  static Report.Section build(ReportContext c) {
    List<Report.Block> blocks = new ArrayList<>();

    ReportContext.Result quadrants = c.query("""
        SELECT value_quadrant, count(*) AS customers, count(*) / sum(count(*)) OVER () AS customer_share,
               avg(influence_score) AS mean_influence, avg(%1$s) AS mean_clv, sum(%1$s) AS total_clv,
               count_if(risk_flag) AS risk_flagged
        FROM customer_scores
        WHERE as_of_date = %2$s
        GROUP BY value_quadrant
        ORDER BY customers DESC, value_quadrant
        """.formatted(c.clv, c.date()));

    ReportContext.Result cuts = c.query("""
        SELECT min(CASE WHEN clv_tier = 'high' THEN %1$s END) AS high_clv_from,
               min(CASE WHEN value_quadrant IN ('Champion', 'Hidden influencer') THEN influence_score END)
                 AS high_influence_from,
               percentile(%1$s, 0.99) AS p99_clv,
               count(*) AS customers
        FROM customer_scores
        WHERE as_of_date = %2$s
        """.formatted(c.clv, c.date()));
    ReportContext.Result points = c.query("""
        SELECT customer_key, coalesce(%1$s, 0.0) AS clv, influence_score, value_quadrant
        FROM customer_scores
        WHERE as_of_date = %2$s
        ORDER BY xxhash64(customer_key)
        LIMIT %3$d
        """.formatted(c.clv, c.date(), MAX_POINTS));
    Map<String, List<double[]>> groups = new LinkedHashMap<>();
    QUADRANTS.forEach(q -> groups.put(q, new ArrayList<>()));
    for (Row r : points.rows()) {
      if (r.isNullAt(2)) {
        continue;
      }
      String q = r.isNullAt(3) ? "(none)" : r.getString(3);
      groups.computeIfAbsent(q, k -> new ArrayList<>()).add(new double[] {((Number) r.get(1)).doubleValue(),
          ((Number) r.get(2)).doubleValue()});
    }
    groups.values().removeIf(List::isEmpty);
    Map<String, Double> vLines = new LinkedHashMap<>();
    Map<String, Double> hLines = new LinkedHashMap<>();
    double clvCut = cuts.firstDouble("high_clv_from");
    double infCut = cuts.firstDouble("high_influence_from");
    if (!Double.isNaN(clvCut)) {
      vLines.put("high CLV tier", clvCut);
    }
    if (!Double.isNaN(infCut)) {
      hLines.put("high influence", infCut);
    }
    double p99 = cuts.firstDouble("p99_clv");
    double xMax = Double.isNaN(p99) ? Double.NaN : Math.max(p99, Double.isNaN(clvCut) ? 0 : clvCut) * 1.08;
    long all = cuts.firstLong("customers");
    String sample = all > MAX_POINTS ? " A deterministic sample of " + Fmt.count(MAX_POINTS) + " of " + Fmt.count(all)
        + " customers is drawn." : "";
    blocks.add(ReportContext.block("value-quadrants", "Value quadrants: influence vs CLV",
        "Financial value (" + c.clv + ") against non-financial value (influence score 0-100). Dashed lines: the"
            + " lowest CLV in the high CLV tier and the lowest influence score counted as high. The CLV axis stops at"
            + " the 99th percentile; customers without a CLV estimate sit at 0." + sample,
        quadrants, "pts = spark.sql(\"\"\"\n" + points.sql().strip() + "\n\"\"\").toPandas()\n"
            + "ax = None\nfor q, g in pts.groupby(\"value_quadrant\"):\n"
            + "    ax = g.plot.scatter(x=\"clv\", y=\"influence_score\", label=q, s=6, ax=ax, alpha=0.6)",
        quadrants.table(Map.of("customer_share", Kind.PERCENT, "mean_influence", Kind.DECIMAL2)),
        Charts.scatter("Influence vs CLV by value quadrant", c.clv + " (currency units)", "Influence score (0-100)",
            groups, vLines, hLines, xMax)));

    ReportContext.Result hidden = c.query("""
        SELECT customer_key, influence_score, influence_reviews, influence_reach, influence_referrals,
               influence_advocacy, %1$s, referral_value, clv_tier, advocacy
        FROM customer_scores
        WHERE as_of_date = %2$s AND value_quadrant = 'Hidden influencer'
        ORDER BY influence_score DESC, customer_key
        LIMIT 10
        """.formatted(c.clv, c.date()));
    blocks.add(hidden.isEmpty()
        ? ReportContext.missing("hidden-influencers", "Top hidden influencers", hidden.sql(),
            "No hidden influencers (high influence, not high CLV) on this date.")
        : ReportContext.block("hidden-influencers", "Top 10 hidden influencers",
            "High influence, low or medium CLV: the customers a purchase-only CRM misses. Components are percentile"
                + " ranks (0-1); referral_value is the discounted margin of the customers their shared links"
                + " brought.", hidden, null,
            hidden.table(Map.of("influence_reviews", Kind.DECIMAL2, "influence_reach", Kind.DECIMAL2,
                "influence_referrals", Kind.DECIMAL2, "influence_advocacy", Kind.DECIMAL2, "referral_value", Kind.DECIMAL2)),
            null));

    ReportContext.Result nps = c.query("""
        SELECT count(advocacy) AS rated_customers,
               count_if(advocacy = 'promoter') AS promoters,
               count_if(advocacy = 'passive') AS passives,
               count_if(advocacy = 'detractor') AS detractors,
               100.0 * (count_if(advocacy = 'promoter') - count_if(advocacy = 'detractor')) / count(advocacy) AS nps
        FROM customer_scores
        WHERE as_of_date = %s
        """.formatted(c.date()));
    double score = nps.firstDouble("nps");
    blocks.add(ReportContext.block("nps", "Net Promoter Score",
        "Customers with ratings, classed from their average rating; NPS = % promoters - % detractors"
            + (Double.isNaN(score) ? " (no rated customers)." : String.format(java.util.Locale.ROOT, ": %.1f.", score)),
        nps, null, nps.table(Map.of("nps", Kind.DECIMAL2)), null));

    return new Report.Section("influence", "Influence",
        "The non-financial value of a customer: reviews, reach in the follow graph, referrals and advocacy, combined"
            + " into a 0-100 score and crossed with CLV.", blocks);
  }
}
