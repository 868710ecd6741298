package io.centraal.scoring.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.centraal.scoring.testing.SparkExtension;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The settings centraal's sessions take unless the installation sets them (the tests' session is built the same way). */
@ExtendWith(SparkExtension.class)
class SparkSessionsTest {
  @Test
  void setsItsDefaultsWhereTheInstallationDoesNot(SparkSession spark) {
    assertEquals("false", spark.conf().get(SparkSessions.CACHE_COMPRESSED_KEY));
    // The test harness sets these two as an installation would (system properties): its values win.
    assertEquals("2", spark.conf().get(SparkSessions.SNAPSHOT_PARTITIONS_KEY));
    assertEquals("2", spark.conf().get(SparkSessions.LISTING_PARALLELISM_KEY));
    assertEquals("UTC", spark.conf().get("spark.sql.session.timeZone"));
  }
}
