package io.centraal.scoring.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.centraal.scoring.run.InvalidConfigException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KeyedHashTest {
  @Test
  void matchesAnIndependentImplementation() {
    // Expected value from: echo -n someone@example.com | openssl dgst -sha256 -hmac 0123456789abcdef
    KeyedHash hash = KeyedHash.of("0123456789abcdef");
    assertEquals("37094c20b6af91aac11339f1d599864fc8b6f9d464a44be359c4ea6880118b6d", hash.hex("someone@example.com"));
    assertEquals(hash.hex("someone@example.com"), hash.hex("someone@example.com"));
    assertNotEquals(hash.hex("someone@example.com"), KeyedHash.of("0123456789abcdeF").hex("someone@example.com"));
    assertNull(hash.hex(null));
  }

  @Test
  void missingKeyNamesTheVariable() {
    InvalidConfigException e = assertThrows(InvalidConfigException.class,
        () -> KeyedHash.fromEnvironment(Map.of(), "CENTRAAL_EMAIL_HASH_KEY", "hashing e-mail addresses"));
    assertTrue(e.getMessage().contains("CENTRAAL_EMAIL_HASH_KEY"), e.getMessage());
    assertThrows(InvalidConfigException.class, () -> KeyedHash.of("short"));
  }
}
