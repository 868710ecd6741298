package io.centraal.jobs;

import io.centraal.scoring.config.CentraalSettings;
import io.centraal.scoring.ingest.Ingestion;
import io.centraal.scoring.run.RunContext;
import io.centraal.scoring.schema.SourceContract;
import io.centraal.scoring.schema.SourceContracts;
import java.util.ArrayList;
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
    long in = 0;
    long out = 0;
    long quarantined = 0;
    List<String> details = new ArrayList<>();
    for (SourceContract contract : SourceContracts.ALL) {
      if (!settings.sources().get(contract.name()).enabled()) {
        continue;
      }
      long t0 = System.nanoTime();
      Ingestion.SourceOutcome o = Ingestion.ingest(spark, settings, contract, ctx);
      progress.step("ingest", contract.name(), o.read(), o.accepted(), o.quarantined(), seconds(t0));
      if (!o.reasons().isEmpty()) {
        progress.info("           quarantined by reason: " + o.reasons());
      }
      in += o.read();
      out += o.accepted();
      quarantined += o.quarantined();
      details.add(String.format("\"%s\": {\"read\": %d, \"accepted\": %d, \"quarantined\": %d, \"inserted\": %d}",
          o.source(), o.read(), o.accepted(), o.quarantined(), o.inserted()));
    }
    return new JobResult(in, out, quarantined, "{" + String.join(", ", details) + "}");
  }
}
