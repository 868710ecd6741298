package io.centraal.jobs;

import io.centraal.scoring.config.CentraalSettings;
import io.centraal.scoring.run.InvalidConfigException;
import io.centraal.scoring.privacy.enforcement.Erasure;
import io.centraal.scoring.export.JdbcScoresExport;
import io.centraal.scoring.privacy.enforcement.ErasureTarget;
import io.centraal.scoring.run.DataDirectoryLease;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** A data subject's erasure request (GDPR Art. 17): see {@link Erasure}. */
@Command(name = "erase", mixinStandardHelpOptions = true,
    description = "Erase a person (all their references) from every table, the quarantine and the marketing drops; "
        + "vacuum; write an erasure_audit row.")
public final class EraseCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--ref", paramLabel = "REF", description = "A reference of the person (card, account, e-mail, cookie); repeatable.")
  List<String> refs = new ArrayList<>();

  @Option(names = "--ref-file", paramLabel = "FILE", description = "A file with one reference per line.")
  Path refFile;

  @Option(names = "--request-id", paramLabel = "ID", description = "Id of the request in the audit table (default: a new UUID).")
  String requestId;

  @Override
  public Integer call() {
    CentraalSettings settings = common.settings();
    List<String> all = references();
    String id = requestId == null ? "erase-" + UUID.randomUUID() : requestId;
    Erasure.candidates(settings.privacy(), all); // an e-mail without its hashing key fails before Spark starts
    Erasure.Outcome outcome;
    try (DataDirectoryLease lease = DataDirectoryLease.acquire(settings.paths().dataDir(), "erase", id)) {
      SparkSession spark = Sessions.create("erase");
      outcome = Erasure.erase(spark, settings, id, all, targets(settings), Versions.code());
      // The reports listed customer keys: erasure deleted them; render them again from the erased tables.
      outcome.rowsRemoved().keySet().stream().filter(k -> k.matches("reports/as_of_date=\\d{4}-\\d{2}-\\d{2}"))
          .map(k -> java.time.LocalDate.parse(k.substring("reports/as_of_date=".length())))
          .forEach(date -> ReportCommand.renderAfterRun(spark, settings, date, System.out));
    }
    // No references or keys in the output: it may end up in a ticket or a log.
    System.out.println("erase " + id + ": " + outcome.customersFound() + " customer(s), " + outcome.totalRows()
        + " row(s) removed " + outcome.rowsRemoved());
    return 0;
  }

  /** Stores outside the data directory that must forget the person too: the JDBC export's table, when enabled. */
  static List<ErasureTarget> targets(CentraalSettings settings) {
    if (!settings.export().jdbc().enabled()) {
      return List.of();
    }
    JdbcScoresExport jdbc = JdbcScoresExport.fromSettings(settings.export().jdbc());
    return List.of(new ErasureTarget() {
      @Override
      public String name() {
        return "jdbc:" + settings.export().jdbc().table();
      }

      @Override
      public void check() {
        jdbc.checkReachable();
      }

      @Override
      public long erase(SparkSession spark, java.util.Set<Long> customerKeys, java.util.Set<String> refs) {
        return jdbc.deleteCustomers(customerKeys);
      }
    });
  }

  List<String> references() {
    List<String> all = new ArrayList<>(refs);
    if (refFile != null) {
      try {
        Files.readAllLines(refFile).stream().map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#"))
            .forEach(all::add);
      } catch (IOException e) {
        throw new InvalidConfigException("cannot read --ref-file " + refFile + ": " + e.getMessage(), e);
      }
    }
    if (all.isEmpty()) {
      throw new InvalidConfigException("no reference to erase: give --ref REF (repeatable) or --ref-file FILE");
    }
    return all;
  }
}
