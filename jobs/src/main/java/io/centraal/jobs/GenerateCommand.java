package io.centraal.jobs;

import io.centraal.scoring.config.CentraalSettings;
import io.centraal.scoring.demo.DemoDataGenerator;
import io.centraal.scoring.demo.DemoSpec;
import io.centraal.scoring.demo.GeneratedData;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Writes demo raw exports (the processes and parameters are in centraal.demo). */
@Command(name = "generate", mixinStandardHelpOptions = true,
    description = "Generate demo raw data: loyalty-card transactions, clickstream, reviews, identity links, "
        + "follows, audience, consent, and the ground truth.")
public final class GenerateCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Mixin DemoOptions demo;

  @Option(names = "--out", paramLabel = "DIR", required = true, description = "Directory to write the raw files to.")
  String out;

  @Override
  public Integer call() {
    CentraalSettings settings = common.settings();
    SparkSession spark = Sessions.create("generate");
    generate(spark, demo.apply(settings.demo()), out, new Progress(System.out, spark));
    return 0;
  }

  static DemoSpec spec(DemoSpec defaults, Long customers, Long seed) {
    DemoSpec s = defaults;
    return new DemoSpec(customers == null ? s.customers() : customers, seed == null ? s.seed() : seed,
        s.startDate(), s.endDate(), s.acquisitionWindowShare(), s.bgnbdR(), s.bgnbdAlpha(), s.bgnbdA(), s.bgnbdB(),
        s.ggP(), s.ggQ(), s.ggGamma(), s.onlineShare(), s.accountOnlyShare(), s.influencerShare(),
        s.influencerFrequencyFactor(), s.influencerSpendFactor(), s.bigSpenderShare(), s.bigSpenderFrequencyFactor(),
        s.bigSpenderSpendFactor(), s.referralShare(), s.sessionsPerPurchase(), s.followsPerAccount(), s.returnRate(),
        s.anonymousSaleShare(), s.badRowRate(), s.stores(), s.products(), s.partitions());
  }

  static GeneratedData generate(SparkSession spark, DemoSpec spec, String outDir, Progress progress) {
    long t0 = System.nanoTime();
    GeneratedData data = new DemoDataGenerator().generate(spark, spec, outDir);
    long rows = data.rowCounts().values().stream().mapToLong(Long::longValue).sum();
    progress.step("generate", spec.customers() + " customers", spec.customers(), rows, 0, StageCommand.seconds(t0));
    progress.info("           rows per table: " + data.rowCounts() + "; written to " + outDir);
    return data;
  }
}
