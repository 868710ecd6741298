package io.centraal.scoring.privacy;

import java.util.List;

/** Personal data handling ({@code centraal.privacy}); keys come from the named environment variables. */
public record PrivacySettings(String emailHashKeyEnv, String pseudonymKeyEnv, List<String> emailLinkTypes,
                      boolean ephemeralKeys, int clickstreamRetentionMonths, double retentionVacuumHours,
                      double erasureVacuumHours) {}
