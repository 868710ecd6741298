package io.centraal.scoring.io;

/**
 * Table locations, all below one data directory. A relative local directory is made absolute
 * against the working directory: Delta takes a relative location for a table name
 * ({@code data/gold/model_runs is not a valid name}), and executors on other machines have another
 * working directory anyway.
 */
public record DataPaths(String dataDir) {
  public DataPaths {
    boolean hasScheme = dataDir.matches("^[A-Za-z][A-Za-z0-9+.-]*:/.*"); // file:/, s3a://, abfss://, dbfs:/
    if (!hasScheme && !java.nio.file.Paths.get(dataDir).isAbsolute()) {
      dataDir = java.nio.file.Paths.get(dataDir).toAbsolutePath().normalize().toString();
    }
    while (dataDir.length() > 1 && dataDir.endsWith("/")) {
      dataDir = dataDir.substring(0, dataDir.length() - 1);
    }
  }

  /**
   * The data directory as a path of this machine's file system (a plain path or a file: URI), as the
   * lease finds it ({@link io.centraal.scoring.run.DataDirectoryLease#localPath}); empty on an object
   * store.
   */
  public java.util.Optional<java.nio.file.Path> localDataDir() {
    return io.centraal.scoring.run.DataDirectoryLease.localPath(dataDir);
  }

  public String bronze(String table) {
    return dataDir + "/bronze/" + table;
  }

  public String silver(String table) {
    return dataDir + "/silver/" + table;
  }

  public String gold(String table) {
    return dataDir + "/gold/" + table;
  }

  public String exports(String name) {
    return dataDir + "/exports/" + name;
  }

  public String models(String name) {
    return dataDir + "/models/" + name;
  }

  public String raw() {
    return dataDir + "/raw";
  }
}
