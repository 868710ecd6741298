package io.centraal.scoring.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import io.centraal.scoring.run.InvalidConfigException;
import io.centraal.scoring.run.Redaction;

/**
 * Loads centraal's layered configuration. Precedence, highest first:
 * <ol>
 *   <li>command-line overrides ({@code --set key=value}; the {@code centraal.} prefix may be omitted)</li>
 *   <li>JVM system properties under {@code centraal.}</li>
 *   <li>the {@code --conf} files, later files winning (an overlay may {@code include "application.conf"})</li>
 *   <li>every {@code reference.conf} on the classpath</li>
 * </ol>
 * Substitutions such as {@code ${centraal.paths.data-dir}} are resolved after all layers are merged,
 * so an override of the data directory moves every derived path. Types are checked against the
 * reference, and keys the reference does not know fail with their path and origin: a typo must
 * not silently fall back to a default.
 */
public final class ConfigLoader {
  public static final String ROOT = "centraal";

  /** Paths below which users may add their own keys (reader options, column maps). */
  private static final Pattern OPEN_MAPS =
      Pattern.compile("^centraal\\.sources\\.[^.]+\\.(options|columns|constants|expressions)\\..+$");

  private ConfigLoader() {}

  /** Loads, merges, resolves and validates. Throws {@link InvalidConfigException} naming the key. */
  public static Config load(List<Path> confFiles, Map<String, String> overrides) {
    Config files = ConfigFactory.empty();
    for (Path file : confFiles) {
      if (!Files.isRegularFile(file)) {
        throw new InvalidConfigException("config file not found: " + file.toAbsolutePath());
      }
      Config parsed;
      try {
        parsed = ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
      } catch (ConfigException e) {
        throw new InvalidConfigException("cannot parse config file " + file + ": " + e.getMessage(), e);
      }
      files = parsed.withFallback(files);
    }
    Config system = ConfigFactory.systemProperties().withOnlyPath(ROOT);
    Config cli = parseOverrides(overrides);
    Config user = cli.withFallback(system).withFallback(files);

    Config merged;
    try {
      merged = user.withFallback(ConfigFactory.defaultReferenceUnresolved()).resolve();
    } catch (ConfigException e) {
      throw new InvalidConfigException("cannot resolve config: " + e.getMessage(), e);
    }
    Config reference = ConfigFactory.defaultReference();
    try {
      merged.checkValid(reference, ROOT);
    } catch (ConfigException.ValidationFailed e) {
      throw new InvalidConfigException("invalid config: " + e.getMessage(), e);
    }
    rejectUnknownKeys(user, reference);
    return merged.withOnlyPath(ROOT);
  }

  private static Config parseOverrides(Map<String, String> overrides) {
    Config cli = ConfigFactory.empty();
    for (Map.Entry<String, String> e : overrides.entrySet()) {
      String key = e.getKey().startsWith(ROOT + ".") ? e.getKey() : ROOT + "." + e.getKey();
      String raw = e.getValue();
      ConfigValue value;
      if (raw.startsWith("[")) {
        // A list, e.g. --set export.marketing-formats=[csv]
        try {
          value = ConfigFactory.parseString("v = " + raw).getValue("v");
        } catch (ConfigException ex) {
          throw new InvalidConfigException("cannot parse --set " + e.getKey() + "=" + raw + ": " + ex.getMessage(), ex);
        }
      } else {
        // A plain string; Typesafe Config converts it to a number or boolean where one is expected.
        value = ConfigValueFactory.fromAnyRef(raw, "command line --set " + e.getKey());
      }
      try {
        cli = cli.withValue(key, value);
      } catch (ConfigException ex) {
        throw new InvalidConfigException("bad config key in --set: '" + e.getKey() + "'", ex);
      }
    }
    return cli;
  }

  private static void rejectUnknownKeys(Config user, Config reference) {
    if (!user.hasPath(ROOT)) {
      return;
    }
    List<String> unknown = new ArrayList<>();
    for (Map.Entry<String, ConfigValue> e : user.withOnlyPath(ROOT).entrySet()) {
      String path = e.getKey();
      if (reference.hasPathOrNull(path) || OPEN_MAPS.matcher(path).matches()) {
        continue;
      }
      unknown.add("'" + path + "' (" + e.getValue().origin().description() + ")");
    }
    if (!unknown.isEmpty()) {
      throw new InvalidConfigException("unknown config key " + String.join(", ", unknown)
          + "; see reference.conf for the keys centraal reads");
    }
  }

  /** The resolved config as HOCON, secrets redacted, for logs and the run report. */
  public static String renderRedacted(Config config) {
    Config redacted = config;
    Set<String> paths = new TreeSet<>();
    config.entrySet().forEach(e -> paths.add(e.getKey()));
    for (String path : paths) {
      if (Redaction.isSecretKey(path)) {
        redacted = redacted.withValue(path, ConfigValueFactory.fromAnyRef(Redaction.MASK));
      } else if (config.getValue(path).valueType() == com.typesafe.config.ConfigValueType.STRING) {
        String value = config.getString(path);
        String masked = Redaction.redactText(value);
        if (!masked.equals(value)) {
          redacted = redacted.withValue(path, ConfigValueFactory.fromAnyRef(masked));
        }
      }
    }
    return redacted.root().render(ConfigRenderOptions.concise().setFormatted(true).setJson(false));
  }
}
