package io.centraal.scoring.run;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFs;
import org.apache.hadoop.fs.DelegateToFileSystem;
import org.apache.hadoop.fs.FsConstants;
import org.apache.hadoop.fs.FsServerDefaults;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.local.LocalConfigKeys;

/**
 * {@link ForkFreeLocalFileSystem} for {@code fs.AbstractFileSystem.file.impl}: the
 * {@code FileContext} API, through which Delta's log store commits a table version (a checksummed
 * write to a temporary file, then a rename that first reads the status of both names, each a
 * {@code readlink} process in Hadoop's own). Built as Hadoop's {@code LocalFs}: checksums over a
 * delegate to the raw local file system, with that delegate's local defaults.
 */
public class ForkFreeLocalFs extends ChecksumFs {
  ForkFreeLocalFs(URI uri, Configuration conf) throws IOException, URISyntaxException {
    super(new Raw(uri, conf));
  }

  /** As Hadoop's {@code RawLocalFs}, over {@link ForkFreeLocalFileSystem.Raw}. */
  static final class Raw extends DelegateToFileSystem {
    Raw(URI uri, Configuration conf) throws IOException, URISyntaxException {
      super(uri, new ForkFreeLocalFileSystem.Raw(), conf, FsConstants.LOCAL_FS_URI.getScheme(), false);
    }

    @Override
    public int getUriDefaultPort() {
      return -1; // no port in a file: URI
    }

    @Override
    @SuppressWarnings("deprecation")
    public FsServerDefaults getServerDefaults() throws IOException {
      return LocalConfigKeys.getServerDefaults();
    }

    @Override
    public FsServerDefaults getServerDefaults(Path f) throws IOException {
      return LocalConfigKeys.getServerDefaults();
    }

    @Override
    public boolean isValidName(String src) {
      return true; // any local path (Hadoop's rule for HDFS names does not apply)
    }
  }
}
