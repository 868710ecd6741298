package io.centraal.scoring.run;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where Spark writes its spill and shuffle files on this machine, how much room is left there, and
 * whether a run over a given size of input files is likely to fit before it starts: a run that
 * fills the disk fails after most of its work is done.
 *
 * <p>The rule of thumb is measured: the 1,000,000-customer run (28 GB of input files) used 21 GB of
 * scratch space and about 5 GB of tables at its peak (docs/benchmarks.md), 0.75 and 0.18 of its
 * input; {@link #SCRATCH_PER_INPUT_BYTE} and {@link #TABLES_PER_INPUT_BYTE} round those up.
 */
public final class ScratchSpace {
  private ScratchSpace() {}

  /** Scratch space per byte of input files (Spark's spill and shuffle files). */
  public static final double SCRATCH_PER_INPUT_BYTE = 1.0;
  /** Space in the data directory per byte of input files (the Delta tables a run writes). */
  public static final double TABLES_PER_INPUT_BYTE = 0.25;

  /**
   * The directories a driver-side executor (local mode) writes scratch files to, by Spark's rule:
   * {@code SPARK_LOCAL_DIRS} (comma-separated), else {@code spark.local.dir}, else
   * {@code java.io.tmpdir}.
   */
  public static List<Path> directories(Map<String, String> environment, Optional<String> localDirSetting) {
    String dirs = environment.get("SPARK_LOCAL_DIRS");
    if (dirs == null || dirs.isBlank()) {
      dirs = localDirSetting.filter(s -> !s.isBlank()).orElse(System.getProperty("java.io.tmpdir"));
    }
    return Arrays.stream(dirs.split(",")).map(String::trim).filter(s -> !s.isEmpty()).map(Path::of).toList();
  }

  /**
   * The scratch directories on this machine for a session with {@code conf}: those of
   * {@link #directories} when the master is local, none on a cluster (they are the executors').
   */
  public static List<Path> onThisMachine(org.apache.spark.SparkConf conf) {
    return SparkSessions.isLocal(conf.get("spark.master", "local[*]"))
        ? directories(System.getenv(), Optional.ofNullable(conf.get("spark.local.dir", null))) : List.of();
  }

  /** One file system and the directories of interest on it, with its space now. */
  public record Store(List<Path> directories, long usable, long total) {
    /** "/tmp (3.1 GiB free of 20.0 GiB)". */
    public String describe() {
      return String.join(", ", directories.stream().map(Path::toString).toList()) + " ("
          + OutOfResources.size(usable) + " free of " + OutOfResources.size(total) + ")";
    }

    /** Whether one of {@code scratch} is on this file system. */
    boolean holdsScratch(List<Path> scratch) {
      return directories.stream().anyMatch(scratch::contains);
    }

    /** Whether the data directory is on this file system. */
    boolean holdsTables(Optional<Path> dataDir) {
      return dataDir.isPresent() && directories.contains(dataDir.get());
    }

    /** What a run keeps here: "Spark's scratch files", "the tables" or both. */
    String holds(List<Path> scratch, Optional<Path> dataDir) {
      boolean s = holdsScratch(scratch);
      boolean t = holdsTables(dataDir);
      return s && t ? "Spark's scratch files and the tables" : s ? "Spark's scratch files" : "the tables";
    }
  }

  /** The file systems of {@code scratch} and the data directory, each once. */
  static List<Store> stores(List<Path> scratch, Optional<Path> dataDir) {
    List<Path> all = new ArrayList<>(scratch);
    dataDir.ifPresent(all::add);
    return stores(all);
  }

  /**
   * The file systems {@code directories} are on, each once, in the order first named. A directory
   * that does not exist yet counts on its nearest existing parent's; one whose space cannot be
   * read is left out.
   */
  public static List<Store> stores(List<Path> directories) {
    Map<FileStore, List<Path>> byStore = new LinkedHashMap<>();
    for (Path dir : directories) {
      existingAncestor(dir).flatMap(ScratchSpace::fileStore)
          .ifPresent(store -> byStore.computeIfAbsent(store, s -> new ArrayList<>()).add(dir));
    }
    List<Store> stores = new ArrayList<>();
    byStore.forEach((store, dirs) -> {
      try {
        stores.add(new Store(List.copyOf(dirs), store.getUsableSpace(), store.getTotalSpace()));
      } catch (IOException e) {
        // Space not readable (a special file system): nothing to say about it.
      }
    });
    return stores;
  }

  /**
   * Warnings, one per file system, where a run over {@code inputBytes} of input files may not fit:
   * the scratch directories need {@link #SCRATCH_PER_INPUT_BYTE} and the data directory
   * {@link #TABLES_PER_INPUT_BYTE} times the input, added up where both are on one file system.
   * Empty when everything fits or nothing is known.
   *
   * @param scratch Spark's scratch directories on this machine (empty on a cluster, where they are
   *                the executors')
   * @param dataDir the data directory when it is on this machine's file system
   */
  public static List<String> shortfalls(long inputBytes, List<Path> scratch, Optional<Path> dataDir) {
    if (inputBytes <= 0) {
      return List.of();
    }
    List<String> warnings = new ArrayList<>();
    for (Store store : stores(scratch, dataDir)) {
      boolean holdsScratch = store.holdsScratch(scratch);
      long need = (long) (inputBytes * ((holdsScratch ? SCRATCH_PER_INPUT_BYTE : 0)
          + (store.holdsTables(dataDir) ? TABLES_PER_INPUT_BYTE : 0)));
      if (store.usable() < need) {
        warnings.add(store.describe() + " holds " + store.holds(scratch, dataDir) + "; a run over "
            + OutOfResources.size(inputBytes) + " of input files may need about " + OutOfResources.size(need)
            + " there and fail part-way when the disk fills. Free space, or point "
            + (holdsScratch ? "SPARK_LOCAL_DIRS" : "centraal.paths.data-dir") + " at a larger disk");
      }
    }
    return warnings;
  }

  private static Optional<Path> existingAncestor(Path dir) {
    for (Path p = dir.toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.exists(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  private static Optional<FileStore> fileStore(Path p) {
    try {
      return Optional.of(Files.getFileStore(p));
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
