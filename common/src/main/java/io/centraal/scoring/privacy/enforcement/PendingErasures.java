package io.centraal.scoring.privacy.enforcement;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.centraal.scoring.run.ScoringException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Erasure requests accepted but not finished, one JSON file each under {@value #DIR} in the data
 * directory. A request is recorded, with its customer keys, before anything is deleted, and its
 * file is deleted only after its audit row is written: a request that failed half way keeps the
 * keys it resolved, so a retry finishes it even once the identity map that resolved them is gone.
 * The file holds customer keys only, never a reference (card, account, e-mail, cookie), and is
 * removed when the request completes.
 */
final class PendingErasures {
  static final String DIR = "_erasure_requests";
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** One pending request: its keys, the tables already changed (to VACUUM) and the rows removed so far. */
  record Request(String requestId, String requestedAt, long refs, List<Long> customerKeys, List<String> touched,
                 Map<String, Long> removed, Map<String, Long> startedAtVersion) {
    /**
     * @param startedAtVersion per Delta table, its version just before this request first deleted
     *                         from it; a retry that finds no count recorded for the table reads what
     *                         was deleted after that version from the table's history (a kill can
     *                         land between a delete's commit and the recording of its count)
     */
    Request {
      touched = touched == null ? List.of() : List.copyOf(touched);
      removed = removed == null ? Map.of() : new LinkedHashMap<>(removed);
      startedAtVersion = startedAtVersion == null ? Map.of() : new LinkedHashMap<>(startedAtVersion);
    }

    Request withKeys(Set<Long> keys) {
      Set<Long> all = new LinkedHashSet<>(customerKeys);
      all.addAll(keys);
      return new Request(requestId, requestedAt, refs, List.copyOf(all), touched, removed, startedAtVersion);
    }

    /**
     * About to delete from the Delta table {@code name} at {@code path}, now at {@code version}: the
     * table is VACUUMed whatever happens next, and its version is kept (the first attempt's).
     */
    Request withStarted(String name, String path, long version) {
      List<String> paths = new ArrayList<>(touched);
      if (!paths.contains(path)) {
        paths.add(path);
      }
      Map<String, Long> versions = new LinkedHashMap<>(startedAtVersion);
      versions.putIfAbsent(name, version);
      return new Request(requestId, requestedAt, refs, customerKeys, paths, removed, versions);
    }

    /** Adds {@code n} to what was removed from {@code name} (a drop, an external store, a report). */
    Request withRemoved(String name, long n) {
      Map<String, Long> sums = new LinkedHashMap<>(removed);
      sums.merge(name, n, Long::sum);
      return new Request(requestId, requestedAt, refs, customerKeys, touched, sums, startedAtVersion);
    }

    /** Sets what was removed from the Delta table {@code name} over every attempt (read from its history). */
    Request withCounted(String name, long n) {
      Map<String, Long> sums = new LinkedHashMap<>(removed);
      sums.put(name, n);
      return new Request(requestId, requestedAt, refs, customerKeys, touched, sums, startedAtVersion);
    }
  }

  private final FileSystem fs;
  private final Path dir;

  PendingErasures(String dataDir, Configuration hadoop) {
    this.dir = new Path(dataDir, DIR);
    try {
      this.fs = dir.getFileSystem(hadoop);
    } catch (IOException e) {
      throw new ScoringException("cannot open " + dir + ": " + e.getMessage(), e);
    }
  }

  /** Every pending request, oldest first. */
  List<Request> list() {
    List<Request> out = new ArrayList<>();
    try {
      if (!fs.exists(dir)) {
        return out;
      }
      // save() writes a complete ".<name>.tmp" before it deletes "<name>": a process killed between
      // the delete and the rename leaves only the temporary file, which then is the request.
      FileStatus[] files = fs.listStatus(dir, p -> p.getName().endsWith(".json")
          || (p.getName().startsWith(".") && p.getName().endsWith(".json.tmp")));
      Arrays.sort(files, Comparator.comparingLong(FileStatus::getModificationTime));
      for (FileStatus f : files) {
        String name = f.getPath().getName();
        if (name.endsWith(".tmp") && fs.exists(new Path(dir, name.substring(1, name.length() - ".tmp".length())))) {
          continue; // the complete file is there; the temporary one may be half written
        }
        try (java.io.InputStream in = fs.open(f.getPath())) {
          out.add(MAPPER.readValue(in, Request.class));
        }
      }
    } catch (IOException e) {
      throw new ScoringException("cannot read the pending erasure requests under " + dir + ": " + e.getMessage(), e);
    }
    return out;
  }

  /** Writes (or replaces) the request's file in one step: a reader sees the old or the new version. */
  void save(Request request) {
    Path file = file(request.requestId());
    Path tmp = new Path(dir, "." + file.getName() + ".tmp");
    try {
      fs.mkdirs(dir);
      try (FSDataOutputStream out = fs.create(tmp, true)) {
        out.write(MAPPER.writeValueAsString(request).getBytes(StandardCharsets.UTF_8));
      }
      if (fs.exists(file)) {
        fs.delete(file, false);
      }
      if (!fs.rename(tmp, file)) {
        throw new IOException("cannot move " + tmp + " to " + file);
      }
    } catch (IOException e) {
      throw new ScoringException("cannot record the erasure request " + request.requestId() + " in " + dir + ": "
          + e.getMessage(), e);
    }
  }

  /** Forgets finished requests; the directory goes with the last one. */
  void remove(List<Request> done) {
    try {
      for (Request r : done) {
        fs.delete(file(r.requestId()), false);
        fs.delete(new Path(dir, "." + file(r.requestId()).getName() + ".tmp"), false);
      }
      if (fs.exists(dir) && fs.listStatus(dir).length == 0) {
        fs.delete(dir, false);
      }
    } catch (IOException e) {
      throw new ScoringException("cannot delete finished erasure requests under " + dir + ": " + e.getMessage(), e);
    }
  }

  private Path file(String requestId) {
    return new Path(dir, requestId.replaceAll("[^A-Za-z0-9._-]", "_") + ".json");
  }
}
