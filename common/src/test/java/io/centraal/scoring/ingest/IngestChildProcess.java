package io.centraal.scoring.ingest;

import io.centraal.scoring.config.CentraalSettings;
import io.centraal.scoring.run.RunContext;
import io.centraal.scoring.run.SparkSessions;
import io.centraal.scoring.schema.SourceContracts;
import java.nio.file.Path;
import java.time.LocalDate;
import org.apache.spark.sql.SparkSession;

/** A separate JVM that ingests transactions, for {@link IngestKilledMidWriteTest} to kill. */
public final class IngestChildProcess {
  private IngestChildProcess() {}

  /** Arguments: data dir, input path, as-of date. */
  public static void main(String[] args) {
    CentraalSettings settings = IngestKilledMidWriteTest.settings(Path.of(args[0]), Path.of(args[1]));
    SparkSession spark = SparkSessions.configure(SparkSession.builder()).master("local[2]")
        .appName("centraal-ingest-child").config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2").getOrCreate();
    Ingestion.ingest(spark, settings, SourceContracts.TRANSACTIONS_CONTRACT,
        new RunContext(LocalDate.parse(args[2]), "child-run", "test"), IngestKilledMidWriteTest.INGEST_DAY);
    spark.stop();
  }
}
