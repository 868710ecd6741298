/**
 * The pipeline's steps composed from the domain stages under the run's settings: the customer
 * features as of a date ({@link io.centraal.scoring.pipeline.FeatureStage}) and the scoring of
 * every customer ({@link io.centraal.scoring.pipeline.ScoreStage} with its CLV, churn and influence
 * steps). The top of {@code common}: it may use every other package and none uses it. Jobs read the
 * tables, call these steps, save the fitted models and write; the steps read and write nothing.
 */
package io.centraal.scoring.pipeline;
