package io.centraal.jobs;

import io.centraal.scoring.run.SparkSessions;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** Builds the job's SparkSession. The master comes from spark-submit (bin/centraal passes local[*]). */
final class Sessions {
  private Sessions() {}

  static SparkSession create(String appName) {
    SparkSession.Builder builder = SparkSessions.configure(SparkSession.builder()).appName("centraal " + appName);
    if (!new SparkConf().contains("spark.master")) {
      // Started with plain `java -jar`: run in-process rather than fail.
      builder = builder.master("local[*]");
    }
    SparkSession spark = builder.getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    return spark;
  }
}
