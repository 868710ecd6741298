package io.centraal.scoring.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.centraal.scoring.export.JdbcScoresExport;
import io.centraal.scoring.run.Redaction;
import io.centraal.scoring.run.ScoringException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Secrets in config keys, in config values and in JDBC URLs never reach a rendered config or a message. */
class RedactionTest {
  @Test
  void keysMentioningASecretAnywhereAreRedactedButVariableNamesStayVisible() {
    assertTrue(Redaction.isSecretKey("centraal.sources.reviews.options.fs.azure.account.key.acct.dfs.core.windows.net"));
    assertTrue(Redaction.isSecretKey("centraal.sources.reviews.options.fs.s3a.secret.key"));
    assertTrue(Redaction.isSecretKey("centraal.sources.reviews.options.azure_client_credential_file"));
    assertTrue(Redaction.isSecretKey("centraal.sources.reviews.options.sas_token"));
    assertFalse(Redaction.isSecretKey("centraal.privacy.pseudonym-key-env"), "holds a variable's name, not a key");
    assertFalse(Redaction.isSecretKey("centraal.paths.data-dir"));
  }

  @Test
  void secretsInsideValuesAreMasked() {
    assertEquals("jdbc:postgresql://db:5432/crm?user=centraal&password=***&ssl=true",
        Redaction.redactText("jdbc:postgresql://db:5432/crm?user=centraal&password=hunter2&ssl=true"));
    assertEquals("jdbc:sqlserver://db;databaseName=crm;password=***;encrypt=true",
        Redaction.redactText("jdbc:sqlserver://db;databaseName=crm;password=hunter2;encrypt=true"));
    assertEquals("abfss://u:***@host/path", Redaction.redactText("abfss://u:hunter2@host/path"));
    assertEquals("DefaultEndpointsProtocol=https;AccountName=a;AccountKey=***",
        Redaction.redactText("DefaultEndpointsProtocol=https;AccountName=a;AccountKey=c2VjcmV0"));
    assertEquals("/data/centraal", Redaction.redactText("/data/centraal"));
  }

  @Test
  void theRenderedConfigHidesSecretKeysAndSecretsInValues() {
    String rendered = ConfigLoader.renderRedacted(ConfigLoader.load(List.of(), Map.of(
        "sources.transactions.options.\"fs.azure.account.key.acct.dfs.core.windows.net\"", "c2VjcmV0a2V5",
        "export.jdbc.url", "jdbc:postgresql://crm-db:5432/crm?password=hunter2")));
    assertFalse(rendered.contains("c2VjcmV0a2V5") || rendered.contains("hunter2"), rendered);
    assertTrue(rendered.contains("crm-db:5432/crm?password=***"), rendered);
    assertTrue(rendered.contains("CENTRAAL_PSEUDONYM_KEY"), "variable names stay visible");
  }

  @Test
  void aJdbcFailureNamesTheDatabaseWithoutItsPassword() {
    JdbcScoresExport unreachable = new JdbcScoresExport("jdbc:postgresql://127.0.0.1:1/crm?password=hunter2",
        "centraal", null, "marketing.customer_scores", 10);
    ScoringException e = assertThrows(ScoringException.class, unreachable::checkReachable);
    assertTrue(e.getMessage().contains("127.0.0.1:1/crm?password=***"), e.getMessage());
    assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
  }
}
