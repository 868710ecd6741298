package io.centraal.jobs;

import java.time.LocalDate;
import picocli.CommandLine.Option;

/** The as-of date a command works on, required: there is no implicit "today". */
final class AsOfOption {
  @Option(names = {"--as-of", "--as-of-date"}, required = true, paramLabel = "DATE",
      description = "The as-of date (yyyy-MM-dd); data up to and including this day is used.")
  LocalDate asOf;
}
