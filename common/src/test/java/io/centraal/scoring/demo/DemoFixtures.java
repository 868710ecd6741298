package io.centraal.scoring.demo;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.Map;

/** Demo specs for tests: the recommended defaults with named overrides. */
final class DemoFixtures {
  private DemoFixtures() {}

  /** The shipped defaults: the centraal.demo block of reference.conf. */
  static Config defaults() {
    return ConfigFactory.defaultReference().getConfig("centraal.demo");
  }

  /** The defaults with overrides (HOCON paths relative to centraal.demo). */
  static DemoSpec spec(Map<String, Object> overrides) {
    return DemoSpec.fromConfig(ConfigFactory.parseMap(overrides).withFallback(defaults()));
  }
}
