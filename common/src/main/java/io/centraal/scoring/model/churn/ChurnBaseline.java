package io.centraal.scoring.model.churn;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.udf;

import io.centraal.scoring.model.btyd.FitResult;
import io.centraal.scoring.model.btyd.TransactionModelKind;
import io.centraal.scoring.model.btyd.TransactionModel;
import io.centraal.scoring.schema.FeatureColumns;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF3;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;

/**
 * The churn baseline and fallback: 1 - P(alive) from an MBG/NBD fit (Batislam, Denizel &amp;
 * Filiztekin 2007).
 *
 * <p>Why not the configured transaction model: BG/NBD only lets a customer drop out after a repeat
 * purchase, so every one-time buyer has P(alive) = 1 and churn risk 0, however long ago they
 * bought. In data dominated by one-time buyers (CDNOW: about 60%) that ranks the most likely
 * churners as the safest and the baseline's AUC falls below 0.5. MBG/NBD adds a dropout chance at
 * the first purchase, so P(alive) of a one-time buyer falls with the time since that purchase.
 * (Pareto/NBD would also do; MBG/NBD is the cheaper fit.)
 */
public final class ChurnBaseline {
  /** Column holding the MBG/NBD P(alive). */
  public static final String P_ALIVE_MBGNBD = "p_alive_mbgnbd";

  private ChurnBaseline() {}

  /**
   * customer_key and {@value #P_ALIVE_MBGNBD} for the customers with a BTYD summary (frequency,
   * recency, T not null), in the fit's time unit.
   *
   * @param fit an MBG/NBD fit ({@code BtydModels.fitModifiedBgNbd}), or, where MBG/NBD cannot be
   *     fitted, another model with a dropout process (the value's column keeps its name)
   */
  public static Dataset<Row> pAlive(Dataset<Row> features, FitResult fit) {
    if (!TransactionModelKind.ofModelName(fit.modelName()).hasDropout()) {
      throw new IllegalArgumentException("ChurnBaseline: " + fit.modelName() + " has no dropout, so its P(alive) is "
          + "1 for everyone and cannot rank churners");
    }
    TransactionModel model = TransactionModel.fromFit(fit);
    UserDefinedFunction pAlive = udf((UDF3<Double, Double, Double, Double>) (x, tx, t) ->
        model.probabilityAlive(x, tx, t), DataTypes.DoubleType);
    return features.where(col(FeatureColumns.FREQUENCY).isNotNull().and(col(FeatureColumns.RECENCY).isNotNull())
            .and(col(FeatureColumns.T).isNotNull()))
        .select(col(FeatureColumns.CUSTOMER_KEY), pAlive.apply(col(FeatureColumns.FREQUENCY).cast("double"),
            col(FeatureColumns.RECENCY).cast("double"), col(FeatureColumns.T).cast("double")).as(P_ALIVE_MBGNBD));
  }
}
