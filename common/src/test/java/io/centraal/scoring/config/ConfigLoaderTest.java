package io.centraal.scoring.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.centraal.scoring.run.InvalidConfigException;

class ConfigLoaderTest {
  @Test
  void referenceDefaultsBuildSettings() {
    CentraalSettings s = CentraalSettings.from(ConfigLoader.load(List.of(), Map.of()));
    assertEquals(java.nio.file.Paths.get("data").toAbsolutePath().toString(), s.paths().dataDir(),
        "the default, relative to the working directory");
    assertEquals("data/raw/transactions", s.sources().get("transactions").path(),
        "source paths derive from the data directory");
  }

  @Test
  void precedenceIsSetOverFileOverReference(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("env.conf");
    Files.writeString(file, "centraal { paths.data-dir = \"/lake\"\n ingest.max-reject-share = 0.2 }\n");
    CentraalSettings s = CentraalSettings.from(ConfigLoader.load(List.of(file),
        Map.of("ingest.max-reject-share", "0.3")));
    assertEquals("/lake", s.paths().dataDir());
    assertEquals("/lake/raw/clickstream", s.sources().get("clickstream").path(), "substitutions resolve after merging");
    assertEquals(0.3, s.ingest().maxRejectShare(), 1e-12);
  }

  @Test
  void unknownKeyFailsWithItsPathAndOrigin(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("typo.conf");
    Files.writeString(file, "centraal {\n  ingest {\n    max-reject-shar = 0.2\n  }\n}\n");
    InvalidConfigException e = assertThrows(InvalidConfigException.class,
        () -> ConfigLoader.load(List.of(file), Map.of()));
    assertTrue(e.getMessage().contains("centraal.ingest.max-reject-shar") && e.getMessage().contains("typo.conf: 3"),
        e.getMessage());
  }

  @Test
  void influenceTrainingSettingsAreTypedAndChecked() {
    CentraalSettings s = CentraalSettings.from(ConfigLoader.load(List.of(), Map.of()));
    assertEquals(List.of("helpful-votes", "referred-customers", "referred-visitors", "followers"),
        s.influenceTraining().outcomes());
    assertEquals(180, s.influenceTraining().windowDays());
    assertTrue(s.influenceTraining().enabled());
    InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> CentraalSettings.from(
        ConfigLoader.load(List.of(), Map.of("score.influence.training.precision-at-k", "0"))));
    assertTrue(e.getMessage().contains("centraal.score.influence.training") && e.getMessage().contains("precision-at-k"),
        e.getMessage());
  }

  @Test
  void wrongTypeFailsWithThePath() {
    InvalidConfigException e = assertThrows(InvalidConfigException.class,
        () -> CentraalSettings.from(ConfigLoader.load(List.of(), Map.of("ingest.max-reject-share", "lots"))));
    assertTrue(e.getMessage().contains("ingest.max-reject-share"), e.getMessage());
  }

  @Test
  void outOfRangeAndUnknownEnumValuesFail() {
    assertThrows(InvalidConfigException.class,
        () -> CentraalSettings.from(ConfigLoader.load(List.of(), Map.of("ingest.max-reject-share", "1.5"))));
    InvalidConfigException e = assertThrows(InvalidConfigException.class,
        () -> CentraalSettings.from(ConfigLoader.load(List.of(), Map.of("time-unit", "fortnights"))));
    assertTrue(e.getMessage().contains("centraal.time-unit"), e.getMessage());
  }

  /** The churn split is configured, not fixed in code; each section names its own bad key. */
  @Test
  void churnHoldoutShareAndSeedComeFromTheConfig() {
    CentraalSettings s = CentraalSettings.from(ConfigLoader.load(List.of(), Map.of("score.churn.seed", "7")));
    assertEquals(0.3, s.churn().holdoutShare());
    assertEquals(7L, s.churn().seed());
    InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> CentraalSettings.from(
        ConfigLoader.load(List.of(), Map.of("score.churn.holdout-share", "0.9"))));
    assertTrue(e.getMessage().contains("centraal.score.churn.holdout-share"), e.getMessage());
  }

  @Test
  void mappingAFieldThatTheContractDoesNotHaveFails() {
    InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> CentraalSettings.from(
        ConfigLoader.load(List.of(), Map.of("sources.transactions.columns.amount_eur", "Amount"))));
    assertTrue(e.getMessage().contains("amount_eur"), e.getMessage());
  }

  @Test
  void secretsAreRedactedWhenRendered() {
    Config c = ConfigLoader.load(List.of(), Map.of("sources.transactions.options.password", "hunter2"));
    String rendered = ConfigLoader.renderRedacted(c);
    assertTrue(!rendered.contains("hunter2") && rendered.contains("***"), rendered);
  }

  /** Every shipped overlay (conf/*.conf and conf/examples/*.conf) builds valid settings. */
  @Test
  void everyShippedConfFileBuildsSettings() throws IOException {
    Path confDir = Path.of("..", "conf");
    List<Path> files;
    try (Stream<Path> walk = Files.walk(confDir)) {
      files = walk.filter(p -> p.toString().endsWith(".conf")).toList();
    }
    assertTrue(files.size() >= 3, "conf files found: " + files);
    for (Path f : files) {
      CentraalSettings s = CentraalSettings.from(ConfigLoader.load(List.of(f), Map.of()));
      assertTrue(!s.paths().dataDir().isBlank(), f.toString());
    }
  }
}
