package io.centraal.jobs.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code centraal bench <what>}: measured benchmarks (throughput, wall time, peak memory) whose
 * figures go into the README. Benchmarks are commands, not tests: wall-clock limits in tests would
 * fail on a noisy machine.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Benchmarks: each prints its figures (rows, seconds, rows/s, peak memory).",
    subcommands = {BenchIngest.class, BenchClv.class, BenchClvRecovery.class, BenchChurn.class, BenchFaults.class,
        BenchInfluence.class, BenchInfluenceValidation.class})
public final class BenchCommand implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "choose a benchmark (see bench --help)");
  }
}
