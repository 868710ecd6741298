package io.centraal.jobs;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.centraal.scoring.identity.IdentityResolution;
import io.centraal.scoring.io.DeltaTables;
import io.centraal.scoring.schema.FeatureColumns;
import io.centraal.scoring.schema.LogColumns;
import io.centraal.scoring.testing.SparkExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The identity step on an export where one placeholder e-mail sits on 25 loyalty cards: the cards
 * stay 30 customers, the placeholder is named in the map and counted in run_log, and the step says
 * so in its progress lines. With the guard off the same export collapses into 6 customers.
 */
@ExtendWith(SparkExtension.class)
class IdentityHubsCliTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CONF = "../conf/examples/transactions-csv.conf";
  private static final String AS_OF = "2024-12-31";

  @Test
  void aPlaceholderEmailOnManyCardsDoesNotMergeThem(SparkSession spark, @TempDir Path dir) throws Exception {
    List<String> tx = new ArrayList<>(List.of("transaction_id,customer_id,ts,amount"));
    List<String> links = new ArrayList<>(List.of("ref_a,ref_b,link_type"));
    for (int i = 1; i <= 30; i++) {
      tx.add("t" + i + "a,L" + i + ",2024-03-0" + (1 + i % 9) + ",20.00");
      tx.add("t" + i + "b,L" + i + ",2024-06-1" + (i % 9) + ",35.50");
      if (i <= 25) {
        links.add("L" + i + ",e-noemail,card_email");
      }
    }
    links.add("L1,U1,card_account");
    Path txCsv = Files.write(dir.resolve("tx.csv"), tx);
    Path linksCsv = Files.write(dir.resolve("links.csv"), links);

    Path guarded = dir.resolve("guarded");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertEquals(0, command("ingest", guarded, txCsv, linksCsv, null));
    assertEquals(0, command("identity", guarded, txCsv, linksCsv, out));
    String printed = out.toString(StandardCharsets.UTF_8);
    assertTrue(printed.contains("1 references linked to more than 20 others each") && printed.contains("hub_partners"),
        printed);

    Dataset<Row> map = DeltaTables.read(spark, guarded.resolve("silver/identity_map").toString()).cache();
    assertEquals(30, map.where(col(LogColumns.REF).startsWith("L")).select(FeatureColumns.CUSTOMER_KEY).distinct()
        .count(), "every card its own customer");
    List<Row> hubs = map.where(col(IdentityResolution.HUB_PARTNERS).isNotNull()).collectAsList();
    assertEquals(1, hubs.size());
    assertEquals("e-noemail", hubs.get(0).getString(0));
    assertEquals(25L, hubs.get(0).<Long>getAs(IdentityResolution.HUB_PARTNERS));
    JsonNode detail = identityDetail(spark, guarded);
    assertEquals(1, detail.get("hubs").asLong(), detail.toString());
    assertEquals(2, detail.get("largest_customer_references").asLong(), "L1 with U1: " + detail);

    Path unguarded = dir.resolve("unguarded");
    assertEquals(0, command("ingest", unguarded, txCsv, linksCsv, null, "identity.max-partners=0"));
    assertEquals(0, command("identity", unguarded, txCsv, linksCsv, null, "identity.max-partners=0"));
    JsonNode merged = identityDetail(spark, unguarded);
    assertEquals(0, merged.get("hubs").asLong());
    assertEquals(6, merged.get("customers").asLong(), "the 25 cards, U1 and the e-mail as one, and 5 cards: " + merged);
    assertEquals(27, merged.get("largest_customer_references").asLong(), merged.toString());
  }

  private static JsonNode identityDetail(SparkSession spark, Path data) throws Exception {
    Row row = DeltaTables.read(spark, data.resolve("gold/run_log").toString())
        .where(col(LogColumns.JOB).equalTo("identity")).first();
    return JSON.readTree(row.<String>getAs(LogColumns.DETAIL));
  }

  private static int command(String command, Path data, Path tx, Path links, ByteArrayOutputStream out,
                             String... sets) {
    List<String> args = new ArrayList<>(List.of(command, "--conf", CONF, "--as-of", AS_OF,
        "--set", "paths.data-dir=" + data, "--set", "sources.transactions.path=" + tx,
        "--set", "sources.identity_links.enabled=true", "--set", "sources.identity_links.path=" + links));
    for (String s : sets) {
      args.add("--set");
      args.add(s);
    }
    PrintStream before = System.out;
    if (out != null) {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    }
    try {
      return CentraalCli.execute(args.toArray(String[]::new));
    } finally {
      System.setOut(before);
    }
  }
}
