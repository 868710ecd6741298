package io.centraal.jobs;

import io.centraal.scoring.config.CentraalSettings;
import io.centraal.scoring.config.ConfigLoader;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/** Config options shared by every command. */
public final class CommonOptions {
  private static final Logger LOG = LoggerFactory.getLogger(CommonOptions.class);

  @Option(names = "--conf", paramLabel = "FILE",
      description = "HOCON config file; repeatable, later files win. Default: $CENTRAAL_CONF if set (bin/centraal sets conf/local.conf).")
  List<Path> confFiles = new ArrayList<>();

  @Option(names = "--set", paramLabel = "KEY=VALUE", mapFallbackValue = "",
      description = "Override one config key (the 'centraal.' prefix is optional), e.g. --set ingest.max-reject-share=0.01; repeatable.")
  Map<String, String> overrides = new LinkedHashMap<>();

  /** The data directory of the settings this process loaded last, for a failure's message. */
  private static volatile String loadedDataDir;

  /** The data directory of the last settings loaded, when on this machine's file system. */
  static java.util.Optional<Path> loadedLocalDataDir() {
    String dir = loadedDataDir;
    return dir == null ? java.util.Optional.empty() : localPath(dir);
  }

  /** {@code location} as a path of this machine's file system: a plain path or a file: URI; empty for an object store. */
  static java.util.Optional<Path> localPath(String location) {
    if (location.startsWith("file:")) {
      return java.util.Optional.of(Path.of(java.net.URI.create(location)));
    }
    return location.matches("^[A-Za-z][A-Za-z0-9+.-]*:/.*") ? java.util.Optional.empty()
        : java.util.Optional.of(Path.of(location));
  }

  /** Loads and validates the layered config; throws InvalidConfigException naming the bad key. */
  public CentraalSettings settings() {
    List<Path> files = new ArrayList<>(confFiles);
    String env = System.getenv("CENTRAAL_CONF");
    if (files.isEmpty() && env != null && !env.isBlank()) {
      for (String f : env.split(File.pathSeparator)) {
        files.add(Path.of(f));
      }
    }
    com.typesafe.config.Config config = ConfigLoader.load(files, overrides);
    CentraalSettings settings = CentraalSettings.from(config);
    loadedDataDir = settings.paths().dataDir();
    LOG.info("config files {}, overrides {}; resolved config (secrets redacted):\n{}", files, overrides.keySet(),
        ConfigLoader.renderRedacted(config));
    return settings;
  }
}
