package io.centraal.scoring.export;

/**
 * JDBC export of customer_scores ({@code centraal.export.jdbc}); the password comes only from the
 * environment variable {@link #PASSWORD_ENV}.
 */
public record JdbcSettings(boolean enabled, String url, String user, String table, int batchSize) {
  public static final String PASSWORD_ENV = "CENTRAAL_JDBC_PASSWORD";

  public JdbcSettings {
    if (batchSize < 1) {
      throw new IllegalArgumentException("export.jdbc.batch-size must be at least 1, got " + batchSize);
    }
    if (enabled && (url == null || url.isBlank())) {
      throw new IllegalArgumentException("export.jdbc.enabled = true needs export.jdbc.url (jdbc:postgresql://host:port/db)");
    }
  }
}
