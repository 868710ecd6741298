/**
 * Buy-till-you-die (BTYD) models: how many purchases a customer will make and what they are worth.
 *
 * <p><b>Models.</b> Transaction models ({@link io.centraal.scoring.model.btyd.TransactionModel}):
 * {@link io.centraal.scoring.model.btyd.BgNbdModel} (Fader, Hardie &amp; Lee 2005, the default),
 * {@link io.centraal.scoring.model.btyd.ParetoNbdModel} (Schmittlein et al. 1987, Fader &amp;
 * Hardie note 008) and {@link io.centraal.scoring.model.btyd.ModifiedBgNbdModel} (Batislam et al.
 * 2007). Spend model: {@link io.centraal.scoring.model.btyd.GammaGammaModel} (Fader, Hardie &amp;
 * Lee 2005b, note 025). {@link io.centraal.scoring.model.btyd.Clv} combines them into a discounted
 * value over a horizon stated by {@link io.centraal.scoring.model.btyd.ClvSettings}.
 *
 * <p><b>Input convention</b> (Fader-Hardie summary, one row per customer): frequency x = number of
 * repeat purchase periods (first purchase excluded; same-day purchases merged), recency t_x = time
 * from first to last purchase, T = time from first purchase to the end of the window, and the mean
 * spend of the repeat purchases. Times are in one unit (days or weeks) chosen by the caller and
 * recorded with the fit; every parameter with a time dimension (alpha, beta) is in that unit.
 *
 * <p><b>Layers.</b> Pure math, no Spark: the model records, the fits
 * ({@code XxxModel.fit(TransactionSummary | SpendSummary, FitOptions)} returning a
 * {@link io.centraal.scoring.model.btyd.FitResult}), {@link io.centraal.scoring.model.btyd.Clv} and
 * {@link io.centraal.scoring.model.btyd.BgNbdSimulator}. Spark:
 * {@link io.centraal.scoring.model.btyd.BtydModels} (fit from a summary table) and
 * {@link io.centraal.scoring.model.btyd.ClvScoring} (score a summary table).
 *
 * <p><b>Numerics.</b> Likelihoods are evaluated in log space (log-gamma, log-beta, log-sum-exp) on
 * distinct summary rows; hypergeometric series are summed on a running log scale; predictions are
 * finite for every valid row including x = 500 and T near 0. Data that cannot identify a model
 * raise {@link io.centraal.scoring.model.btyd.ModelIdentificationException} rather than produce
 * NaN scores. The CDNOW tests reproduce the published estimates and lifetimes 0.11.3's per-customer
 * predictions.
 */
package io.centraal.scoring.model.btyd;
