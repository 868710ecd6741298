package io.centraal.scoring.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigException;
import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DemoSpecTest {

  @Test
  void recommendedDefaultsBlockIsCompleteAndValid() {
    DemoSpec spec = DemoSpec.fromConfig(DemoFixtures.defaults());
    assertEquals(20_000L, spec.customers());
    assertEquals(LocalDate.of(2024, 12, 31), spec.endDate());
    assertEquals(731, spec.windowDays());
    assertEquals(200L, spec.influencerCount());
    assertEquals(200L, spec.bigSpenderCount());
    assertEquals(50.0, spec.meanSpendPerPurchase(), 1e-9);
  }

  @Test
  void missingKeyIsNamed() {
    ConfigException e = assertThrows(ConfigException.Missing.class,
        () -> DemoSpec.fromConfig(DemoFixtures.defaults().withoutPath("bgnbd.alpha")));
    assertTrue(e.getMessage().contains("bgnbd.alpha"), e.getMessage());
  }

  @Test
  void invalidValuesAreRejectedWithTheirKey() {
    IllegalArgumentException q = assertThrows(IllegalArgumentException.class,
        () -> DemoFixtures.spec(Map.of("gamma-gamma.q", 1.0)));
    assertTrue(q.getMessage().contains("gamma-gamma.q"), q.getMessage());
    IllegalArgumentException shares = assertThrows(IllegalArgumentException.class,
        () -> DemoFixtures.spec(Map.of("account-only-share", 0.9)));
    assertTrue(shares.getMessage().contains("account-only-share"), shares.getMessage());
    IllegalArgumentException dates = assertThrows(IllegalArgumentException.class,
        () -> DemoFixtures.spec(Map.of("end-date", "2022-12-31")));
    assertTrue(dates.getMessage().contains("end-date"), dates.getMessage());
    assertThrows(IllegalArgumentException.class, () -> DemoFixtures.spec(Map.of("customers", 0)));
  }
}
