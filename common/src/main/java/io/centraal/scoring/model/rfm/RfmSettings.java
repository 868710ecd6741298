package io.centraal.scoring.model.rfm;

import io.centraal.scoring.run.InvalidConfigException;
import com.typesafe.config.Config;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Settings of {@link RfmScoring}. No defaults here: the lead wires them from HOCON
 * ({@code centraal.score.rfm}); the recommended values are 5 bins and the R x (F+M)/2 grid
 * documented on {@link RfmScoring}.
 *
 * @param bins number of quantile bins per dimension (scores 1..bins, bins = best); 2..100
 * @param segmentRules the ordered segment map; the first matching rule wins, and the last rule
 *     must be a catch-all (r 1..bins, fm 1..bins) so every purchaser gets a segment
 * @param noPurchaseSegment segment of customers without any purchase (scores null), e.g.
 *     {@code "No purchase"}
 */
public record RfmSettings(int bins, List<RfmSegmentRule> segmentRules, String noPurchaseSegment) {
  public RfmSettings {
    if (bins < 2 || bins > 100) {
      throw new IllegalArgumentException("RfmSettings: bins must be in 2..100, got " + bins);
    }
    Objects.requireNonNull(segmentRules, "segmentRules");
    Objects.requireNonNull(noPurchaseSegment, "noPurchaseSegment");
    if (segmentRules.isEmpty()) {
      throw new IllegalArgumentException("RfmSettings: the segment map has no rules");
    }
    RfmSegmentRule last = segmentRules.get(segmentRules.size() - 1);
    if (!last.coversAll(bins)) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "RfmSettings: the last segment rule ('%s') must be a catch-all covering r 1..%d and fm 1..%d",
          last.segment(), bins, bins));
    }
    if (noPurchaseSegment.isBlank()) {
      throw new IllegalArgumentException("RfmSettings: noPurchaseSegment is blank");
    }
    segmentRules = List.copyOf(segmentRules);
  }

  /** {@code centraal.score.rfm}; {@code c} is the centraal block. */
  public static RfmSettings from(Config c) {
    List<RfmSegmentRule> rules = new java.util.ArrayList<>();
    for (Config rule : c.getConfigList("score.rfm.segments")) {
      List<Integer> r = rule.getIntList("r");
      List<Double> fm = rule.getDoubleList("fm");
      if (r.size() != 2 || fm.size() != 2) {
        throw new InvalidConfigException("centraal.score.rfm.segments (" + rule.origin().description()
            + "): r and fm must be [min, max]");
      }
      rules.add(new RfmSegmentRule(rule.getString("segment"), r.get(0), r.get(1), fm.get(0), fm.get(1)));
    }
    return new RfmSettings(c.getInt("score.rfm.bins"), List.copyOf(rules), c.getString("score.rfm.no-purchase-segment"));
  }
}
