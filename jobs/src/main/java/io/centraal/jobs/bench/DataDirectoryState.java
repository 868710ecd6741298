package io.centraal.jobs.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What the fault benchmark reads of a local data directory without Spark: its Delta tables and
 * their latest committed versions (from the {@code _delta_log/N.json} files), its files, and
 * copies of it (a snapshot taken between runs, restored before each killed run).
 */
final class DataDirectoryState {
  private static final Pattern COMMIT = Pattern.compile("\\d{20}\\.json");

  private DataDirectoryState() {}

  /** Table path relative to {@code dataDir} -> latest committed version, for every Delta table below it. */
  static Map<String, Long> versions(Path dataDir) {
    Map<String, Long> out = new TreeMap<>();
    try (Stream<Path> paths = Files.walk(dataDir)) {
      paths.filter(p -> p.getFileName().toString().equals("_delta_log") && Files.isDirectory(p)).forEach(log -> {
        long latest = -1;
        try (Stream<Path> commits = Files.list(log)) {
          latest = commits.map(c -> c.getFileName().toString()).filter(n -> COMMIT.matcher(n).matches())
              .mapToLong(n -> Long.parseLong(n.substring(0, 20))).max().orElse(-1);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        out.put(dataDir.relativize(log.getParent()).toString(), latest);
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** Every file and directory below {@code dir} (relative paths); tolerant of files vanishing meanwhile. */
  static Set<String> files(Path dir) {
    Set<String> out = new HashSet<>();
    collect(dir, dir, out);
    return out;
  }

  private static void collect(Path root, Path dir, Set<String> out) {
    java.io.File[] entries = dir.toFile().listFiles(); // null when the directory vanished meanwhile
    if (entries == null) {
      return;
    }
    for (java.io.File f : entries) {
      out.add(root.relativize(f.toPath()).toString());
      if (f.isDirectory()) {
        collect(root, f.toPath(), out);
      }
    }
  }

  /** Replaces {@code to} (emptied first) by a copy of {@code from}. */
  static void copy(Path from, Path to) {
    try {
      delete(to);
      try (Stream<Path> paths = Files.walk(from)) {
        for (Path p : paths.toList()) {
          Path target = to.resolve(from.relativize(p).toString());
          if (Files.isDirectory(p)) {
            Files.createDirectories(target);
          } else {
            Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy " + from + " to " + to, e);
    }
  }

  static void delete(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
