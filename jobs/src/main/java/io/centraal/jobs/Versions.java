package io.centraal.jobs;

/** The version of centraal written into every output row's lineage. */
public final class Versions {
  private Versions() {}

  public static String code() {
    String v = Versions.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }
}
