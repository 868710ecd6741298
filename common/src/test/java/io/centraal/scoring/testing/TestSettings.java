package io.centraal.scoring.testing;

import io.centraal.scoring.config.CentraalSettings;
import io.centraal.scoring.config.ConfigLoader;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Settings for tests: reference defaults with the data directory under a temp dir, plus overrides. */
public final class TestSettings {
  private TestSettings() {}

  public static CentraalSettings withDataDir(Path dataDir, Map<String, String> overrides) {
    Map<String, String> all = new HashMap<>(overrides);
    all.putIfAbsent("paths.data-dir", dataDir.toString());
    return CentraalSettings.from(ConfigLoader.load(List.of(), all));
  }
}
