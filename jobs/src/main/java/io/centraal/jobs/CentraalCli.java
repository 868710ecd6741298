package io.centraal.jobs;

import io.centraal.scoring.run.InvalidConfigException;
import io.centraal.scoring.run.DataDirectoryLockedException;
import io.centraal.scoring.run.DataQualityGateException;
import io.centraal.scoring.run.OutOfResources;
import io.centraal.scoring.run.ScoringException;
import io.centraal.scoring.run.ScratchSpace;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code centraal} command line. Exit codes: 0 success; 1 the run failed; 2 bad arguments or
 * config; 3 a data-quality gate failed (the run cannot be trusted); 4 the run completed degraded
 * (every table written, but a model fell back or a score is null for a stated reason, see
 * run_log); 5 the data directory is in use by another centraal process (its lease names the
 * holder; nothing was written); 6 the machine ran out of disk or memory (the message says where and
 * what to change; nothing partial is visible, the same command can run again). On failure one line
 * naming the reason goes to stderr and the full stack trace to the log.
 */
@Command(name = "centraal", mixinStandardHelpOptions = true, versionProvider = CentraalCli.Version.class,
    description = "Scores every customer on financial and non-financial value (Spark, Delta Lake).",
    subcommands = {DemoCommand.class, GenerateCommand.class, IngestJob.class, IdentityJob.class, FeaturesJob.class, ScoreJob.class, ExportJob.class,
        RunCommand.class, StatusCommand.class, BacktestCommand.class, ReportCommand.class, EraseCommand.class,
        RetentionJob.class, io.centraal.jobs.bench.BenchCommand.class})
public final class CentraalCli implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(CentraalCli.class);

  public static final int EXIT_FAILED = 1;
  public static final int EXIT_USAGE = 2;
  public static final int EXIT_DATA_QUALITY = 3;
  public static final int EXIT_DEGRADED = 4;
  public static final int EXIT_LOCKED = 5;
  public static final int EXIT_RESOURCES = 6;

  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "choose a command (see --help)");
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the CLI and returns the exit code (tests call this instead of main). */
  public static int execute(String... args) {
    CommandLine cli = new CommandLine(new CentraalCli());
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
      report(cmd.getCommandName(), e, cmd.getErr());
      return exitCode(e);
    });
    try {
      return cli.execute(args);
    } catch (Error e) {
      // Errors pass picocli's handler by; Hadoop reports a local file system that found no room as
      // one (FSError), and a heap can run out outside a task.
      if (OutOfResources.of(e).isEmpty()) {
        throw e;
      }
      CommandLine.ParseResult parsed = cli.getParseResult();
      report(parsed != null && parsed.hasSubcommand() ? parsed.subcommand().commandSpec().name() : "centraal", e,
          new java.io.PrintWriter(System.err, true));
      return EXIT_RESOURCES;
    }
  }

  /** The failure's stack trace to the log, and one line to {@code err}: what ran out and what to change, or why. */
  private static void report(String command, Throwable e, java.io.PrintWriter err) {
    LOG.error("centraal {} failed", command, e);
    err.println("centraal " + command + ": " + OutOfResources.of(e).map(CentraalCli::explain).orElseGet(() -> reason(e)));
    err.flush();
  }

  /** The exit code for a command that failed with {@code e}. */
  static int exitCode(Exception e) {
    if (e instanceof InvalidConfigException) {
      return EXIT_USAGE;
    }
    if (e instanceof DataQualityGateException) {
      return EXIT_DATA_QUALITY;
    }
    if (e instanceof DataDirectoryLockedException) {
      return EXIT_LOCKED;
    }
    return OutOfResources.of(e).isPresent() ? EXIT_RESOURCES : EXIT_FAILED;
  }

  /** What ran out, with this machine's scratch space and heap; the full failure is in the log. */
  static String explain(OutOfResources.Kind kind) {
    org.apache.spark.SparkConf conf = SparkSession.getDefaultSession().isDefined()
        ? SparkSession.getDefaultSession().get().sparkContext().getConf() : new org.apache.spark.SparkConf();
    return OutOfResources.explain(kind, ScratchSpace.onThisMachine(conf), CommonOptions.loadedLocalDataDir(),
        Runtime.getRuntime().maxMemory());
  }

  /** One line: our own exceptions carry a complete message; others get their type too. */
  static String reason(Throwable e) {
    String message = String.valueOf(e.getMessage()).replace('\n', ' ');
    return e instanceof ScoringException ? message : e.getClass().getSimpleName() + ": " + message;
  }

  /** Version from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"centraal " + Versions.code()};
    }
  }
}
