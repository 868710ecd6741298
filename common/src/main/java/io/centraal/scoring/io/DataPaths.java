package io.centraal.scoring.io;

/** Table locations, all below one data directory. */
public record DataPaths(String dataDir) {
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
