package io.centraal.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;

import io.centraal.scoring.config.CentraalSettings;
import io.centraal.scoring.identity.IdentityResolution;
import io.centraal.scoring.io.DeltaTables;
import io.centraal.scoring.io.Tables;
import io.centraal.scoring.privacy.PersonalData;
import io.centraal.scoring.run.RunContext;
import io.centraal.scoring.schema.OutputSchemas;
import io.centraal.scoring.schema.FeatureColumns;
import io.centraal.scoring.schema.SourceContracts;
import io.centraal.scoring.schema.TableNames;
import io.centraal.scoring.io.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import picocli.CommandLine.Command;

/** Step 2: one stable customer_key per person across cards, accounts, e-mails and cookies. */
@Command(name = "identity", mixinStandardHelpOptions = true,
    description = "Resolve customer keys from the bronze tables (connected components of the identity links).")
public final class IdentityJob extends StageCommand {
  @Override
  String jobName() {
    return "identity";
  }

  @Override
  JobResult execute(SparkSession spark, CentraalSettings settings, RunContext ctx, Progress progress) {
    long t0 = System.nanoTime();
    IdentityResolution.Sources sources = new IdentityResolution.Sources(
        Tables.bronze(spark, settings.paths(), SourceContracts.TRANSACTIONS_CONTRACT),
        Tables.bronze(spark, settings.paths(), SourceContracts.CLICKSTREAM_CONTRACT),
        Tables.bronze(spark, settings.paths(), SourceContracts.REVIEWS_CONTRACT),
        Tables.bronze(spark, settings.paths(), SourceContracts.IDENTITY_LINKS_CONTRACT),
        Tables.bronze(spark, settings.paths(), SourceContracts.FOLLOWS_CONTRACT),
        Tables.bronze(spark, settings.paths(), SourceContracts.AUDIENCE_CONTRACT),
        Tables.bronze(spark, settings.paths(), SourceContracts.CONSENT_CONTRACT));

    String path = settings.paths().silver(TableNames.IDENTITY_MAP);
    Dataset<Row> previous = Tables.identityMapOrEmpty(spark, settings.paths()).persist(StorageLevel.MEMORY_AND_DISK());
    long previousRefs = previous.count();
    int maxPartners = settings.identity().maxPartners();
    Dataset<Row> map = IdentityResolution.resolve(spark, IdentityResolution.references(sources),
        IdentityResolution.links(sources), previous, ctx.asOfDate(), maxPartners);
    // One aggregation by customer gives every figure: references, customers, hubs and the largest
    // customer's references.
    Row sizes = map.groupBy(FeatureColumns.CUSTOMER_KEY)
        .agg(count(lit(1)).as("refs"), count(col(IdentityResolution.HUB_PARTNERS)).as("hubs"),
            sum(col(IdentityResolution.HUB_PARTNERS)).as("hub_partners"))
        .agg(sum("refs"), count(lit(1)), sum("hubs"), sum("hub_partners"), max("refs"))
        .first();
    long mapped = sizes.isNullAt(0) ? 0 : sizes.getLong(0);
    long customers = sizes.getLong(1);
    long hubs = sizes.isNullAt(2) ? 0 : sizes.getLong(2);
    long hubPartners = sizes.isNullAt(3) ? 0 : sizes.getLong(3);
    long largestCustomer = sizes.isNullAt(4) ? 0 : sizes.getLong(4);
    // The map is a current-state dimension: replaced atomically as a whole.
    // Created first so the table never keeps statistics on references (see PersonalData).
    DeltaTables.ensureTable(spark, path, OutputSchemas.IDENTITY_MAP, java.util.List.of(),
        PersonalData.identityMapTableProperties());
    map.write().format("delta").mode("overwrite").save(path);
    previous.unpersist();
    map.unpersist();
    progress.step("identity", "references", mapped, customers, 0, seconds(t0));
    if (hubs > 0) {
      progress.info(String.format(java.util.Locale.ROOT, "           %,d references linked to more than %d others each"
          + " (placeholder e-mails, house cards, shared cookies?): their links (to %,d references in all) were not"
          + " followed; see %s where %s is not null (centraal.identity.max-partners)", hubs, maxPartners, hubPartners,
          path, IdentityResolution.HUB_PARTNERS));
    }
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("references", mapped);
    detail.put("customers", customers);
    detail.put("previous_references", previousRefs);
    detail.put("hubs", hubs);
    detail.put("hub_partners", hubPartners);
    detail.put("largest_customer_references", largestCustomer);
    return new JobResult(mapped, customers, 0, Json.write(detail));
  }
}
