package io.centraal.scoring.demo;

import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@link DemoDataGenerator#generate} wrote.
 *
 * @param outDir the output directory
 * @param paths table folder name ({@link DemoTables}) to its path
 * @param rowCounts table to the number of rows written (bad rows included)
 * @param badRows for transactions and reviews: the exact number of bad rows of each kind written,
 *     for every kind that table can receive (0 if none was drawn)
 * @param customers generated persons
 * @param plantedInfluencers planted influencers among them
 * @param bigSpenders big spenders among them
 */
public record GeneratedData(
    String outDir,
    Map<String, String> paths,
    Map<String, Long> rowCounts,
    Map<String, Map<BadRowKind, Long>> badRows,
    long customers,
    long plantedInfluencers,
    long bigSpenders) {

  public GeneratedData {
    paths = Collections.unmodifiableMap(new LinkedHashMap<>(paths));
    rowCounts = Collections.unmodifiableMap(new LinkedHashMap<>(rowCounts));
    Map<String, Map<BadRowKind, Long>> copy = new LinkedHashMap<>();
    badRows.forEach((table, kinds) -> copy.put(table,
        kinds.isEmpty() ? Map.of() : Collections.unmodifiableMap(new EnumMap<>(kinds))));
    badRows = Collections.unmodifiableMap(copy);
  }

  /** Bad rows of one kind in one table (0 for tables without bad rows). */
  public long badRows(String table, BadRowKind kind) {
    Map<BadRowKind, Long> perKind = badRows.get(table);
    return perKind == null ? 0L : perKind.getOrDefault(kind, 0L);
  }

  /** All bad rows in one table. */
  public long badRows(String table) {
    Map<BadRowKind, Long> perKind = badRows.get(table);
    return perKind == null ? 0L : perKind.values().stream().mapToLong(Long::longValue).sum();
  }
}
