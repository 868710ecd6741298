package io.centraal.scoring.privacy;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The hashing keys of a run, from environment variables. For the demo only
 * ({@code centraal.privacy.ephemeral-keys}), an unset variable yields a random key that lives as
 * long as the JVM, announced by one line on stderr: the demo runs with nothing set, and its hashes
 * match nothing outside that run.
 */
public final class HashKeys {
  private static final Map<String, KeyedHash> EPHEMERAL = new ConcurrentHashMap<>();

  private HashKeys() {}

  /** The e-mail hashing key ({@code centraal.privacy.email-hash-key-env}). */
  public static KeyedHash emailHash(PrivacySettings privacy) {
    return resolve(privacy.emailHashKeyEnv(), "hashing e-mail references (centraal.privacy.email-hash-key-env)",
        privacy.ephemeralKeys());
  }

  /** The key of the {@code customer_pseudonym} in marketing drops ({@code centraal.privacy.pseudonym-key-env}). */
  public static KeyedHash pseudonym(PrivacySettings privacy) {
    return resolve(privacy.pseudonymKeyEnv(),
        "pseudonymous customer keys in marketing drops (centraal.privacy.pseudonym-key-env)", privacy.ephemeralKeys());
  }

  /** Whether the e-mail key is available without failing (set, or ephemeral keys allowed). */
  public static boolean emailHashAvailable(PrivacySettings privacy) {
    String value = System.getenv(privacy.emailHashKeyEnv());
    return privacy.ephemeralKeys() || (value != null && !value.isBlank());
  }

  /**
   * The key in environment variable {@code envName}; with {@code ephemeralAllowed}, a random key
   * (one per variable and JVM) when it is unset; otherwise fails naming the variable.
   */
  public static KeyedHash resolve(String envName, String purpose, boolean ephemeralAllowed) {
    String value = System.getenv(envName);
    if ((value == null || value.isBlank()) && ephemeralAllowed) {
      return EPHEMERAL.computeIfAbsent(envName, name -> {
        System.err.println("centraal: " + name + " is not set; the demo uses a random key for " + purpose
            + " in this run only (set it for results that match across runs)");
        return KeyedHash.random();
      });
    }
    return KeyedHash.fromEnvironment(envName, purpose);
  }
}
