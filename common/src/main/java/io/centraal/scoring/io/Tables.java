package io.centraal.scoring.io;

import io.centraal.scoring.schema.BronzeSchema;
import io.centraal.scoring.features.FeatureInputs;
import io.centraal.scoring.run.InvalidInputException;
import io.centraal.scoring.schema.OutputSchemas;
import io.centraal.scoring.schema.SourceContract;
import io.centraal.scoring.schema.SourceContracts;
import io.centraal.scoring.schema.TableNames;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/** Reading the tables one stage leaves for the next. */
public final class Tables {
  private Tables() {}

  /** A bronze source table; empty (with the contract schema) when the source is disabled or never ingested. */
  public static Dataset<Row> bronze(SparkSession spark, DataPaths paths, SourceContract contract) {
    String path = paths.bronze(contract.name());
    if (!DeltaTables.exists(spark, path)) {
      return empty(spark, BronzeSchema.of(contract));
    }
    return DeltaTables.read(spark, path);
  }

  /** The bronze inputs and the identity map, as the features stage reads them. */
  public static FeatureInputs featureInputs(SparkSession spark, DataPaths paths) {
    return new FeatureInputs(
        bronze(spark, paths, SourceContracts.TRANSACTIONS_CONTRACT),
        bronze(spark, paths, SourceContracts.CLICKSTREAM_CONTRACT),
        bronze(spark, paths, SourceContracts.REVIEWS_CONTRACT),
        bronze(spark, paths, SourceContracts.FOLLOWS_CONTRACT),
        bronze(spark, paths, SourceContracts.AUDIENCE_CONTRACT),
        bronze(spark, paths, SourceContracts.CONSENT_CONTRACT),
        identityMap(spark, paths));
  }

  /** The identity map; fails with the command to run when identity was not resolved yet. */
  public static Dataset<Row> identityMap(SparkSession spark, DataPaths paths) {
    return required(spark, paths.silver(TableNames.IDENTITY_MAP), "identity");
  }

  public static Dataset<Row> identityMapOrEmpty(SparkSession spark, DataPaths paths) {
    String path = paths.silver(TableNames.IDENTITY_MAP);
    return DeltaTables.exists(spark, path) ? DeltaTables.read(spark, path) : empty(spark, OutputSchemas.IDENTITY_MAP);
  }

  /** A table that an earlier stage must have written. */
  public static Dataset<Row> required(SparkSession spark, String path, String producingStage) {
    if (!DeltaTables.exists(spark, path)) {
      throw new InvalidInputException("no table at " + path + ": run `centraal " + producingStage
          + "` (or `centraal run`) for this as-of date first");
    }
    return DeltaTables.read(spark, path);
  }

  public static Dataset<Row> empty(SparkSession spark, StructType schema) {
    return spark.createDataFrame(List.of(), schema);
  }
}
