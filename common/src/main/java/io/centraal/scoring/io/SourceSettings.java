package io.centraal.scoring.io;

import java.util.Map;

/**
 * How one canonical source is read and mapped (config {@code centraal.sources.<name>}).
 *
 * @param name            canonical source name
 * @param enabled         whether the source is read at all
 * @param format          csv | json | parquet | delta
 * @param path            file, directory or glob
 * @param options         Spark reader options
 * @param columns         canonical field -> user column name
 * @param constants       canonical field -> literal
 * @param expressions     canonical field -> Spark SQL expression over the user's columns
 * @param timestampFormat java.time pattern for string timestamps; empty for ISO-8601
 */
public record SourceSettings(String name, boolean enabled, String format, String path,
                             Map<String, String> options, Map<String, String> columns,
                             Map<String, String> constants, Map<String, String> expressions,
                             String timestampFormat) {}
