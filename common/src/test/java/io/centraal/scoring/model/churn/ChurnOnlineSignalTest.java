package io.centraal.scoring.model.churn;

import io.centraal.scoring.schema.BronzeSchema;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.to_timestamp;
import static org.apache.spark.sql.functions.udf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.centraal.scoring.config.CentraalSettings;
import io.centraal.scoring.demo.DemoColumns;
import io.centraal.scoring.demo.DemoDataGenerator;
import io.centraal.scoring.demo.DemoSchemas;
import io.centraal.scoring.demo.DemoSpec;
import io.centraal.scoring.demo.DemoTables;
import io.centraal.scoring.demo.GeneratedData;
import io.centraal.scoring.features.CustomerFeatures;
import io.centraal.scoring.features.FeatureInputs;
import io.centraal.scoring.features.TransactionFeatures;
import io.centraal.scoring.model.btyd.BtydModels;
import io.centraal.scoring.model.btyd.FitOptions;
import io.centraal.scoring.model.btyd.FitResult;
import io.centraal.scoring.model.btyd.TransactionModel;
import io.centraal.scoring.schema.FeatureColumns;
import io.centraal.scoring.schema.InputColumns.Clickstream;
import io.centraal.scoring.schema.InputColumns.IdentityLinks;
import io.centraal.scoring.schema.InputColumns.Reviews;
import io.centraal.scoring.schema.InputColumns.Transactions;
import io.centraal.scoring.schema.LogColumns;
import io.centraal.scoring.schema.ScoreColumns;
import io.centraal.scoring.schema.SourceContract;
import io.centraal.scoring.schema.SourceContracts;
import io.centraal.scoring.testing.SparkExtension;
import io.centraal.scoring.testing.TestSettings;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF3;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The online features add signal on generated data: the demo generator's web activity reflects a
 * person's state (see {@code DemoClickstream}), so a churn model trained with the online feature
 * columns ranks churners better than the same pipeline trained on the same rows and split without
 * them, and better than the baseline 1 - P(alive) (MBG/NBD).
 *
 * <p>The chain from the raw exports to the labelled rows is the production one (the feature
 * functions, the BTYD fits, {@link ChurnModel#label}) except ingest and identity resolution, which
 * have their own tests; both models are the production pipeline ({@link ChurnModel#pipeline} with
 * balanced class weights, then {@link ChurnModel#calibrate}) fitted on the same train and
 * calibration rows and measured on the same holdout. Ingest and identity are left out as follows: the raw files are typed to the bronze
 * contracts directly (the spec plants no bad rows) and the identity map is the generator's truth
 * (card, account and linked cookies of a person share one key).
 */
@ExtendWith(SparkExtension.class)
class ChurnOnlineSignalTest {
  /** Fixed seed; {@code -Dchurn.signal.seeds=1,2,3} re-runs the test on other populations by hand. */
  private static final String SEEDS = System.getProperty("churn.signal.seeds", "7");
  private static final long CUSTOMERS = Long.getLong("churn.signal.customers", 3000L);
  /** Required AUC gain over the offline model and over the baseline. */
  private static final double MARGIN = 0.02;
  private static final String BASELINE = "_tmp_baseline";

  @Test
  void onlineFeaturesRaiseTheHoldoutAucAboveTheOfflineModelAndTheBaseline(SparkSession spark, @TempDir Path dir) {
    for (String seed : SEEDS.split(",")) {
      check(spark, dir.resolve("seed-" + seed.trim()), Long.parseLong(seed.trim()));
    }
  }

  private static void check(SparkSession spark, Path dir, long seed) {
    long started = System.nanoTime();
    Map<String, Object> overrides = new LinkedHashMap<>();
    overrides.put("customers", CUSTOMERS);
    overrides.put("seed", seed);
    overrides.put("bad-row-rate", 0.0);
    overrides.put("products", 500);
    overrides.put("partitions", 2);
    DemoSpec spec = DemoSpec.fromConfig(ConfigFactory.parseMap(overrides)
        .withFallback(ConfigFactory.defaultReference().getConfig("centraal.demo")));
    GeneratedData data = new DemoDataGenerator().generate(spark, spec, dir.resolve("raw").toString());
    CentraalSettings settings = TestSettings.withDataDir(dir, Map.of());
    ChurnTraining.Settings churn = new ChurnTraining.Settings(settings.churn().windowDays(),
        settings.churn().minClassExamples(), settings.churn().maxIter(), settings.churn().regParam(), 0.3,
        settings.churn().calibrationShare(), settings.churn().balanced(), settings.churn().bandMedium(),
        settings.churn().bandHigh(), 11L);

    LocalDate asOf = spec.endDate();
    LocalDate cutoff = asOf.minusDays(churn.windowDays());
    FeatureInputs inputs = inputs(spark, data);
    Dataset<Row> atCutoff = CustomerFeatures.build(inputs, cutoff, settings.features(), text -> lit(0.0),
            settings.ingest().ratingMin(), settings.ingest().ratingMax()).rows()
        .persist(StorageLevel.MEMORY_AND_DISK());
    FitOptions fitOptions = settings.clv().fitOptions(settings.timeUnit());
    Dataset<Row> buyers = atCutoff.where(col(FeatureColumns.FREQUENCY).isNotNull());
    Dataset<Row> withPAlive = atCutoff
        .join(pAlive(atCutoff, BtydModels.fitBgNbd(buyers, fitOptions), ScoreColumns.P_ALIVE),
            FeatureColumns.CUSTOMER_KEY)
        .join(ChurnBaseline.pAlive(atCutoff, BtydModels.fitModifiedBgNbd(buyers, fitOptions)),
            FeatureColumns.CUSTOMER_KEY);
    Dataset<Row> labelled = ChurnModel.label(withPAlive, CustomerFeatures.dailyPurchases(inputs, asOf),
        TransactionFeatures.isPurchase(settings.features().purchaseRule()), cutoff, churn.windowDays())
        .persist(StorageLevel.MEMORY_AND_DISK());

    long features = System.nanoTime();
    // One split for both: train the regression, fit its calibration, measure on the holdout.
    Dataset<Row>[] split = labelled.randomSplit(new double[] {0.5, 0.2, 0.3}, 11L);
    Row counts = labelled.agg(sum(col(ChurnModel.LABEL)), count(lit(1))).first();
    long positives = (long) counts.getDouble(0);
    long negatives = counts.getLong(1) - positives;
    Dataset<Row> train = ChurnModel.withClassWeights(split[0], positives, negatives, true);
    Dataset<Row> holdout = split[2].withColumn(BASELINE, lit(1.0).minus(col(ChurnBaseline.P_ALIVE_MBGNBD)))
        .persist(StorageLevel.MEMORY_AND_DISK());
    double aucWith = holdoutAuc(train, split[1], holdout, ChurnModel.features(true), churn);
    double aucWithout = holdoutAuc(train, split[1], holdout, ChurnModel.features(false), churn);
    double aucBaseline = auc(holdout, BASELINE);
    System.out.printf(Locale.ROOT, "churn online signal (seed %d, %d customers, %d labelled: %d churned, %d"
            + " holdout): AUC with online features %.4f, without %.4f, 1 - P(alive) %.4f"
            + " (generate + features %.0f s, two trainings %.0f s)%n", seed, CUSTOMERS, positives + negatives,
        positives, holdout.count(), aucWith, aucWithout, aucBaseline, (features - started) / 1e9,
        (System.nanoTime() - features) / 1e9);

    assertTrue(positives >= 300 && negatives >= 300, "both classes well represented: " + positives + " / " + negatives);
    // Seeds 1-5 and 7 by hand (README): gains 0.022-0.038 over the offline model, 0.023-0.041 over
    // the baseline; the AUC's sampling noise on this holdout is about 0.01, a gain that small fails.
    assertTrue(aucWith > aucWithout + MARGIN,
        String.format(Locale.ROOT, "online features add signal: AUC %.4f with vs %.4f without", aucWith, aucWithout));
    assertTrue(aucWith > aucBaseline + MARGIN,
        String.format(Locale.ROOT, "model beats 1 - P(alive): AUC %.4f vs %.4f", aucWith, aucBaseline));
    holdout.unpersist();
    labelled.unpersist();
    atCutoff.unpersist();
    inputs.identityMap().unpersist();
  }

  /** Fits the churn pipeline on the given features, calibrates it, and returns its holdout AUC. */
  private static double holdoutAuc(Dataset<Row> train, Dataset<Row> calibration, Dataset<Row> holdout,
                                   List<String> features, ChurnTraining.Settings s) {
    PipelineModel fitted = ChurnModel.pipeline(features, s.maxIter(), s.regParam()).fit(train);
    PipelineModel model = ChurnModel.calibrate(fitted, calibration);
    return auc(ChurnModel.score(model, holdout), ScoreColumns.CHURN_RISK);
  }

  private static double auc(Dataset<Row> scored, String score) {
    return new BinaryClassificationEvaluator().setLabelCol(ChurnModel.LABEL).setRawPredictionCol(score)
        .setMetricName("areaUnderROC").evaluate(scored);
  }

  /** customer_key and P(alive) under a fitted transaction model, for customers with a summary. */
  private static Dataset<Row> pAlive(Dataset<Row> features, FitResult fit, String column) {
    TransactionModel model = TransactionModel.fromFit(fit);
    UserDefinedFunction p = udf((UDF3<Double, Double, Double, Double>) model::probabilityAlive, DataTypes.DoubleType);
    return features.where(col(FeatureColumns.FREQUENCY).isNotNull())
        .select(col(FeatureColumns.CUSTOMER_KEY), p.apply(col(FeatureColumns.FREQUENCY).cast("double"),
            col(FeatureColumns.RECENCY).cast("double"), col(FeatureColumns.T).cast("double")).as(column));
  }

  /** The generated exports typed to the bronze contracts, and the truth's identity map. */
  private static FeatureInputs inputs(SparkSession spark, GeneratedData data) {
    String isoTs = "yyyy-MM-dd'T'HH:mm:ss'Z'";
    Dataset<Row> tx = spark.read().schema(DemoSchemas.TRANSACTIONS).option("header", "true")
        .csv(data.paths().get(DemoTables.TRANSACTIONS))
        .withColumn(Transactions.TS, to_timestamp(col(Transactions.TS), "yyyy-MM-dd HH:mm:ss"))
        .withColumn(Transactions.AMOUNT, col(Transactions.AMOUNT).cast("double"))
        .withColumn(Transactions.QUANTITY, col(Transactions.QUANTITY).cast("double"))
        .withColumn(Transactions.MARGIN, col(Transactions.MARGIN).cast("double"));
    Dataset<Row> clicks = spark.read().schema(DemoSchemas.CLICKSTREAM).json(data.paths().get(DemoTables.CLICKSTREAM))
        .withColumn(Clickstream.TS, to_timestamp(col(Clickstream.TS), isoTs));
    Dataset<Row> reviews = spark.read().schema(DemoSchemas.REVIEWS).json(data.paths().get(DemoTables.REVIEWS))
        .withColumn(Reviews.TS, to_timestamp(col(Reviews.TS), isoTs))
        .withColumn(Reviews.HELPFUL_VOTES, col(Reviews.HELPFUL_VOTES).cast("long"))
        .withColumn(Reviews.TOTAL_VOTES, col(Reviews.TOTAL_VOTES).cast("long"));

    Dataset<Row> truth = spark.read().parquet(data.paths().get(DemoTables.TRUTH));
    Column key = col(DemoColumns.Truth.PERSON_ID).as(FeatureColumns.CUSTOMER_KEY);
    Dataset<Row> own = truth.where(col(DemoColumns.Truth.CARD_REF).isNotNull())
        .select(col(DemoColumns.Truth.CARD_REF).as(LogColumns.REF), key)
        .union(truth.where(col(DemoColumns.Truth.ACCOUNT_REF).isNotNull())
            .select(col(DemoColumns.Truth.ACCOUNT_REF).as(LogColumns.REF), key));
    // identity_links tie cookies and e-mails to an account or card: they take its person's key.
    Dataset<Row> links = spark.read().schema(DemoSchemas.IDENTITY_LINKS).option("header", "true")
        .csv(data.paths().get(DemoTables.IDENTITY_LINKS));
    Dataset<Row> linked = links.join(own, col(IdentityLinks.REF_A).equalTo(col(LogColumns.REF)))
        .select(col(IdentityLinks.REF_B).as(LogColumns.REF), col(FeatureColumns.CUSTOMER_KEY))
        .union(links.join(own, col(IdentityLinks.REF_B).equalTo(col(LogColumns.REF)))
            .select(col(IdentityLinks.REF_A).as(LogColumns.REF), col(FeatureColumns.CUSTOMER_KEY)));
    Dataset<Row> map = own.union(linked).distinct().persist(StorageLevel.MEMORY_AND_DISK());
    return new FeatureInputs(tx, clicks, reviews, empty(spark, SourceContracts.FOLLOWS_CONTRACT),
        empty(spark, SourceContracts.AUDIENCE_CONTRACT), empty(spark, SourceContracts.CONSENT_CONTRACT), map);
  }

  private static Dataset<Row> empty(SparkSession spark, SourceContract contract) {
    return spark.createDataFrame(List.of(), BronzeSchema.of(contract));
  }
}
