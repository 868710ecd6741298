package io.centraal.scoring.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.centraal.scoring.schema.FeatureColumns;
import io.centraal.scoring.testing.SparkExtension;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The churn model is trained on features at the cut-off (as-of minus the window), but consent is
 * the one known at the as-of date: a customer who objected to profiling after the cut-off does not
 * train it, although their cut-off row still says profiling was allowed.
 */
@ExtendWith(SparkExtension.class)
class ChurnTrainingConsentTest {
  private static final LocalDate AS_OF = LocalDate.parse("2024-12-31");
  private static final LocalDate CUTOFF = AS_OF.minusDays(90);
  private static final StructType FEATURES = new StructType()
      .add(FeatureColumns.CUSTOMER_KEY, DataTypes.LongType)
      .add(FeatureColumns.AS_OF_DATE, DataTypes.DateType)
      .add(FeatureColumns.PROFILING_ALLOWED, DataTypes.BooleanType);

  private static Row row(long key, LocalDate date, boolean profilingAllowed) {
    return RowFactory.create(key, Date.valueOf(date), profilingAllowed);
  }

  @Test
  void anObjectionSinceTheCutoffKeepsTheCustomerOutOfTraining(SparkSession spark) {
    Dataset<Row> atCutoff = spark.createDataFrame(List.of(
        row(1, CUTOFF, true),    // allowed then and now: trains
        row(2, CUTOFF, true),    // objected after the cut-off: must not train
        row(3, CUTOFF, false),   // objected before the cut-off
        row(4, CUTOFF, true)), FEATURES); // objected on an earlier as-of date, withdrew the objection since: trains
    Dataset<Row> featuresTable = spark.createDataFrame(List.of(
        row(1, AS_OF, true), row(2, AS_OF, false), row(3, AS_OF, false), row(4, AS_OF, true),
        row(4, AS_OF.minusDays(7), false)), FEATURES);

    List<Long> trainable = ChurnStep.trainableAtCutoff(atCutoff, featuresTable, AS_OF)
        .select(FeatureColumns.CUSTOMER_KEY).orderBy(FeatureColumns.CUSTOMER_KEY).as(org.apache.spark.sql.Encoders.LONG())
        .collectAsList();
    assertEquals(List.of(1L, 4L), trainable);
  }
}
