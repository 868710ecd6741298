package io.centraal.jobs;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.centraal.scoring.config.CentraalSettings;
import io.centraal.scoring.config.ConfigLoader;
import io.centraal.scoring.demo.DemoColumns;
import io.centraal.scoring.demo.DemoTables;
import io.centraal.scoring.io.DeltaTables;
import io.centraal.scoring.run.RunContext;
import io.centraal.scoring.schema.FeatureColumns;
import io.centraal.scoring.schema.LogColumns;
import io.centraal.scoring.schema.OutputSchemas;
import io.centraal.scoring.schema.ScoreColumns;
import io.centraal.scoring.schema.TableNames;
import io.centraal.scoring.testing.SparkExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo's ground-truth check of the influence score, on hand-made tables instead of a full demo
 * run: 20 scored customers, customer i with influence_score 100 - i (customer 1 ranks first);
 * planted influencers 1, 2 and 5; big spenders 3 and 15.
 */
@ExtendWith(SparkExtension.class)
class DemoGroundTruthTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final LocalDate AS_OF = LocalDate.parse("2024-12-31");
  private static final Set<Long> PLANTED = Set.of(1L, 2L, 5L);
  private static final Set<Long> SPENDERS = Set.of(3L, 15L);

  private static String segment(long key) {
    return PLANTED.contains(key) ? DemoColumns.Segments.PLANTED_INFLUENCER
        : SPENDERS.contains(key) ? DemoColumns.Segments.BIG_SPENDER : DemoColumns.Segments.REGULAR;
  }

  @Test
  void precisionAtKAndTopDecileAreWrittenToModelRuns(SparkSession spark, @TempDir Path dir) throws Exception {
    CentraalSettings settings = CentraalSettings.from(ConfigLoader.load(List.of(),
        Map.of("paths.data-dir", dir.toString())));
    // Truth: persons 1..20, odd ones known by card, even ones by account; identity map ref -> key.
    List<Row> truth = new ArrayList<>();
    List<Row> identity = new ArrayList<>();
    List<Row> scores = new ArrayList<>();
    for (long key = 1; key <= 20; key++) {
      String ref = (key % 2 == 1 ? "L" : "U") + key;
      truth.add(RowFactory.create(key, key % 2 == 1 ? ref : null, key % 2 == 0 ? ref : null, segment(key)));
      identity.add(RowFactory.create(ref, key, Date.valueOf(AS_OF), null));
      scores.add(RowFactory.create(key, Date.valueOf(AS_OF), 100.0 - key, "influence-v1"));
    }
    spark.createDataFrame(truth, new StructType()
            .add(DemoColumns.Truth.PERSON_ID, DataTypes.LongType).add(DemoColumns.Truth.CARD_REF, DataTypes.StringType)
            .add(DemoColumns.Truth.ACCOUNT_REF, DataTypes.StringType)
            .add(DemoColumns.Truth.SEGMENT, DataTypes.StringType))
        .write().parquet(settings.paths().raw() + "/" + DemoTables.TRUTH);
    spark.createDataFrame(identity, OutputSchemas.IDENTITY_MAP)
        .write().format("delta").save(settings.paths().silver(TableNames.IDENTITY_MAP));
    spark.createDataFrame(scores, new StructType()
            .add(FeatureColumns.CUSTOMER_KEY, DataTypes.LongType).add(ScoreColumns.AS_OF_DATE, DataTypes.DateType)
            .add(ScoreColumns.INFLUENCE_SCORE, DataTypes.DoubleType)
            .add(ScoreColumns.INFLUENCE_MODEL_VERSION, DataTypes.StringType))
        .write().format("delta").save(settings.paths().gold(TableNames.CUSTOMER_SCORES));

    RunContext ctx = new RunContext(AS_OF, "demo-1", "test");
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    DemoGroundTruth.Result r = DemoGroundTruth.printAndRecord(spark, settings, ctx,
        new PrintStream(printed, true, StandardCharsets.UTF_8));
    // k = 3 planted; the top 3 are customers 1, 2, 3, of whom 1 and 2 are planted: precision 2/3.
    // Top decile = ceil(20 x 0.1) = 2 customers (1 and 2): both planted, no big spender.
    assertEquals(new DemoGroundTruth.Result(20, 2, 3, 2, 2, 2, 0), r);
    assertTrue(printed.toString(StandardCharsets.UTF_8).contains("precision@3 = 0.667"), printed.toString());

    // Re-running replaces the row instead of adding one.
    DemoGroundTruth.printAndRecord(spark, settings, ctx, new PrintStream(new ByteArrayOutputStream()));
    List<Row> rows = DeltaTables.read(spark, settings.paths().gold(TableNames.MODEL_RUNS))
        .where(col(LogColumns.MODEL).equalTo(DemoGroundTruth.MODEL)).collectAsList();
    assertEquals(1, rows.size(), rows.toString());
    Row row = rows.get(0);
    assertEquals("demo-1", row.getAs(LogColumns.RUN_ID));
    assertEquals(Date.valueOf(AS_OF), row.getAs(LogColumns.AS_OF_DATE));
    assertEquals("influence-v1", row.getAs(LogColumns.MODEL_VERSION));
    JsonNode metrics = JSON.readTree(row.<String>getAs(LogColumns.METRICS_JSON));
    assertEquals(3, metrics.get("k").asLong());
    assertEquals(2.0 / 3, metrics.get("precision_at_k").asDouble(), 1e-12);
    assertEquals(2, metrics.get("planted_in_top_decile").asLong());
    assertEquals(0, metrics.get("big_spenders_in_top_decile").asLong());
    assertEquals(2, metrics.get("big_spenders").asLong());
    assertEquals(20, metrics.get("customers").asLong());
  }

  @Test
  void withoutPlantedInfluencersPrecisionIsUndefined(SparkSession spark) {
    Dataset<Row> scores = spark.createDataFrame(List.of(RowFactory.create(1L, 50.0), RowFactory.create(2L, 40.0)),
        new StructType().add(FeatureColumns.CUSTOMER_KEY, DataTypes.LongType)
            .add(ScoreColumns.INFLUENCE_SCORE, DataTypes.DoubleType));
    Dataset<Row> segments = spark.createDataFrame(List.of(RowFactory.create(2L, DemoColumns.Segments.BIG_SPENDER)),
        new StructType().add(FeatureColumns.CUSTOMER_KEY, DataTypes.LongType)
            .add(DemoColumns.Truth.SEGMENT, DataTypes.StringType));
    DemoGroundTruth.Result r = DemoGroundTruth.measure(scores, segments);
    assertEquals(new DemoGroundTruth.Result(2, 1, 0, 0, 0, 1, 0), r);
    assertTrue(Double.isNaN(r.precisionAtK()));
    assertTrue(r.metricsJson().contains("\"precision_at_k\":null"), r.metricsJson());
  }
}
