package io.centraal.scoring.run;

import java.util.regex.Pattern;

/**
 * What never reaches a log, a message or run_log: values of config keys whose name mentions a
 * secret anywhere ({@code fs.azure.account.key.<account>...}, {@code ...password}), and secrets
 * written inside a value ({@code jdbc:postgresql://db/crm?password=...}, {@code user:pass@host}).
 * Matching is by substring, so it errs on the side of hiding.
 */
public final class Redaction {
  public static final String MASK = "***";
  private static final String WORDS = "password|passwd|pwd|secret|salt|token|key|credential|sas|signature";
  private static final Pattern SECRET_NAME = Pattern.compile("(?i)(" + WORDS + ")");
  /** {@code name=value} (URL query, JDBC properties, connection strings) where the name mentions a secret. */
  private static final Pattern SECRET_PARAMETER = Pattern.compile(
      "(?i)((?:^|[?&;,\\s:])[^?&;,\\s=/:]*(?:" + WORDS + ")[^?&;,\\s=/:]*\\s*=\\s*)[^&;,\\s]*");
  private static final Pattern USER_INFO = Pattern.compile("//([^/@:\\s]+):[^/@\\s]*@");

  private Redaction() {}

  /**
   * Whether the config key's value is secret. Keys ending in {@code -env} hold the name of an
   * environment variable (where the secret is), not the secret, and stay visible.
   */
  public static boolean isSecretKey(String path) {
    return !path.endsWith("-env") && SECRET_NAME.matcher(path).find();
  }

  /** The text with secrets inside it masked. */
  public static String redactText(String text) {
    if (text == null) {
      return null;
    }
    String masked = USER_INFO.matcher(text).replaceAll("//$1:" + MASK + "@");
    return SECRET_PARAMETER.matcher(masked).replaceAll("$1" + MASK);
  }
}
