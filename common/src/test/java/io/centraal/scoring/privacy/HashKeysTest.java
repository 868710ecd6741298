package io.centraal.scoring.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.centraal.scoring.config.CentraalSettings;
import io.centraal.scoring.run.InvalidConfigException;
import io.centraal.scoring.testing.TestSettings;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Both keys (e-mail hash and drop pseudonym) follow one rule: set, or ephemeral in the demo, or a named failure. */
class HashKeysTest {
  private static final String UNSET = "CENTRAAL_TEST_PSEUDONYM_KEY_THAT_IS_NOT_SET";

  @Test
  void pseudonymKeyComesFromTheConfiguredVariable(@TempDir Path dir) {
    // Surefire sets CENTRAAL_PSEUDONYM_KEY: the default names it, and the key is the same on every call.
    CentraalSettings settings = TestSettings.withDataDir(dir, Map.of());
    assertEquals("CENTRAAL_PSEUDONYM_KEY", settings.privacy().pseudonymKeyEnv());
    assertEquals(KeyedHash.fromEnvironment("CENTRAAL_PSEUDONYM_KEY", "test").hex("42"),
        HashKeys.pseudonym(settings.privacy()).hex("42"));
  }

  @Test
  void unsetPseudonymKeyFailsNamingTheVariableUnlessTheDemoAllowsAnEphemeralKey(@TempDir Path dir) {
    CentraalSettings production = TestSettings.withDataDir(dir, Map.of("privacy.pseudonym-key-env", UNSET));
    InvalidConfigException e = assertThrows(InvalidConfigException.class,
        () -> HashKeys.pseudonym(production.privacy()));
    assertTrue(e.getMessage().contains(UNSET) && e.getMessage().contains("pseudonym-key-env"), e.getMessage());

    CentraalSettings demo = TestSettings.withDataDir(dir,
        Map.of("privacy.pseudonym-key-env", UNSET, "privacy.ephemeral-keys", "true"));
    KeyedHash first = HashKeys.pseudonym(demo.privacy());
    // One random key per variable for the whole run: export and erase agree on the pseudonyms.
    assertEquals(first.hex("42"), HashKeys.pseudonym(demo.privacy()).hex("42"));
    assertNotEquals(KeyedHash.fromEnvironment("CENTRAAL_PSEUDONYM_KEY", "test").hex("42"), first.hex("42"));
  }
}
