package io.centraal.scoring.model.influence;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.centraal.scoring.testing.SparkExtension;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SparkExtension.class)
class WilsonTest {
  private static final double Z = 1.96;

  @Test
  void oneOfOneDoesNotBeatNinetyOfHundred() {
    double oneOfOne = Wilson.lowerBound(1, 1, Z);
    double ninetyOfHundred = Wilson.lowerBound(90, 100, Z);
    assertTrue(oneOfOne < ninetyOfHundred, oneOfOne + " vs " + ninetyOfHundred);
    assertEquals(0.2065, oneOfOne, 1e-4);
    assertEquals(0.8256, ninetyOfHundred, 1e-4);
  }

  @Test
  void edgeCases() {
    assertEquals(0.0, Wilson.lowerBound(0, 0, Z));
    assertEquals(0.0, Wilson.lowerBound(0, 50, Z), 1e-12);
    assertEquals(0.9, Wilson.lowerBound(90, 100, 0.0), 1e-12); // z = 0: the plain ratio
    assertTrue(Wilson.lowerBound(1000, 1000, Z) > Wilson.lowerBound(10, 10, Z));
    assertThrows(IllegalArgumentException.class, () -> Wilson.lowerBound(3, 2, Z));
    assertThrows(IllegalArgumentException.class, () -> Wilson.lowerBound(-1, 2, Z));
  }

  @Test
  void columnMatchesScalar(SparkSession spark) {
    StructType schema = new StructType()
        .add("pos", DataTypes.LongType, true).add("tot", DataTypes.LongType, true);
    List<Row> rows = List.of(RowFactory.create(1L, 1L), RowFactory.create(90L, 100L),
        RowFactory.create(0L, 0L), RowFactory.create(null, 5L), RowFactory.create(3L, null),
        RowFactory.create(7L, 5L));
    List<Row> out = spark.createDataFrame(rows, schema)
        .select(Wilson.lowerBound(col("pos"), col("tot"), Z)).collectAsList();
    assertEquals(Wilson.lowerBound(1, 1, Z), out.get(0).getDouble(0), 1e-12);
    assertEquals(Wilson.lowerBound(90, 100, Z), out.get(1).getDouble(0), 1e-12);
    assertEquals(0.0, out.get(2).getDouble(0));
    assertEquals(0.0, out.get(3).getDouble(0), 1e-12);           // null positive = 0
    assertEquals(0.0, out.get(4).getDouble(0));                  // null total = no votes
    assertEquals(Wilson.lowerBound(5, 5, Z), out.get(5).getDouble(0), 1e-12); // clamped
  }
}
