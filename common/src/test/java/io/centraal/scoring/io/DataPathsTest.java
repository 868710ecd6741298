package io.centraal.scoring.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Paths;
import org.junit.jupiter.api.Test;

class DataPathsTest {
  @Test
  void aRelativeLocalDirectoryIsMadeAbsoluteAgainstTheWorkingDirectory() {
    String expected = Paths.get("data-x").toAbsolutePath().normalize() + "/gold/model_runs";
    assertEquals(expected, new DataPaths("data-x").gold("model_runs"));
    assertEquals(expected, new DataPaths("./data-x/").gold("model_runs"));
  }

  @Test
  void absoluteAndObjectStorePathsAreKeptAsGiven() {
    assertEquals("/srv/centraal/silver/t", new DataPaths("/srv/centraal").silver("t"));
    assertEquals("s3a://bucket/centraal/gold/t", new DataPaths("s3a://bucket/centraal/").gold("t"));
    assertEquals("file:/tmp/c/bronze/t", new DataPaths("file:/tmp/c").bronze("t"));
  }

  @Test
  void aLocalDataDirectoryIsAPathOfThisMachineAndAnObjectStoreIsNot() {
    assertEquals(java.util.Optional.of(Paths.get("/srv/centraal")), new DataPaths("/srv/centraal").localDataDir());
    assertEquals(java.util.Optional.of(Paths.get("/tmp/c")), new DataPaths("file:/tmp/c").localDataDir());
    assertEquals(java.util.Optional.of(Paths.get("data-x").toAbsolutePath().normalize()),
        new DataPaths("data-x").localDataDir());
    assertEquals(java.util.Optional.empty(), new DataPaths("s3a://bucket/centraal").localDataDir());
    assertEquals(java.util.Optional.empty(), new DataPaths("dbfs:/centraal").localDataDir());
  }
}
