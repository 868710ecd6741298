package io.centraal.scoring.privacy;

import io.centraal.scoring.run.ConfigValues;
import com.typesafe.config.Config;
import java.util.List;

/** Personal data handling ({@code centraal.privacy}); keys come from the named environment variables. */
public record PrivacySettings(String emailHashKeyEnv, String pseudonymKeyEnv, List<String> emailLinkTypes,
                      boolean ephemeralKeys, int clickstreamRetentionMonths, double retentionVacuumHours,
                      double erasureVacuumHours) {

  /** {@code centraal.privacy}; {@code c} is the centraal block. */
  public static PrivacySettings from(Config c) {
    return new PrivacySettings(c.getString("privacy.email-hash-key-env"), c.getString("privacy.pseudonym-key-env"),
        List.copyOf(c.getStringList("privacy.email-link-types")),
        c.getBoolean("privacy.ephemeral-keys"), (int) ConfigValues.positive(c, "privacy.clickstream-retention-months"),
        ConfigValues.nonNegative(c, "privacy.retention-vacuum-hours"),
        ConfigValues.nonNegative(c, "privacy.erasure-vacuum-hours"));
  }
}
