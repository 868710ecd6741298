package io.centraal.jobs;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.row_number;

import io.centraal.scoring.config.CentraalSettings;
import io.centraal.scoring.demo.DemoColumns;
import io.centraal.scoring.demo.DemoTables;
import io.centraal.scoring.io.DeltaTables;
import io.centraal.scoring.run.RunContext;
import io.centraal.scoring.schema.FeatureColumns;
import io.centraal.scoring.schema.LogColumns;
import io.centraal.scoring.schema.ScoreColumns;
import io.centraal.scoring.schema.TableNames;
import java.io.PrintStream;
import java.sql.Date;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;

/**
 * The demo's influence score against the generator's ground truth: precision at k (k = the
 * planted influencers that were scored: the share of the top k by influence_score that are planted
 * influencers), planted influencers and big spenders in the top influence decile.
 */
final class DemoGroundTruth {
  private DemoGroundTruth() {}

  static void print(SparkSession spark, CentraalSettings settings, RunContext ctx, PrintStream out) {
    Dataset<Row> truth = spark.read().parquet(settings.paths().raw() + "/" + DemoTables.TRUTH);
    Dataset<Row> identity = DeltaTables.read(spark, settings.paths().silver(TableNames.IDENTITY_MAP));
    Dataset<Row> segments = truth.join(identity, coalesce(truth.col(DemoColumns.Truth.CARD_REF),
            truth.col(DemoColumns.Truth.ACCOUNT_REF)).equalTo(identity.col(LogColumns.REF)))
        .select(col(FeatureColumns.CUSTOMER_KEY), col(DemoColumns.Truth.SEGMENT)).distinct();
    Dataset<Row> gold = DeltaTables.read(spark, settings.paths().gold(TableNames.CUSTOMER_SCORES))
        .where(col(ScoreColumns.AS_OF_DATE).equalTo(Date.valueOf(ctx.asOfDate())));
    Dataset<Row> ranked = gold.join(segments, new String[] {FeatureColumns.CUSTOMER_KEY}, "left")
        .withColumn("_rank", row_number().over(Window.orderBy(col(ScoreColumns.INFLUENCE_SCORE).desc(),
            col(ScoreColumns.CUSTOMER_KEY)))).cache();
    long n = ranked.count();
    long decile = (long) Math.ceil(n * 0.1);
    Dataset<Row> planted = ranked.where(col(DemoColumns.Truth.SEGMENT).equalTo(DemoColumns.Segments.PLANTED_INFLUENCER));
    Dataset<Row> spenders = ranked.where(col(DemoColumns.Truth.SEGMENT).equalTo(DemoColumns.Segments.BIG_SPENDER));
    long k = planted.count();
    long hitsAtK = planted.where(col("_rank").leq(k)).count();
    out.println(String.format(Locale.ROOT,
        "influence vs generated ground truth: precision@%d = %.3f; planted influencers in the top decile %d of %d;"
            + " big spenders in the top decile %d of %d",
        k, k == 0 ? Double.NaN : (double) hitsAtK / k, planted.where(col("_rank").leq(decile)).count(), k,
        spenders.where(col("_rank").leq(decile)).count(), spenders.count()));
    ranked.unpersist();
  }
}
