package io.centraal.jobs;

import io.centraal.scoring.demo.DemoSpec;
import picocli.CommandLine.Option;

/** Size and seed of generated demo data, shared by {@code generate} and {@code demo}. */
final class DemoOptions {
  @Option(names = "--customers", paramLabel = "N", description = "Number of customers (default: centraal.demo.customers).")
  Long customers;

  @Option(names = "--seed", paramLabel = "S", description = "Random seed (default: centraal.demo.seed).")
  Long seed;

  /** The configured spec with these options applied. */
  DemoSpec apply(DemoSpec defaults) {
    return GenerateCommand.spec(defaults, customers, seed);
  }
}
