package io.centraal.scoring.features;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The bronze inputs of the features stage, in their canonical contracts, plus the identity map
 * ({@code ref, customer_key}). Optional sources that are switched off are empty datasets.
 */
public record FeatureInputs(Dataset<Row> transactions, Dataset<Row> clickstream, Dataset<Row> reviews,
                            Dataset<Row> follows, Dataset<Row> audience, Dataset<Row> consent,
                            Dataset<Row> identityMap) {}
