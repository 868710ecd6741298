package io.centraal.scoring.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;

/**
 * Hadoop's local file system ({@code file:}) without a forked process per call, for
 * {@code fs.file.impl} (the {@code FileSystem} API: Parquet and Delta data files, checksums).
 *
 * <p>Without Hadoop's native library, which no Maven artifact carries, Hadoop 3.3's
 * {@link RawLocalFileSystem} sets a permission by running {@code chmod} and reads a link by running
 * {@code readlink}: every data file, checksum file and directory Spark writes and every Delta commit
 * (a rename, see {@link ForkFreeLocalFs}) starts a process, 7 ms each on a 2-core machine. A
 * 400-customer {@code run} started about 570 of them. Here the two calls go through
 * {@code java.nio.file}, as the native library would do them, and give the same results; the rest
 * is Hadoop's own local file system.
 */
public class ForkFreeLocalFileSystem extends LocalFileSystem {
  public ForkFreeLocalFileSystem() {
    super(new Raw());
  }

  /** {@link RawLocalFileSystem} with {@code chmod} and {@code readlink} done in process. */
  public static class Raw extends RawLocalFileSystem {
    /**
     * As {@code chmod}: the permission bits of the file (a link is followed). Hadoop's own call
     * stays for the one bit {@code java.nio} cannot set, the sticky bit.
     */
    @Override
    public void setPermission(Path p, FsPermission permission) throws IOException {
      if (permission.getStickyBit()) {
        super.setPermission(p, permission);
        return;
      }
      // Without the sticky bit the permission's text is the nine rwx letters the JDK parses.
      Files.setPosixFilePermissions(pathToFile(p).toPath(), PosixFilePermissions.fromString(permission.toString()));
    }

    /**
     * The status of the path itself. Hadoop runs {@code readlink} on the path's text and, when that
     * names no link (every regular file and directory, or a path that does not exist), returns
     * {@link #getFileStatus}, which is what this does without the process; an actual symbolic link,
     * rare under a data directory, still takes Hadoop's own path, so its result is Hadoop's.
     */
    @Override
    public FileStatus getFileLinkStatus(Path f) throws IOException {
      if (Files.isSymbolicLink(pathToFile(f).toPath())) {
        return super.getFileLinkStatus(f);
      }
      return getFileStatus(f);
    }
  }
}
