package io.centraal.scoring.export;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;

/**
 * The local file system, recording the order of creates, renames and deletes ("create
 * manifest.json", "rename _tmp_run-1_csv -> csv"): file times cannot order two writes of the same
 * millisecond, this can. Installed for the "file" scheme with {@link #install}; tests read {@link #EVENTS}.
 */
public class RecordingLocalFileSystem extends LocalFileSystem {
  public static final List<String> EVENTS = new CopyOnWriteArrayList<>();

  /** Routes file: paths of {@code conf} through this class until {@link #uninstall}. */
  public static void install(org.apache.hadoop.conf.Configuration conf) {
    EVENTS.clear();
    conf.set("fs.file.impl", RecordingLocalFileSystem.class.getName());
    conf.setBoolean("fs.file.impl.disable.cache", true);
  }

  public static void uninstall(org.apache.hadoop.conf.Configuration conf) {
    conf.unset("fs.file.impl");
    conf.unset("fs.file.impl.disable.cache");
  }

  @Override
  public FSDataOutputStream create(Path f, FsPermission permission, boolean overwrite, int bufferSize,
                                   short replication, long blockSize, Progressable progress) throws IOException {
    EVENTS.add("create " + f.getName());
    return super.create(f, permission, overwrite, bufferSize, replication, blockSize, progress);
  }

  @Override
  public boolean rename(Path src, Path dst) throws IOException {
    EVENTS.add("rename " + src.getName() + " -> " + dst.getName());
    return super.rename(src, dst);
  }

  @Override
  public boolean delete(Path f, boolean recursive) throws IOException {
    EVENTS.add("delete " + f.getName());
    return super.delete(f, recursive);
  }
}
