package io.centraal.jobs.bench;

import io.centraal.scoring.export.MarketingDrop;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The {@code _SUCCESS} rule of the marketing drops, checked from outside as an importer would: a
 * folder with {@code _SUCCESS} is published and must be complete (a manifest; every file it lists
 * present with its SHA-256; no other part file in the format folders); a folder without it is not
 * visible, whatever it holds.
 */
final class DropFolders {
  private static final com.fasterxml.jackson.databind.ObjectMapper MAPPER = new com.fasterxml.jackson.databind.ObjectMapper();

  private DropFolders() {}

  /** Every as_of_date=D folder below {@code dropRoot}. */
  static List<Path> dateFolders(Path dropRoot) {
    if (!Files.isDirectory(dropRoot)) {
      return List.of();
    }
    try (Stream<Path> dirs = Files.list(dropRoot)) {
      return dirs.filter(d -> d.getFileName().toString().startsWith("as_of_date=")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What is wrong with the published folders below {@code dropRoot} (empty: no half drop is visible). */
  static List<String> halfVisible(Path dropRoot) {
    List<String> problems = new ArrayList<>();
    for (Path dir : dateFolders(dropRoot)) {
      if (Files.exists(dir.resolve(MarketingDrop.SUCCESS))) {
        problems.addAll(problems(dir));
      }
    }
    return problems;
  }

  @SuppressWarnings("unchecked")
  private static List<String> problems(Path dir) {
    List<String> out = new ArrayList<>();
    Path manifestFile = dir.resolve(MarketingDrop.MANIFEST);
    if (!Files.exists(manifestFile)) {
      return List.of(dir.getFileName() + ": _SUCCESS without " + MarketingDrop.MANIFEST);
    }
    try {
      Map<String, Object> manifest = MAPPER.readValue(Files.readString(manifestFile), Map.class);
      Set<String> listed = new HashSet<>();
      for (Map<String, Object> file : (List<Map<String, Object>>) manifest.get("files")) {
        String path = (String) file.get("path");
        listed.add(path);
        Path p = dir.resolve(path);
        if (!Files.exists(p)) {
          out.add(dir.getFileName() + ": " + path + " listed but missing");
        } else if (!sha256(p).equals(file.get("sha256"))) {
          out.add(dir.getFileName() + ": " + path + " does not match its SHA-256");
        }
      }
      for (Object format : (List<Object>) manifest.get("formats")) {
        Path formatDir = dir.resolve((String) format);
        if (!Files.isDirectory(formatDir)) {
          out.add(dir.getFileName() + ": format folder " + format + " missing");
          continue;
        }
        try (Stream<Path> parts = Files.list(formatDir)) {
          parts.map(p -> format + "/" + p.getFileName()).filter(n -> n.contains("/part-") && !listed.contains(n))
              .forEach(n -> out.add(dir.getFileName() + ": " + n + " present but not listed"));
        }
      }
    } catch (IOException | RuntimeException e) {
      out.add(dir.getFileName() + ": unreadable manifest (" + e.getMessage() + ")");
    }
    return out;
  }

  private static String sha256(Path file) throws IOException {
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
      return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable in this JVM", e);
    }
  }
}
