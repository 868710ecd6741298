package io.centraal.jobs;

import io.centraal.scoring.config.CentraalSettings;
import io.centraal.scoring.ingest.Ingestion;
import io.centraal.scoring.run.ConcurrentWork;
import io.centraal.scoring.run.RunContext;
import io.centraal.scoring.schema.SourceContract;
import io.centraal.scoring.schema.SourceContracts;
import io.centraal.scoring.schema.LogColumns;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Locale;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;

/** Step 1: raw sources -> bronze Delta tables and the quarantine. */
@Command(name = "ingest", mixinStandardHelpOptions = true,
    description = "Read the configured sources, validate them, quarantine bad rows and MERGE the rest into bronze.")
public final class IngestJob extends StageCommand {
  @Override
  String jobName() {
    return "ingest";
  }

  @Override
  JobResult execute(SparkSession spark, CentraalSettings settings, RunContext ctx, Progress progress) {
    // The one clock read of ingest: an event dated after today cannot have happened (TS_IN_FUTURE).
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    List<ConcurrentWork.Piece<Timed>> sources = new ArrayList<>();
    for (SourceContract contract : SourceContracts.ALL) {
      if (settings.sources().get(contract.name()).enabled()) {
        sources.add(new ConcurrentWork.Piece<>(contract.name(), () -> {
          long t0 = System.nanoTime();
          return new Timed(Ingestion.ingest(spark, settings, contract, ctx, today), seconds(t0));
        }));
      }
    }
    List<Ingestion.SourceOutcome> outcomes = new ArrayList<>();
    // Sources side by side, reported in the contracts' order as each is done.
    ConcurrentWork.run(spark, settings.ingest().concurrentSources(), sources, done -> {
      Ingestion.SourceOutcome o = done.value().outcome();
      progress.step("ingest", o.source(), o.read(), o.accepted(), o.quarantined(), done.value().seconds(),
          done.sparkWork());
      outcomes.add(o);
      if (!o.reasons().isEmpty()) {
        progress.info("           quarantined by reason: " + o.reasons());
      }
      if (o.deferred() > 0) {
        progress.info(String.format(Locale.ROOT, "           deferred %,d rows dated after %s (a later run takes them)",
            o.deferred(), ctx.asOfDate()));
      }
      if (o.anonymous() > 0) {
        progress.info(String.format(Locale.ROOT, "           anonymous (no customer_ref): %,d rows, in totals, not in"
            + " customer scores", o.anonymous()));
      }
      if (!o.extraColumns().isEmpty()) {
        progress.info("           extra columns " + (settings.ingest().extraColumns()
            == CentraalSettings.ExtraColumns.KEEP ? "kept in " + LogColumns.EXTRA_COLUMNS : "ignored") + ": "
            + o.extraColumns());
      }
    });
    long in = 0;
    long out = 0;
    long quarantined = 0;
    List<String> details = new ArrayList<>();
    for (Ingestion.SourceOutcome o : outcomes) {
      in += o.read();
      out += o.accepted();
      quarantined += o.quarantined();
      details.add("\"" + o.source() + "\": " + o.toJson());
    }
    return new JobResult(in, out, quarantined, "{" + String.join(", ", details) + "}");
  }

  private record Timed(Ingestion.SourceOutcome outcome, double seconds) {}
}
