package io.centraal.jobs;

import io.centraal.scoring.config.CentraalSettings;
import io.centraal.scoring.io.InputFiles;
import io.centraal.scoring.io.SourceSettings;
import io.centraal.scoring.run.ScratchSpace;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * What may go wrong at a command's size, told before it reads anything: where this machine may be
 * short of disk ({@link ScratchSpace}), input files Spark cannot split
 * ({@link InputFiles#unsplittable}), and text files that are not in the encoding they will be read
 * in ({@link InputFiles#notUtf8}). Warnings on stderr, not stops: the disk need is a measured rule
 * of thumb.
 */
final class Preflight {
  private Preflight() {}

  /** Prints {@link #warnings} to stderr, one line each. */
  static void warn(SparkSession spark, CentraalSettings settings, Collection<SourceSettings> sources) {
    warnings(spark, settings, sources).forEach(w -> System.err.println("centraal: warning: " + w));
  }

  /**
   * The warnings for reading {@code sources} (the enabled ones): Spark's scratch directories are
   * checked when the master is local (on a cluster they are the executors'), the data directory when
   * it is on a local file system.
   */
  static List<String> warnings(SparkSession spark, CentraalSettings settings, Collection<SourceSettings> sources) {
    List<String> warnings = new ArrayList<>();
    long inputBytes = 0;
    // gzip shrinks CSV and JSON 4 to 10 times: a compressed file of a quarter of a split holds a
    // split or more of text, which one task then parses alone.
    long unsplittableAbove = spark.sessionState().conf().filesMaxPartitionBytes() / 4;
    for (SourceSettings source : sources) {
      if (source.enabled()) {
        List<InputFiles.InputFile> files = InputFiles.of(spark, source);
        inputBytes += InputFiles.bytes(files);
        warnings.addAll(InputFiles.unsplittable(source, files, unsplittableAbove));
        warnings.addAll(InputFiles.notUtf8(spark, source, files));
      }
    }
    warnings.addAll(ScratchSpace.shortfalls(inputBytes, ScratchSpace.onThisMachine(spark.sparkContext().getConf()),
        settings.paths().localDataDir()));
    return warnings;
  }
}
