package io.centraal.scoring.model.influence;

import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.when;

import java.util.Locale;
import org.apache.spark.sql.Column;

/**
 * Lower bound of the Wilson score interval for a binomial proportion: a pessimistic estimate of
 * the share of positive votes (e.g. helpful / total votes) that accounts for the number of votes.
 * One helpful vote out of one (lower bound 0.21 at z = 1.96) ranks below 90 out of 100 (0.83),
 * where the raw ratio would rank it first. Reference: E. B. Wilson (1927), "Probable inference,
 * the law of succession, and statistical inference", JASA 22(158).
 *
 * <pre>
 *   lb = (p + z²/2n − z·sqrt(p(1−p)/n + z²/4n²)) / (1 + z²/n),   p = positive / n
 * </pre>
 */
public final class Wilson {
  private Wilson() {}

  /**
   * The Wilson lower bound in [0, 1].
   *
   * @param positive positive votes, 0 ≤ positive ≤ total
   * @param total all votes; 0 gives 0 (no evidence of helpfulness)
   * @param z the normal quantile of the confidence level, e.g. 1.96 for 95 %
   * @throws IllegalArgumentException for negative counts, positive &gt; total or z &lt; 0
   */
  public static double lowerBound(long positive, long total, double z) {
    if (positive < 0 || total < 0 || positive > total || !(z >= 0)) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "Wilson.lowerBound: need 0 <= positive <= total and z >= 0, got positive=%d total=%d z=%s",
          positive, total, z));
    }
    if (total == 0) {
      return 0.0;
    }
    double n = total;
    double p = positive / n;
    double z2 = z * z;
    double centre = p + z2 / (2 * n);
    double margin = z * Math.sqrt(p * (1 - p) / n + z2 / (4 * n * n));
    return Math.max(0.0, (centre - margin) / (1 + z2 / n));
  }

  /**
   * The same bound as a Spark expression (no UDF, so Catalyst can optimise it).
   *
   * <p>Null semantics: a null {@code total} or {@code total ≤ 0} gives 0.0 (no votes, no evidence);
   * a null {@code positive} counts as 0. Dirty counts are clamped rather than failing the job:
   * {@code positive} is clamped to [0, total]. The result is never null.
   *
   * @param z the normal quantile, e.g. 1.96
   */
  public static Column lowerBound(Column positive, Column total, double z) {
    if (!(z >= 0)) {
      throw new IllegalArgumentException("Wilson.lowerBound: z must be >= 0, got " + z);
    }
    Column n = total.cast("double");
    Column pos = least(greatest(positive.cast("double"), lit(0.0)), n);
    Column p = when(pos.isNull(), lit(0.0)).otherwise(pos).divide(n);
    double z2 = z * z;
    Column centre = p.plus(lit(z2 / 2).divide(n));
    Column margin = sqrt(p.multiply(lit(1.0).minus(p)).divide(n).plus(lit(z2 / 4).divide(n.multiply(n))))
        .multiply(z);
    Column lb = greatest(lit(0.0), centre.minus(margin).divide(lit(1.0).plus(lit(z2).divide(n))));
    return when(n.isNull().or(n.leq(0.0)), lit(0.0)).otherwise(lb);
  }
}
