package io.centraal.scoring.testing;

import io.centraal.scoring.run.SparkSessions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One local SparkSession per test JVM (Delta's first write alone costs seconds), injected into
 * test methods and constructors that declare a {@link SparkSession} parameter.
 */
public final class SparkExtension implements BeforeAllCallback, ParameterResolver {
  private static SparkSession session;
  private static Path warehouse;

  /** The shared session, created on first use. Setup failures fail the test loudly. */
  public static synchronized SparkSession spark() {
    if (session == null) {
      try {
        warehouse = Files.createTempDirectory("centraal-test-warehouse");
      } catch (IOException e) {
        throw new IllegalStateException("cannot create the Spark test warehouse directory", e);
      }
      // As system properties too: the jobs' own session builder (CentraalCli in the jobs tests) gets
      // this session and sets Delta's defaults for these two (4 and 8 tasks) unless installed ones exist.
      System.setProperty("spark.databricks.delta.snapshotPartitions", "2");
      System.setProperty("spark.sql.sources.parallelPartitionDiscovery.parallelism", "2");
      session = SparkSessions.forMaster(SparkSessions.configure(SparkSession.builder()), "local[2]")
          .master("local[2]")
          .appName("centraal-tests")
          .config("spark.sql.shuffle.partitions", "2")
          .config("spark.default.parallelism", "2")
          .config("spark.ui.enabled", "false")
          // One JVM runs every test class: the status store keeps 1,000 SQL executions, jobs and
          // stages and 100,000 tasks by default (with the UI off too), which filled the 3 GB heap
          // by the fourth pipeline-run class. Nothing in the tests reads it.
          .config("spark.sql.ui.retainedExecutions", "20")
          .config("spark.ui.retainedJobs", "50")
          .config("spark.ui.retainedStages", "50")
          .config("spark.ui.retainedTasks", "2000")
          .config("spark.driver.bindAddress", "127.0.0.1")
          .config("spark.driver.host", "127.0.0.1")
          .config("spark.sql.warehouse.dir", warehouse.resolve("spark-warehouse").toString())
          .config("spark.databricks.delta.snapshotPartitions", "2")
          .config("spark.sql.sources.parallelPartitionDiscovery.parallelism", "2")
          .getOrCreate();
      session.sparkContext().setLogLevel("WARN");
    }
    return session;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    spark();
  }

  @Override
  public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
    return parameterContext.getParameter().getType() == SparkSession.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
    return spark();
  }
}
