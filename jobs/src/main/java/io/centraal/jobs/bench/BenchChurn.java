package io.centraal.jobs.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.exp;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.rand;
import static org.apache.spark.sql.functions.when;

import io.centraal.jobs.Sessions;
import io.centraal.scoring.model.churn.ChurnBaseline;
import io.centraal.scoring.model.churn.ChurnModel;
import io.centraal.scoring.model.churn.ChurnTraining;
import io.centraal.scoring.schema.FeatureColumns;
import io.centraal.scoring.schema.ScoreColumns;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code centraal bench churn}: training (fit + isotonic calibration + holdout evaluation) and
 * scoring time of the churn pipeline on a synthetic feature table of N customers with the
 * production feature list. The table is generated and written to Parquet before any timing, so
 * only the model work is measured. Peak memory: run under {@code /usr/bin/time -v}.
 */
@Command(name = "churn", mixinStandardHelpOptions = true,
    description = "Time churn training and scoring on a synthetic feature table of --customers rows.")
public final class BenchChurn implements Callable<Integer> {
  @Option(names = "--customers", defaultValue = "1000000", description = "Customers (default ${DEFAULT-VALUE}).")
  long customers;

  @Mixin WorkDirOptions work;

  @Override
  public Integer call() throws Exception {
    Path dir = work.claimEmpty();
    SparkSession spark = Sessions.create("bench-churn");
    List<String> features = ChurnModel.features(true);
    String table = dir.resolve("features").toString();
    long t0 = System.nanoTime();
    features(spark, customers, features).write().mode("overwrite").parquet(table);
    double generate = BenchStages.seconds(t0);
    Dataset<Row> rows = spark.read().parquet(table);
    BenchStages stages = new BenchStages();

    ChurnTraining.Settings s = new ChurnTraining.Settings(90, 50, 100, 0.01, 0.3, 0.2, true, 0.3, 0.6, 1L);
    ChurnTraining.Outcome o = ChurnTraining.train(rows, features, s, "bench", ChurnBaseline.P_ALIVE_MBGNBD);
    stages.end("train (fit + isotonic calibration + holdout metrics and curves)");
    ChurnModel.score(o.model().orElseThrow(), rows).select(ScoreColumns.CHURN_RISK).write().format("noop")
        .mode("overwrite").save();
    double score = stages.end("score all customers");
    System.out.printf(Locale.ROOT, "bench churn: %,d customers, %d features; table generated in %.1f s (not timed)%n",
        customers, features.size(), generate);
    stages.print();
    System.out.printf(Locale.ROOT, "  scoring %,.0f customers/s; holdout AUC %.3f, ECE %.3f%n", customers / score,
        o.metrics().get("auc_roc"), o.metrics().get("ece"));
    work.release();
    return 0;
  }

  /** A feature table whose churn label follows a known logistic model of a few features. */
  static Dataset<Row> features(SparkSession spark, long n, List<String> features) {
    List<Column> cols = new ArrayList<>();
    cols.add(col("id").as(FeatureColumns.CUSTOMER_KEY));
    int seed = 1;
    for (String f : features) {
      Column v = f.startsWith("days_since") ? floor(rand(seed++).multiply(400))
          : f.equals(ScoreColumns.P_ALIVE) ? rand(seed++) : floor(rand(seed++).multiply(20));
      cols.add(v.cast("double").as(f));
    }
    Dataset<Row> base = spark.range(n).select(cols.toArray(Column[]::new));
    Column logit = lit(-1.5).plus(col(FeatureColumns.DAYS_SINCE_LAST_PURCHASE).minus(200).multiply(0.01))
        .minus(col(FeatureColumns.SESSIONS).minus(10).multiply(0.1))
        .minus(col(ScoreColumns.P_ALIVE).minus(0.5).multiply(1.0));
    Column p = lit(1.0).divide(lit(1.0).plus(exp(logit.multiply(-1))));
    return base.withColumn(ChurnModel.LABEL, when(rand(99).lt(p), 1.0).otherwise(0.0))
        .withColumn(ChurnBaseline.P_ALIVE_MBGNBD, functions.least(lit(1.0),
            lit(1.0).minus(col(FeatureColumns.DAYS_SINCE_LAST_PURCHASE).divide(400))));
  }
}
