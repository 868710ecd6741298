package io.centraal.scoring.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Spark's scratch directories as Spark picks them, and a warning where a run's input will not fit. */
class ScratchSpaceTest {
  @Test
  void directoriesFollowSparksOrder() {
    assertEquals(List.of(Path.of("/d1"), Path.of("/d2")), ScratchSpace.directories(
        Map.of("SPARK_LOCAL_DIRS", "/d1, /d2"), Optional.of("/conf")), "the environment first");
    assertEquals(List.of(Path.of("/conf")), ScratchSpace.directories(Map.of(), Optional.of("/conf")),
        "then spark.local.dir");
    assertEquals(List.of(Path.of(System.getProperty("java.io.tmpdir"))),
        ScratchSpace.directories(Map.of(), Optional.empty()), "then the JVM's temporary directory");
  }

  @Test
  void oneFileSystemIsCountedOnceWithTheDirectoriesOnIt(@TempDir Path dir) throws IOException {
    Path a = Files.createDirectory(dir.resolve("a"));
    Path notYet = dir.resolve("b/not-yet-created");
    List<ScratchSpace.Store> stores = ScratchSpace.stores(List.of(a, notYet));
    assertEquals(1, stores.size());
    assertEquals(List.of(a, notYet), stores.get(0).directories());
    assertEquals(Files.getFileStore(dir).getUsableSpace(), stores.get(0).usable(), 64L << 20);
    assertTrue(stores.get(0).usable() <= stores.get(0).total());
  }

  @Test
  void warnsWhereTheInputWillNotFitAndOnlyThere(@TempDir Path dir) throws IOException {
    Path scratch = Files.createDirectory(dir.resolve("scratch"));
    Path data = dir.resolve("data");
    long usable = Files.getFileStore(dir).getUsableSpace();
    assertEquals(List.of(), ScratchSpace.shortfalls(1L << 20, List.of(scratch), Optional.of(data)),
        "a megabyte of input fits");
    assertEquals(List.of(), ScratchSpace.shortfalls(0, List.of(scratch), Optional.of(data)), "nothing known");

    // Scratch files and tables on one disk: 1.25 x the input is needed there, so 0.9 x the free space
    // fits in scratch alone but not with the tables beside it.
    long input = (long) (usable * 0.9);
    assertEquals(List.of(), ScratchSpace.shortfalls(input, List.of(scratch), Optional.empty()));
    List<String> warnings = ScratchSpace.shortfalls(input, List.of(scratch), Optional.of(data));
    assertEquals(1, warnings.size(), warnings.toString());
    assertTrue(warnings.get(0).contains(scratch + ", " + data) && warnings.get(0).contains("scratch files and the tables"),
        warnings.get(0));
    assertTrue(warnings.get(0).contains("may need about " + OutOfResources.size((long) (input * 1.25))), warnings.get(0));
  }
}
