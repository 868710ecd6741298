package io.centraal.scoring.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A throwaway PostgreSQL server for a test class: initdb into a temp dir, a free port on 127.0.0.1,
 * the unix socket in the temp dir, password authentication (scram) with the password of
 * {@code CENTRAAL_JDBC_PASSWORD} (set by surefire), a fresh database; stopped and deleted after
 * the class. Uses Debian's server binaries ({@code /usr/lib/postgresql/<version>/bin}); when they
 * are missing the test FAILS, naming the package to install (.ci/run installs it) — never skips.
 *
 * <p>initdb refuses to run as root, so as root the server commands run as the unprivileged
 * {@code postgres} user (created by the Debian package) via {@code runuser}, and the temp dir is
 * handed to that user.
 */
public final class PostgresServer implements BeforeAllCallback, AfterAllCallback {
  public static final String USER = "centraal";
  public static final String DATABASE = "centraal_test";
  private static final String SERVICE_USER = "postgres";

  private Path dir;
  private Path bin;
  private int port;
  private boolean asServiceUser;

  /** JDBC URL of the test database. */
  public String url() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
  }

  /** The password the server was initialised with. */
  public static String password() {
    String value = System.getenv("CENTRAAL_JDBC_PASSWORD");
    if (value == null || value.isEmpty()) {
      throw new IllegalStateException("CENTRAAL_JDBC_PASSWORD is not set: the parent pom's surefire configuration sets "
          + "a test-only value; run the tests through Maven");
    }
    return value;
  }

  public Connection connect() throws SQLException {
    return DriverManager.getConnection(url(), USER, password());
  }

  /** Newest {@code /usr/lib/postgresql/<version>/bin} holding initdb; fails loudly when there is none. */
  static Path serverBinaries() {
    Path root = Path.of("/usr/lib/postgresql");
    List<Path> found = new ArrayList<>();
    if (Files.isDirectory(root)) {
      try (Stream<Path> versions = Files.list(root)) {
        versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("initdb"))).forEach(found::add);
      } catch (IOException e) {
        throw new IllegalStateException("cannot list " + root, e);
      }
    }
    return found.stream().max(Comparator.comparingInt(PostgresServer::majorVersion)).orElseThrow(() ->
        new IllegalStateException("PostgreSQL server binaries not found (no /usr/lib/postgresql/*/bin/initdb): the JDBC "
            + "export tests need a real server; install Debian's package: apt-get install -y postgresql "
            + "(.ci/run does this)"));
  }

  private static int majorVersion(Path bin) {
    try {
      return Integer.parseInt(bin.getParent().getFileName().toString());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    bin = serverBinaries();
    asServiceUser = "root".equals(System.getProperty("user.name"));
    dir = Files.createTempDirectory("centraal-pg");
    Path pwfile = dir.resolve("pwfile");
    Files.writeString(pwfile, password() + "\n", StandardCharsets.UTF_8);
    if (asServiceUser) {
      UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
      Files.setOwner(dir, users.lookupPrincipalByName(SERVICE_USER));
      Files.setOwner(pwfile, users.lookupPrincipalByName(SERVICE_USER));
    }
    run(bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-U", USER,
        "--pwfile=" + pwfile, "--auth=scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync");
    port = freePort();
    run(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-l", dir.resolve("server.log").toString(),
        "-w", "-t", "60", "-o", "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off "
            + "-c synchronous_commit=off -c full_page_writes=off", "start");
    try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", USER, password());
         Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + DATABASE);
    }
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    if (dir == null) {
      return;
    }
    try {
      if (Files.exists(dir.resolve("data/postmaster.pid"))) {
        run(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "immediate", "-w", "stop");
      }
    } finally {
      deleteRecursively(dir);
    }
  }

  private void run(String... command) throws IOException, InterruptedException {
    List<String> full = new ArrayList<>();
    if (asServiceUser) {
      full.addAll(List.of("runuser", "-u", SERVICE_USER, "--"));
    }
    full.addAll(List.of(command));
    Path log = Files.createTempFile("centraal-pg-cmd", ".log");
    try {
      Process p = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("timed out: " + String.join(" ", full));
      }
      if (p.exitValue() != 0) {
        String serverLog = Files.exists(dir.resolve("server.log")) ? Files.readString(dir.resolve("server.log")) : "";
        throw new IllegalStateException("command failed (exit " + p.exitValue() + "): " + String.join(" ", full) + "\n"
            + Files.readString(log) + serverLog);
      }
    } finally {
      Files.deleteIfExists(log);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static void deleteRecursively(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
