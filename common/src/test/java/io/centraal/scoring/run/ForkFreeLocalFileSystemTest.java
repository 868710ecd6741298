package io.centraal.scoring.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.centraal.scoring.testing.SparkExtension;
import java.io.FileNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local file system centraal's sessions use gives Hadoop's own answers for the two calls it
 * does in process (a permission set, a path's own status), and is what a session's file: paths get.
 */
@ExtendWith(SparkExtension.class)
class ForkFreeLocalFileSystemTest {
  private static final List<Short> MODES = List.of((short) 0644, (short) 0755, (short) 0700, (short) 0600,
      (short) 0750, (short) 0640, (short) 0777, (short) 0444, (short) 0511, (short) 0000);

  @Test
  void aSessionsFilePathsUseItThroughBothHadoopApis(SparkSession spark, @TempDir Path dir) throws Exception {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    assertInstanceOf(ForkFreeLocalFileSystem.class, FileSystem.get(dir.toUri(), conf));
    FileContext context = FileContext.getFileContext(dir.toUri(), conf);
    assertEquals(ForkFreeLocalFs.class, context.getDefaultFileSystem().getClass());
  }

  @Test
  void setsThePermissionsHadoopsChmodSets(@TempDir Path dir) throws Exception {
    RawLocalFileSystem hadoop = raw(new RawLocalFileSystem());
    RawLocalFileSystem inProcess = raw(new ForkFreeLocalFileSystem.Raw());
    for (short mode : MODES) {
      FsPermission permission = new FsPermission(mode);
      Path a = Files.createFile(dir.resolve("hadoop-" + Integer.toOctalString(mode)));
      Path b = Files.createFile(dir.resolve("in-process-" + Integer.toOctalString(mode)));
      hadoop.setPermission(hadoopPath(a), permission);
      inProcess.setPermission(hadoopPath(b), permission);
      Set<PosixFilePermission> expected = Files.getPosixFilePermissions(a);
      assertEquals(expected, Files.getPosixFilePermissions(b), "mode " + Integer.toOctalString(mode));
      assertEquals(permission, inProcess.getFileStatus(hadoopPath(b)).getPermission());
    }
  }

  @Test
  void aPathsOwnStatusIsHadoopsForFilesDirectoriesLinksAndMissingPaths(@TempDir Path dir) throws Exception {
    RawLocalFileSystem hadoop = raw(new RawLocalFileSystem());
    RawLocalFileSystem inProcess = raw(new ForkFreeLocalFileSystem.Raw());
    Path file = Files.writeString(dir.resolve("00000000000000000001.json"), "{\"commitInfo\":{}}\n");
    Path directory = Files.createDirectory(dir.resolve("_delta_log"));
    Path link = Files.createSymbolicLink(dir.resolve("link"), file);
    Path dangling = Files.createSymbolicLink(dir.resolve("dangling"), dir.resolve("nothing-here"));
    // Each as a qualified path (file:/..., as Spark and Delta ask) and as a bare one.
    for (Path p : List.of(file, directory, link, dangling, dir.resolve("missing"))) {
      for (org.apache.hadoop.fs.Path asked : List.of(hadoopPath(p), new org.apache.hadoop.fs.Path(p.toString()))) {
        assertEquals(linkStatus(hadoop, asked), linkStatus(inProcess, asked), asked.toString());
      }
    }
    assertTrue(Files.isSymbolicLink(link) && Files.isSymbolicLink(dangling));
    assertFalse(linkStatus(hadoop, new org.apache.hadoop.fs.Path(link.toString())).contains("symlink=-"),
        "a bare path to a link is read as the link");
    assertThrows(FileNotFoundException.class, () -> inProcess.getFileLinkStatus(hadoopPath(dir.resolve("missing"))));
  }

  /** What a status call answers, as text: the status's fields, or the exception it threw. */
  private static String linkStatus(RawLocalFileSystem fs, org.apache.hadoop.fs.Path asked) {
    try {
      FileStatus s = fs.getFileLinkStatus(asked);
      return "path=" + s.getPath() + " dir=" + s.isDirectory() + " symlink=" + (s.isSymlink() ? s.getSymlink() : "-")
          + " len=" + s.getLen() + " modified=" + s.getModificationTime() + " permission=" + s.getPermission();
    } catch (java.io.IOException e) {
      return e.getClass().getName();
    }
  }

  private static RawLocalFileSystem raw(RawLocalFileSystem fs) throws Exception {
    fs.initialize(java.net.URI.create("file:///"), new Configuration());
    return fs;
  }

  private static org.apache.hadoop.fs.Path hadoopPath(Path p) {
    return new org.apache.hadoop.fs.Path(p.toUri());
  }
}
