package io.centraal.jobs;

import static org.apache.spark.sql.functions.col;

import io.centraal.scoring.config.CentraalSettings;
import io.centraal.scoring.identity.IdentityResolution;
import io.centraal.scoring.io.DeltaTables;
import io.centraal.scoring.io.Tables;
import io.centraal.scoring.privacy.PersonalData;
import io.centraal.scoring.run.RunContext;
import io.centraal.scoring.schema.OutputSchemas;
import io.centraal.scoring.schema.FeatureColumns;
import io.centraal.scoring.schema.InputColumns.Audience;
import io.centraal.scoring.schema.InputColumns.Clickstream;
import io.centraal.scoring.schema.InputColumns.Consent;
import io.centraal.scoring.schema.InputColumns.Follows;
import io.centraal.scoring.schema.InputColumns.IdentityLinks;
import io.centraal.scoring.schema.InputColumns.Reviews;
import io.centraal.scoring.schema.InputColumns.Transactions;
import io.centraal.scoring.schema.LogColumns;
import io.centraal.scoring.schema.SourceContracts;
import io.centraal.scoring.schema.TableNames;
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
    Dataset<Row> tx = Tables.bronze(spark, settings.paths(), SourceContracts.TRANSACTIONS_CONTRACT);
    Dataset<Row> clicks = Tables.bronze(spark, settings.paths(), SourceContracts.CLICKSTREAM_CONTRACT);
    Dataset<Row> reviews = Tables.bronze(spark, settings.paths(), SourceContracts.REVIEWS_CONTRACT);
    Dataset<Row> links = Tables.bronze(spark, settings.paths(), SourceContracts.IDENTITY_LINKS_CONTRACT);
    Dataset<Row> follows = Tables.bronze(spark, settings.paths(), SourceContracts.FOLLOWS_CONTRACT);
    Dataset<Row> audience = Tables.bronze(spark, settings.paths(), SourceContracts.AUDIENCE_CONTRACT);
    Dataset<Row> consent = Tables.bronze(spark, settings.paths(), SourceContracts.CONSENT_CONTRACT);

    // Customers are the people behind purchases, accounts, reviews, follows and consent records;
    // a cookie becomes part of a customer only through a link (a login or an identity link).
    Dataset<Row> refs = tx.select(col(Transactions.CUSTOMER_REF).as(LogColumns.REF))
        .union(clicks.select(col(Clickstream.USER_REF).as(LogColumns.REF)))
        .union(reviews.select(col(Reviews.AUTHOR_REF).as(LogColumns.REF)))
        .union(follows.select(col(Follows.FOLLOWER_REF).as(LogColumns.REF)))
        .union(follows.select(col(Follows.FOLLOWED_REF).as(LogColumns.REF)))
        .union(audience.select(col(Audience.REF).as(LogColumns.REF)))
        .union(consent.select(col(Consent.CUSTOMER_REF).as(LogColumns.REF)))
        .where(col(LogColumns.REF).isNotNull());
    Dataset<Row> allLinks = links.select(col(IdentityLinks.REF_A).as("ref_a"), col(IdentityLinks.REF_B).as("ref_b"))
        .union(clicks.where(col(Clickstream.USER_REF).isNotNull().and(col(Clickstream.ANONYMOUS_ID).isNotNull()))
            .select(col(Clickstream.USER_REF).as("ref_a"), col(Clickstream.ANONYMOUS_ID).as("ref_b")).distinct());

    String path = settings.paths().silver(TableNames.IDENTITY_MAP);
    Dataset<Row> previous = Tables.identityMapOrEmpty(spark, settings.paths()).persist(StorageLevel.MEMORY_AND_DISK());
    long previousRefs = previous.count();
    Dataset<Row> map = IdentityResolution.resolve(spark, refs, allLinks, previous, ctx.asOfDate())
        .persist(StorageLevel.MEMORY_AND_DISK());
    long mapped = map.count();
    long customers = map.select(FeatureColumns.CUSTOMER_KEY).distinct().count();
    // The map is a current-state dimension: replaced atomically as a whole.
    // Created first so the table never keeps statistics on references (see PersonalData).
    DeltaTables.ensureTable(spark, path, OutputSchemas.IDENTITY_MAP, java.util.List.of(),
        PersonalData.identityMapTableProperties());
    map.write().format("delta").mode("overwrite").save(path);
    previous.unpersist();
    map.unpersist();
    progress.step("identity", "references", mapped, customers, 0, seconds(t0));
    return new JobResult(mapped, customers, 0, String.format(
        "{\"references\": %d, \"customers\": %d, \"previous_references\": %d}", mapped, customers, previousRefs));
  }
}
