package io.centraal.jobs;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.row_number;

import io.centraal.scoring.config.CentraalSettings;
import io.centraal.scoring.demo.DemoColumns;
import io.centraal.scoring.demo.DemoTables;
import io.centraal.scoring.io.DeltaTables;
import io.centraal.scoring.io.Json;
import io.centraal.scoring.io.ModelRuns;
import io.centraal.scoring.run.RunContext;
import io.centraal.scoring.schema.FeatureColumns;
import io.centraal.scoring.schema.LogColumns;
import io.centraal.scoring.schema.ScoreColumns;
import io.centraal.scoring.schema.TableNames;
import java.io.PrintStream;
import java.sql.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;

/**
 * The demo's influence score against the generator's ground truth: precision at k (k = the
 * planted influencers that were scored: the share of the top k by influence_score that are planted
 * influencers), planted influencers and big spenders in the top influence decile. Printed after the
 * demo run and recorded in gold {@code model_runs} as model {@value #MODEL}.
 */
final class DemoGroundTruth {
  /** The model_runs row of this validation. */
  static final String MODEL = "influence_validation";
  /** The top share of customers by influence_score that counts as "top decile". */
  static final double TOP_SHARE = 0.1;

  private DemoGroundTruth() {}

  /**
   * What the validation measured. {@code k} = planted influencers among the scored customers;
   * {@code hitsAtK} = planted influencers among the k highest influence scores.
   */
  record Result(long customers, long topDecile, long k, long hitsAtK, long plantedInTopDecile, long bigSpenders,
                long bigSpendersInTopDecile) {
    /** Precision at k; NaN when nobody was planted. */
    double precisionAtK() {
      return k == 0 ? Double.NaN : (double) hitsAtK / k;
    }

    String metricsJson() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("customers", customers);
      m.put("top_decile_size", topDecile);
      m.put("k", k);
      m.put("precision_at_k", k == 0 ? null : precisionAtK());
      m.put("planted_influencers", k);
      m.put("planted_in_top_decile", plantedInTopDecile);
      m.put("big_spenders", bigSpenders);
      m.put("big_spenders_in_top_decile", bigSpendersInTopDecile);
      return Json.write(m);
    }
  }

  /**
   * Ranks {@code scores} (customer_key, influence_score) by score, ties by key, and counts the
   * truth segments ({@code segments}: customer_key, segment) at the top. Pure: no I/O.
   */
  static Result measure(Dataset<Row> scores, Dataset<Row> segments) {
    Dataset<Row> ranked = scores.select(FeatureColumns.CUSTOMER_KEY, ScoreColumns.INFLUENCE_SCORE)
        .join(segments, new String[] {FeatureColumns.CUSTOMER_KEY}, "left")
        .withColumn("_rank", row_number().over(Window.orderBy(col(ScoreColumns.INFLUENCE_SCORE).desc(),
            col(FeatureColumns.CUSTOMER_KEY)))).cache();
    long n = ranked.count();
    long decile = (long) Math.ceil(n * TOP_SHARE);
    Dataset<Row> planted = ranked.where(col(DemoColumns.Truth.SEGMENT).equalTo(DemoColumns.Segments.PLANTED_INFLUENCER));
    Dataset<Row> spenders = ranked.where(col(DemoColumns.Truth.SEGMENT).equalTo(DemoColumns.Segments.BIG_SPENDER));
    long k = planted.count();
    Result result = new Result(n, decile, k, planted.where(col("_rank").leq(k)).count(),
        planted.where(col("_rank").leq(decile)).count(), spenders.count(),
        spenders.where(col("_rank").leq(decile)).count());
    ranked.unpersist();
    return result;
  }

  /** The model_runs row of a validation of the given influence model version. */
  static ModelRuns.Entry entry(Result result, String influenceModelVersion) {
    return new ModelRuns.Entry(MODEL, influenceModelVersion, null,
        Json.write(new java.util.TreeMap<>(Map.of("top_share", TOP_SHARE, "truth", DemoTables.TRUTH))), null, null, null, result.metricsJson());
  }

  /** Measures the as-of date's customer_scores against the demo's truth, prints it and writes model_runs. */
  static Result printAndRecord(SparkSession spark, CentraalSettings settings, RunContext ctx, PrintStream out) {
    Dataset<Row> truth = spark.read().parquet(settings.paths().raw() + "/" + DemoTables.TRUTH);
    Dataset<Row> identity = DeltaTables.read(spark, settings.paths().silver(TableNames.IDENTITY_MAP));
    Dataset<Row> segments = truth.join(identity, coalesce(truth.col(DemoColumns.Truth.CARD_REF),
            truth.col(DemoColumns.Truth.ACCOUNT_REF)).equalTo(identity.col(LogColumns.REF)))
        .select(col(FeatureColumns.CUSTOMER_KEY), col(DemoColumns.Truth.SEGMENT)).distinct();
    Dataset<Row> gold = DeltaTables.read(spark, settings.paths().gold(TableNames.CUSTOMER_SCORES))
        .where(col(ScoreColumns.AS_OF_DATE).equalTo(Date.valueOf(ctx.asOfDate())));
    Result r = measure(gold, segments);
    out.println(String.format(Locale.ROOT,
        "influence vs generated ground truth: precision@%d = %.3f; planted influencers in the top decile %d of %d;"
            + " big spenders in the top decile %d of %d",
        r.k(), r.precisionAtK(), r.plantedInTopDecile(), r.k(), r.bigSpendersInTopDecile(), r.bigSpenders()));
    List<Row> versions = gold.select(ScoreColumns.INFLUENCE_MODEL_VERSION).distinct().limit(1).collectAsList();
    ModelRuns.write(spark, settings.paths(), ctx, List.of(entry(r, versions.isEmpty() ? null : versions.get(0).getString(0))));
    return r;
  }
}
