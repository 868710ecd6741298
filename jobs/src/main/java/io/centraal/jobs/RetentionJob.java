package io.centraal.jobs;

import io.centraal.scoring.config.CentraalSettings;
import io.centraal.scoring.io.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import io.centraal.scoring.privacy.enforcement.Retention;
import io.centraal.scoring.run.RunContext;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;

/** Deletes raw clickstream older than the retention period from bronze, then vacuums. */
@Command(name = "retention", mixinStandardHelpOptions = true,
    description = "Delete bronze clickstream events older than centraal.privacy.clickstream-retention-months "
        + "before the as-of date, then VACUUM.")
public final class RetentionJob extends StageCommand {
  @Override
  String jobName() {
    return "retention";
  }

  @Override
  JobResult execute(SparkSession spark, CentraalSettings settings, RunContext ctx, Progress progress) {
    long t0 = System.nanoTime();
    long deleted = Retention.enforceClickstream(spark, settings, ctx.asOfDate());
    progress.step("retention", "clickstream", deleted, 0, 0, seconds(t0));
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("clickstream_deleted", deleted);
    detail.put("cutoff", Retention.clickstreamCutoff(ctx.asOfDate(), settings.privacy().clickstreamRetentionMonths())
        .toString());
    return new JobResult(deleted, 0, 0, Json.write(detail));
  }
}
