package io.centraal.scoring.export;

import com.typesafe.config.Config;

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

  /** {@code centraal.export.jdbc}; {@code c} is the centraal block. */
  public static JdbcSettings from(Config c) {
    return new JdbcSettings(c.getBoolean("export.jdbc.enabled"), c.getString("export.jdbc.url"),
        c.getString("export.jdbc.user"), c.getString("export.jdbc.table"), c.getInt("export.jdbc.batch-size"));
  }
}
