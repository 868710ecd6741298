package io.centraal.scoring.model.churn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.centraal.scoring.model.btyd.BgNbdModel;
import io.centraal.scoring.model.btyd.FitOptions;
import io.centraal.scoring.model.btyd.FitResult;
import io.centraal.scoring.model.btyd.ModifiedBgNbdModel;
import io.centraal.scoring.model.btyd.TransactionModel;
import io.centraal.scoring.model.btyd.TransactionSummary;
import io.centraal.scoring.schema.FeatureColumns;
import io.centraal.scoring.testing.SparkExtension;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Real data: on CDNOW (39-week calibration summary; "churned" = no purchase in the 39-week holdout
 * 1997-10-01..1998-06-30, from the shipped transaction sample), 1 - P(alive) from BG/NBD ranks
 * churners worse than chance because every one-time buyer gets P(alive) = 1; MBG/NBD's P(alive),
 * which the churn baseline and fallback use, ranks them well.
 */
@ExtendWith(SparkExtension.class)
class ChurnBaselineCdnowTest {
  record Customer(long id, double x, double tx, double t) {}

  @Test
  void mbgNbdPAliveRanksChurnersWhereBgNbdCannot(SparkSession spark) throws Exception {
    List<Customer> customers = new ArrayList<>();
    for (String[] r : read("cdnow_customers_summary.csv", ",", true)) {
      customers.add(new Customer(Long.parseLong(r[0]), Double.parseDouble(r[1]), Double.parseDouble(r[2]),
          Double.parseDouble(r[3])));
    }
    Set<Long> boughtInHoldout = new HashSet<>();
    for (String[] r : read("CDNOW_sample.txt", "\\s+", false)) {
      if (r[2].compareTo("19970930") > 0) {
        boughtInHoldout.add(Long.parseLong(r[1]));
      }
    }
    TransactionSummary summary = TransactionSummary.ofCustomers(
        customers.stream().mapToDouble(Customer::x).toArray(), customers.stream().mapToDouble(Customer::tx).toArray(),
        customers.stream().mapToDouble(Customer::t).toArray());
    FitOptions weeks = new FitOptions(0, 10, 500, 1e-8, "weeks");
    FitResult mbg = ModifiedBgNbdModel.fit(summary, weeks);
    TransactionModel bg = TransactionModel.fromFit(BgNbdModel.fit(summary, weeks));

    List<Row> rows = customers.stream().map(c -> RowFactory.create(c.id(), c.x(), c.tx(), c.t())).toList();
    StructType schema = new StructType().add(FeatureColumns.CUSTOMER_KEY, DataTypes.LongType)
        .add(FeatureColumns.FREQUENCY, DataTypes.DoubleType).add(FeatureColumns.RECENCY, DataTypes.DoubleType)
        .add(FeatureColumns.T, DataTypes.DoubleType);
    Map<Long, Double> mbgAlive = ChurnBaseline.pAlive(spark.createDataFrame(rows, schema), mbg).collectAsList()
        .stream().collect(Collectors.toMap(r -> r.getLong(0), r -> r.getDouble(1)));
    assertEquals(customers.size(), mbgAlive.size());

    double[] bgRisk = new double[customers.size()];
    double[] mbgRisk = new double[customers.size()];
    boolean[] churned = new boolean[customers.size()];
    for (int i = 0; i < customers.size(); i++) {
      Customer c = customers.get(i);
      bgRisk[i] = 1 - bg.probabilityAlive(c.x(), c.tx(), c.t());
      mbgRisk[i] = 1 - mbgAlive.get(c.id());
      churned[i] = !boughtInHoldout.contains(c.id());
    }
    double aucBg = auc(bgRisk, churned);
    double aucMbg = auc(mbgRisk, churned);
    System.out.printf("CDNOW churn (no purchase in the 39-week holdout): AUC of 1 - P(alive): BG/NBD %.3f,"
        + " MBG/NBD %.3f%n", aucBg, aucMbg);
    assertTrue(aucBg < 0.5, "BG/NBD's baseline inverts the ranking: " + aucBg);
    assertTrue(aucMbg > 0.6 && aucMbg > aucBg + 0.25, "MBG/NBD's baseline ranks churners: " + aucMbg);
  }

  /** AUC = P(score of a random churner > score of a random non-churner), ties count half. */
  static double auc(double[] score, boolean[] positive) {
    double sum = 0;
    long pairs = 0;
    for (int i = 0; i < score.length; i++) {
      if (!positive[i]) {
        continue;
      }
      for (int j = 0; j < score.length; j++) {
        if (positive[j]) {
          continue;
        }
        sum += score[i] > score[j] ? 1 : score[i] == score[j] ? 0.5 : 0;
        pairs++;
      }
    }
    return sum / pairs;
  }

  private static List<String[]> read(String file, String separator, boolean header) throws Exception {
    try (InputStream in = ChurnBaselineCdnowTest.class.getResourceAsStream("/cdnow/" + file)) {
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      if (header) {
        reader.readLine();
      }
      List<String[]> rows = new ArrayList<>();
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        if (!line.isBlank()) {
          rows.add(line.trim().split(separator));
        }
      }
      return rows;
    }
  }
}
