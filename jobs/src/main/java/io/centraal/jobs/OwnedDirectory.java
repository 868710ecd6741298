package io.centraal.jobs;

import io.centraal.scoring.run.InvalidConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * A directory that a command fills and may wipe (bench work directories, the demo's data
 * directory). The command claims it first: an absent or empty directory is created and marked with
 * {@value #MARKER}; a marked one is the command's own; any other non-empty directory is refused
 * (exit 2), so a mistyped {@code --out $HOME} is never overwritten or deleted.
 */
public final class OwnedDirectory {
  static final String MARKER = ".centraal-owned";

  private OwnedDirectory() {}

  /** Claims {@code dir} for {@code command} (see the class comment); returns it. */
  public static Path claim(Path dir, String command) {
    try {
      if (Files.isDirectory(dir) && !Files.exists(dir.resolve(MARKER)) && !isEmpty(dir)) {
        throw new InvalidConfigException(command + ": " + dir.toAbsolutePath() + " is not empty and was not created by "
            + "centraal (no " + MARKER + " file): choose an empty or new directory");
      }
      if (Files.exists(dir) && !Files.isDirectory(dir)) {
        throw new InvalidConfigException(command + ": " + dir.toAbsolutePath() + " is a file, not a directory");
      }
      Files.createDirectories(dir);
      Path marker = dir.resolve(MARKER);
      if (!Files.exists(marker)) {
        Files.writeString(marker, "created by centraal " + command + "; the directory may be overwritten by it\n");
      }
      return dir;
    } catch (IOException e) {
      throw new InvalidConfigException(command + ": cannot create " + dir.toAbsolutePath() + ": " + e.getMessage(), e);
    }
  }

  /** Deletes everything in a claimed directory but its marker. */
  public static void empty(Path dir, String command) throws IOException {
    claim(dir, command);
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        if (!p.equals(dir) && !p.equals(dir.resolve(MARKER))) {
          Files.delete(p);
        }
      }
    }
  }

  private static boolean isEmpty(Path dir) throws IOException {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.findAny().isEmpty();
    }
  }
}
