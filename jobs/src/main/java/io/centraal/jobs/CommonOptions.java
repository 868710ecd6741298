package io.centraal.jobs;

import io.centraal.scoring.config.CentraalSettings;
import io.centraal.scoring.config.ConfigLoader;
import io.centraal.scoring.io.DataPaths;
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
  private static volatile DataPaths loadedPaths;

  /** The data directory of the last settings loaded, when on this machine's file system. */
  static java.util.Optional<Path> loadedLocalDataDir() {
    DataPaths paths = loadedPaths;
    return paths == null ? java.util.Optional.empty() : paths.localDataDir();
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
    loadedPaths = settings.paths();
    LOG.info("config files {}, overrides {}; resolved config (secrets redacted):\n{}", files, overrides.keySet(),
        ConfigLoader.renderRedacted(config));
    return settings;
  }
}
