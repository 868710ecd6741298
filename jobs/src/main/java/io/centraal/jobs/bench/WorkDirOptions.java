package io.centraal.jobs.bench;

import io.centraal.jobs.OwnedDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The scratch directory of a benchmark ({@code --work-dir}, default /tmp/centraal-bench-NAME) and
 * whether to keep it ({@code --keep}): claimed with the tool's marker before use (a foreign,
 * non-empty directory is refused), emptied afterwards unless kept.
 */
public final class WorkDirOptions {
  @Spec(Spec.Target.MIXEE)
  CommandSpec bench;

  @Option(names = {"--work-dir", "--dir", "--out"}, paramLabel = "DIR",
      description = "Scratch directory (default /tmp/centraal-bench-<benchmark>); emptied first, and afterwards unless --keep.")
  Path workDir;

  @Option(names = "--keep", description = "Keep the generated files and tables afterwards.")
  boolean keep;

  /** The directory, claimed and emptied for this run. */
  public Path claimEmpty() {
    Path dir = dir();
    OwnedDirectory.claim(dir, owner());
    try {
      OwnedDirectory.empty(dir, owner());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot empty " + dir, e);
    }
    return dir;
  }

  /** Empties the directory unless {@code --keep}. */
  public void release() {
    if (keep) {
      return;
    }
    try {
      OwnedDirectory.empty(dir(), owner());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot empty " + dir(), e);
    }
  }

  public Path dir() {
    return workDir != null ? workDir : Path.of("/tmp/centraal-bench-" + bench.name());
  }

  private String owner() {
    return "bench " + bench.name();
  }
}
