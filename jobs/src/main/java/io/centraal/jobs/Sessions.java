package io.centraal.jobs;

import io.centraal.scoring.run.SparkSessions;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** Builds the job's SparkSession. The master comes from spark-submit (bin/centraal passes local[*]). */
public final class Sessions {
  private Sessions() {}

  /** A session with Delta Lake, for jobs that read or write tables. */
  public static SparkSession create(String appName) {
    return build(SparkSessions.configure(SparkSession.builder()), appName);
  }

  /** A session without Delta Lake, for a command that reads files and writes no table ({@code bench clv}). */
  public static SparkSession createWithoutTables(String appName) {
    return build(SparkSessions.withSqlSettings(SparkSession.builder()), appName);
  }

  private static SparkSession build(SparkSession.Builder configured, String appName) {
    SparkSession.Builder builder = configured.appName("centraal " + appName);
    SparkConf installed = new SparkConf();
    if (!installed.contains("spark.master")) {
      // Started with plain `java -jar`: run in-process rather than fail.
      builder = builder.master("local[*]");
    }
    builder = SparkSessions.forMaster(builder, installed.get("spark.master", "local[*]"));
    SparkSession spark = builder.getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    return spark;
  }
}
