package io.centraal.scoring.run;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One writer per data directory: a lock file {@value #LOCK_FILE} in the directory, created
 * atomically (a hard link of a complete file, so nobody ever reads a half-written lock), naming its
 * holder and an expiry that a heartbeat thread pushes forward. A second process is refused with a
 * {@link DataDirectoryLockedException} naming the holder. A lock is stale, and taken over, when its
 * holder is a process on this host that no longer runs, or when its expiry passed (the only signal
 * from another host). Released by {@link #close()} and, should the JVM end first, a shutdown hook;
 * a SIGKILL leaves the file, which the dead-pid or expiry rule then clears.
 *
 * <p>Works on local and mounted directories. An object-store URI (s3a://, abfss://) has no atomic
 * create-if-absent, so there the lease is not taken and the scheduler must keep to one run at a
 * time (Airflow {@code max_active_runs=1}); a warning says so.
 */
public final class DataDirectoryLease implements AutoCloseable {
  public static final String LOCK_FILE = "_centraal.lock";
  /** Long enough to ride out a GC pause or a busy disk; a crashed holder on another host blocks this long. */
  static final Duration DEFAULT_TTL = Duration.ofMinutes(2);
  private static final Logger LOG = LoggerFactory.getLogger(DataDirectoryLease.class);
  private static final int ATTEMPTS = 5;

  /** The holder of a lease, as written in the lock file (no personal data: a pid, host, command, run id). */
  public record Holder(String token, long pid, String host, String command, String runId, Instant since,
                       Instant expires) {
    String describe() {
      return "pid " + pid + " on host " + host + ", command '" + command + "', run id " + runId + ", since " + since;
    }

    Holder renewed(Instant newExpiry) {
      return new Holder(token, pid, host, command, runId, since, newExpiry);
    }

    byte[] bytes() {
      Properties p = new Properties();
      p.setProperty("token", token);
      p.setProperty("pid", Long.toString(pid));
      p.setProperty("host", host);
      p.setProperty("command", command);
      p.setProperty("run-id", runId);
      p.setProperty("since", since.toString());
      p.setProperty("expires", expires.toString());
      StringWriter out = new StringWriter();
      try {
        p.store(out, "centraal data directory lease: one writer at a time");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    static Holder parse(String text) {
      Properties p = new Properties();
      try {
        p.load(new StringReader(text));
        return new Holder(p.getProperty("token"), Long.parseLong(p.getProperty("pid")), p.getProperty("host"),
            p.getProperty("command"), p.getProperty("run-id"), Instant.parse(p.getProperty("since")),
            Instant.parse(p.getProperty("expires")));
      } catch (IOException | RuntimeException e) {
        return null;
      }
    }
  }

  private final Path lockFile;
  private final Duration ttl;
  private final Clock clock;
  private volatile Holder holder;
  private volatile boolean lost;
  private volatile boolean released;
  private final ScheduledExecutorService heartbeat;
  private final Thread shutdownHook;

  private DataDirectoryLease(Path lockFile, Holder holder, Duration ttl, Clock clock) {
    this.lockFile = lockFile;
    this.holder = holder;
    this.ttl = ttl;
    this.clock = clock;
    if (lockFile == null) {
      heartbeat = null;
      shutdownHook = null;
      return;
    }
    heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "centraal-lease-heartbeat");
      t.setDaemon(true);
      return t;
    });
    long every = Math.max(1, ttl.toMillis() / 4);
    heartbeat.scheduleAtFixedRate(this::renew, every, every, TimeUnit.MILLISECONDS);
    shutdownHook = new Thread(this::release, "centraal-lease-release");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** Takes the lease of {@code dataDir} for {@code command} and {@code runId}, or throws naming the holder. */
  public static DataDirectoryLease acquire(String dataDir, String command, String runId) {
    return acquire(dataDir, command, runId, DEFAULT_TTL, Clock.systemUTC());
  }

  static DataDirectoryLease acquire(String dataDir, String command, String runId, Duration ttl, Clock clock) {
    Optional<Path> dir = localPath(dataDir);
    if (dir.isEmpty()) {
      LOG.warn("{} is not a local directory: no lease taken; the scheduler must run one centraal process at a "
          + "time against it", dataDir);
      return new DataDirectoryLease(null, null, ttl, clock);
    }
    Path lock = dir.get().resolve(LOCK_FILE);
    try {
      Files.createDirectories(dir.get());
    } catch (IOException e) {
      throw new ScoringException("cannot create the data directory " + dir.get() + ": " + e.getMessage(), e);
    }
    Instant now = clock.instant();
    Holder mine = new Holder(UUID.randomUUID().toString(), ProcessHandle.current().pid(), thisHost(), command,
        runId, now, now.plus(ttl));
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      if (tryCreate(lock, mine)) {
        LOG.info("data directory lease taken: {} ({})", lock, mine.describe());
        return new DataDirectoryLease(lock, mine, ttl, clock);
      }
      Optional<Holder> current = read(lock);
      if (current.isEmpty()) {
        continue; // released meanwhile, or unreadable for a moment: try again
      }
      String stale = staleReason(current.get(), clock.instant());
      if (stale == null) {
        throw new DataDirectoryLockedException("data directory " + dir.get() + " is in use by another centraal process: "
            + current.get().describe() + " (lock file " + lock + "; it goes when that process ends, or is taken over "
            + "once it is dead or its lease expires at " + current.get().expires() + ")");
      }
      takeOver(lock, current.get(), mine.token(), stale);
    }
    throw new DataDirectoryLockedException("data directory " + dir.get() + ": could not take the lease " + lock
        + " after " + ATTEMPTS + " attempts (other processes are starting at the same time)");
  }

  /** Null when the holder may still be writing; otherwise why its lease is stale. */
  static String staleReason(Holder h, Instant now) {
    if (h.expires().isBefore(now)) {
      return "its lease expired at " + h.expires();
    }
    if (h.host().equals(thisHost()) && !ProcessHandle.of(h.pid()).map(ProcessHandle::isAlive).orElse(false)) {
      return "process " + h.pid() + " no longer runs on this host";
    }
    return null;
  }

  /** The holder recorded in the lock file now, if any. */
  public static Optional<Holder> holderOf(String dataDir) {
    return localPath(dataDir).flatMap(d -> read(d.resolve(LOCK_FILE)));
  }

  /** False once another process has taken this lease over (the heartbeat found its lock file replaced). */
  public boolean held() {
    return lockFile != null && !lost && !released;
  }

  @Override
  public void close() {
    release();
    if (shutdownHook != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException shuttingDown) {
        // the hook itself is running or about to: nothing to remove
      }
    }
  }

  private synchronized void release() {
    if (released || lockFile == null) {
      return;
    }
    released = true;
    heartbeat.shutdownNow();
    try {
      if (read(lockFile).map(h -> h.token().equals(holder.token())).orElse(false)) {
        Files.deleteIfExists(lockFile);
        LOG.info("data directory lease released: {}", lockFile);
      }
    } catch (IOException e) {
      LOG.warn("could not delete the lock file {} (the next process takes it over once this one has ended): {}",
          lockFile, e.getMessage());
    }
  }

  /** Pushes the expiry forward, unless another process took the lease over meanwhile. */
  private synchronized void renew() {
    if (released || lost) {
      return;
    }
    Optional<Holder> current = read(lockFile);
    if (current.isEmpty() || !current.get().token().equals(holder.token())) {
      lost = true;
      LOG.error("the data directory lease {} was taken over by {}: this process no longer holds it", lockFile,
          current.map(Holder::describe).orElse("nobody (lock file gone)"));
      return;
    }
    Holder next = holder.renewed(clock.instant().plus(ttl));
    Path tmp = lockFile.resolveSibling(LOCK_FILE + "." + holder.token() + ".tmp");
    try {
      Files.write(tmp, next.bytes());
      Files.move(tmp, lockFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      holder = next;
    } catch (IOException e) {
      LOG.warn("could not renew the data directory lease {}: {}", lockFile, e.getMessage());
    }
  }

  /** Creates the lock file with its full content in one step; false when it already exists. */
  private static boolean tryCreate(Path lock, Holder mine) {
    Path tmp = lock.resolveSibling(LOCK_FILE + "." + mine.token() + ".tmp");
    try {
      Files.write(tmp, mine.bytes());
      try {
        Files.createLink(lock, tmp);
      } catch (FileAlreadyExistsException held) {
        throw held;
      } catch (UnsupportedOperationException | java.nio.file.FileSystemException noHardLinks) {
        // Some mounted file systems have no hard links: an exclusive create, then the content (a
        // reader meanwhile sees an unreadable lock, judged by its age: not stale for a while).
        Files.write(lock, mine.bytes(), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      }
      return true;
    } catch (FileAlreadyExistsException held) {
      return false;
    } catch (IOException e) {
      throw new ScoringException("cannot create the lock file " + lock + ": " + e.getMessage(), e);
    } finally {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // a leftover .tmp file holds no lease
      }
    }
  }

  /**
   * Moves the stale lock aside and checks it is the one judged stale. Two processes may judge the
   * same lock stale; if the other one already replaced it with its own, that fresh lock is put back.
   */
  private static void takeOver(Path lock, Holder stale, String myToken, String reason) {
    Path aside = lock.resolveSibling(LOCK_FILE + ".stale-" + myToken);
    try {
      Files.move(lock, aside, StandardCopyOption.ATOMIC_MOVE);
    } catch (NoSuchFileException gone) {
      return;
    } catch (IOException e) {
      throw new ScoringException("cannot take over the stale lock file " + lock + ": " + e.getMessage(), e);
    }
    try {
      Optional<Holder> moved = read(aside);
      if (moved.isPresent() && !moved.get().token().equals(stale.token())) {
        try {
          Files.createLink(lock, aside);
        } catch (FileAlreadyExistsException third) {
          // yet another process holds it now; the next attempt reports that one
        }
      } else {
        LOG.warn("took over the stale data directory lease {} of {}: {}", lock, stale.describe(), reason);
      }
      Files.deleteIfExists(aside);
    } catch (IOException e) {
      throw new ScoringException("cannot take over the stale lock file " + lock + ": " + e.getMessage(), e);
    }
  }

  private static Optional<Holder> read(Path lock) {
    try {
      Holder h = Holder.parse(Files.readString(lock, StandardCharsets.UTF_8));
      if (h != null) {
        return Optional.of(h);
      }
      // Not written by this class (or damaged): judged by its age alone.
      Instant modified = Files.getLastModifiedTime(lock).toInstant();
      return Optional.of(new Holder("unreadable-" + modified.toEpochMilli(), -1, "unknown (unreadable lock file)",
          "unknown", "unknown", modified, modified.plus(DEFAULT_TTL)));
    } catch (NoSuchFileException gone) {
      return Optional.empty();
    } catch (IOException e) {
      throw new ScoringException("cannot read the lock file " + lock + ": " + e.getMessage(), e);
    }
  }

  /** {@code dataDir} as a path of this machine's file system (a plain path or a file: URI); empty for another scheme. */
  public static Optional<Path> localPath(String dataDir) {
    URI uri;
    try {
      uri = URI.create(dataDir);
    } catch (IllegalArgumentException notAUri) {
      return Optional.of(Path.of(dataDir));
    }
    if (uri.getScheme() == null || uri.getScheme().length() == 1) { // "C:\..." parses as scheme "C"
      return Optional.of(Path.of(dataDir));
    }
    return "file".equals(uri.getScheme()) ? Optional.of(Path.of(uri)) : Optional.empty();
  }

  static String thisHost() {
    return HOST;
  }

  private static final String HOST = lookUpHost();

  private static String lookUpHost() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      String env = System.getenv("HOSTNAME");
      return env == null || env.isBlank() ? "unknown-host" : env;
    }
  }
}
