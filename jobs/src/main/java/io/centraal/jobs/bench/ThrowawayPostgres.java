package io.centraal.jobs.bench;

import java.io.IOException;
import java.net.ServerSocket;
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
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL server for one benchmark run, from Debian's server binaries
 * ({@code /usr/lib/postgresql/<version>/bin}): initdb into a directory, 127.0.0.1 on a free port,
 * trust authentication (nothing but this machine can reach it, and it holds generated data only),
 * stopped by {@link #close()}. As root the server runs as the {@code postgres} user, since
 * initdb refuses root.
 */
final class ThrowawayPostgres implements AutoCloseable {
  static final String USER = "centraal";
  private static final String DATABASE = "centraal_bench";
  private static final String SERVICE_USER = "postgres";

  private final Path dir;
  private final Path bin;
  private final int port;
  private final boolean asServiceUser;

  private ThrowawayPostgres(Path dir, Path bin, int port, boolean asServiceUser) {
    this.dir = dir;
    this.bin = bin;
    this.port = port;
    this.asServiceUser = asServiceUser;
  }

  /** The newest installed server's binaries, if any. */
  static Optional<Path> serverBinaries() {
    Path root = Path.of("/usr/lib/postgresql");
    if (!Files.isDirectory(root)) {
      return Optional.empty();
    }
    try (Stream<Path> versions = Files.list(root)) {
      return versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("initdb")))
          .max(Comparator.comparing(b -> b.getParent().getFileName().toString(),
              Comparator.comparingInt(v -> v.matches("\\d+") ? Integer.parseInt(v) : -1)));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Starts a server with its files under {@code dir} (created; must not exist or be empty). */
  static ThrowawayPostgres start(Path bin, Path dir) throws IOException, InterruptedException, SQLException {
    boolean asServiceUser = "root".equals(System.getProperty("user.name"));
    Files.createDirectories(dir);
    if (asServiceUser) {
      UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
      Files.setOwner(dir, users.lookupPrincipalByName(SERVICE_USER));
    }
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    ThrowawayPostgres pg = new ThrowawayPostgres(dir, bin, port, asServiceUser);
    pg.run(bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-U", USER, "--auth=trust",
        "-E", "UTF8", "--locale=C", "--no-sync");
    pg.run(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-l",
        dir.resolve("server.log").toString(), "-w", "-t", "60", "-o", "-p " + port + " -k " + dir
            + " -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off", "start");
    try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", USER, "");
         Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + DATABASE);
    }
    return pg;
  }

  String url() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
  }

  Connection connect() throws SQLException {
    return DriverManager.getConnection(url(), USER, "");
  }

  @Override
  public void close() throws IOException, InterruptedException {
    if (Files.exists(dir.resolve("data/postmaster.pid"))) {
      run(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "immediate", "-w", "stop");
    }
  }

  private void run(String... command) throws IOException, InterruptedException {
    List<String> full = new ArrayList<>();
    if (asServiceUser) {
      full.addAll(List.of("runuser", "-u", SERVICE_USER, "--"));
    }
    full.addAll(List.of(command));
    Path log = dir.resolve("command.log");
    Process p = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("timed out: " + String.join(" ", full));
    }
    if (p.exitValue() != 0) {
      throw new IOException("failed (exit " + p.exitValue() + "): " + String.join(" ", full) + "\n" + Files.readString(log));
    }
  }
}
