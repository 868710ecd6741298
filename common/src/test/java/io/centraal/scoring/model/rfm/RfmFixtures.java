package io.centraal.scoring.model.rfm;

import io.centraal.scoring.schema.FeatureColumns;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Named RFM fixtures with explicit schemas. */
final class RfmFixtures {
  private RfmFixtures() {}

  static final StructType CUSTOMERS = new StructType()
      .add(FeatureColumns.CUSTOMER_KEY, DataTypes.LongType, false)
      .add(FeatureColumns.DAYS_SINCE_LAST_PURCHASE, DataTypes.IntegerType, true)
      .add(FeatureColumns.PURCHASE_PERIODS, DataTypes.LongType, true)
      .add(FeatureColumns.TOTAL_SPEND, DataTypes.DoubleType, true);

  /** The recommended segment map (the reference grid in the RfmScoring Javadoc). */
  static List<RfmSegmentRule> standardGrid() {
    return List.of(
        new RfmSegmentRule("Champions", 4, 5, 4.0, 5.0),
        new RfmSegmentRule("Loyal", 3, 5, 3.0, 5.0),
        new RfmSegmentRule("Potential loyalist", 4, 5, 2.0, 3.0),
        new RfmSegmentRule("New", 5, 5, 1.0, 2.0),
        new RfmSegmentRule("Promising", 4, 4, 1.0, 2.0),
        new RfmSegmentRule("Need attention", 3, 3, 2.0, 3.0),
        new RfmSegmentRule("About to sleep", 3, 3, 1.0, 2.0),
        new RfmSegmentRule("Cannot lose them", 1, 2, 4.5, 5.0),
        new RfmSegmentRule("At risk", 1, 2, 3.0, 5.0),
        new RfmSegmentRule("Hibernating", 2, 2, 1.0, 3.0),
        new RfmSegmentRule("Lost", 1, 1, 1.0, 3.0),
        new RfmSegmentRule("Other", 1, 5, 1.0, 5.0));
  }

  static RfmSettings standardSettings() {
    return new RfmSettings(5, standardGrid(), "No purchase");
  }

  /**
   * Ten purchasers 1..10 with strictly ordered behaviour (customer i: 10*i days ago, i periods,
   * 100*i spend) and one customer (99) who never purchased.
   */
  static Dataset<Row> tenPurchasersOneNever(SparkSession spark) {
    List<Row> rows = new ArrayList<>();
    for (long i = 1; i <= 10; i++) {
      rows.add(RowFactory.create(i, (int) (10 * i), i, 100.0 * i));
    }
    rows.add(RowFactory.create(99L, null, 0L, 0.0));
    return spark.createDataFrame(rows, CUSTOMERS);
  }
}
