package io.centraal.scoring.privacy;

import io.centraal.scoring.run.InvalidConfigException;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * HMAC-SHA256 of a value under a secret key, as 64 lower-case hex characters. Used to pseudonymise
 * e-mail addresses at ingest and customer keys in marketing drops. A plain hash of an e-mail can be
 * reversed by hashing a list of addresses; a keyed hash cannot without the key, which lives only in
 * an environment variable (never in config files or the repo).
 */
public final class KeyedHash implements java.io.Serializable {
  private static final String ALGORITHM = "HmacSHA256";

  private final byte[] key;

  private KeyedHash(byte[] key) {
    if (key.length < 16) {
      throw new InvalidConfigException("a hashing key must be at least 16 bytes long, got " + key.length);
    }
    this.key = key.clone();
  }

  /** A hash under a random 32-byte key (the demo's keys when none is set). */
  public static KeyedHash random() {
    byte[] bytes = new byte[32];
    new java.security.SecureRandom().nextBytes(bytes);
    return new KeyedHash(bytes);
  }

  /** A hash under this key (UTF-8 bytes of the key string). */
  public static KeyedHash of(String key) {
    return new KeyedHash(key.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The key from environment variable {@code envName}; stops with a message naming the variable and
   * what needs it when the variable is unset or empty. Jobs go through {@link HashKeys}, which also
   * knows the demo's ephemeral keys.
   */
  public static KeyedHash fromEnvironment(String envName, String purpose) {
    return fromEnvironment(System.getenv(), envName, purpose);
  }

  static KeyedHash fromEnvironment(Map<String, String> env, String envName, String purpose) {
    String value = env.get(envName);
    if (value == null || value.isBlank()) {
      throw new InvalidConfigException("environment variable " + envName + " is not set: it holds the secret key for "
          + purpose + " (at least 16 characters; keep it out of files in the repo)");
    }
    return of(value);
  }

  /** HMAC-SHA256 of the UTF-8 bytes of {@code value}, hex; null stays null. */
  public String hex(String value) {
    if (value == null) {
      return null;
    }
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(new SecretKeySpec(key, ALGORITHM));
      return HexFormat.of().formatHex(mac.doFinal(value.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HMAC-SHA256 unavailable in this JVM", e);
    }
  }

  /** A Spark column: the keyed hash of {@code input} cast to string. */
  public Column column(Column input) {
    UDF1<String, String> hash = this::hex;
    UserDefinedFunction udf = functions.udf(hash, DataTypes.StringType);
    return udf.apply(input.cast(DataTypes.StringType));
  }
}
