package io.centraal.scoring.identity;

import com.typesafe.config.Config;
import io.centraal.scoring.run.InvalidConfigException;

/**
 * Settings of identity resolution ({@code centraal.identity} in reference.conf).
 *
 * @param maxPartners a reference linked to more distinct references than this is a hub (a
 *                    placeholder e-mail, a house card, a shared cookie) whose links are set aside;
 *                    0 follows every link
 */
public record IdentitySettings(int maxPartners) {
  /** {@code c} is the centraal block. */
  public static IdentitySettings from(Config c) {
    int max = c.getInt("identity.max-partners");
    if (max != 0 && max < 2) {
      throw new InvalidConfigException("centraal.identity.max-partners = " + max
          + " must be 0 (follow every link) or at least 2 (a card, an account and an e-mail of one person"
          + " already give the account two partners)");
    }
    return new IdentitySettings(max);
  }
}
