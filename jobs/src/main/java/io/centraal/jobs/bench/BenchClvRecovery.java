package io.centraal.jobs.bench;

import io.centraal.jobs.CommonOptions;
import io.centraal.scoring.config.CentraalSettings;
import io.centraal.scoring.features.TimeUnit;
import io.centraal.scoring.model.btyd.BgNbdModel;
import io.centraal.scoring.model.btyd.BgNbdSimulator;
import io.centraal.scoring.model.btyd.FitOptions;
import io.centraal.scoring.model.btyd.FitResult;
import io.centraal.scoring.model.btyd.GammaGammaModel;
import io.centraal.scoring.model.btyd.SpendSummary;
import io.centraal.scoring.model.btyd.TransactionSummary;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code centraal bench clv-recovery}: parameter recovery at scale. Simulates customers from the
 * BG/NBD and Gamma-Gamma processes with the known parameters of {@link BenchClv} (continuous times,
 * so sampling error is the only error), fits both models and prints true vs estimated parameters
 * with standard errors and z = (estimate - truth) / SE; |z| above 3 would point at a bias. Runs on
 * the driver only (the fits take the distinct-row summaries), no Spark.
 */
@Command(name = "clv-recovery", mixinStandardHelpOptions = true,
    description = "Parameter recovery: simulate BG/NBD + Gamma-Gamma customers, fit, print true vs estimate +- SE.")
public final class BenchClvRecovery implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--customers", defaultValue = "300000", paramLabel = "N",
      description = "Customers to simulate (default ${DEFAULT-VALUE}).")
  int customers;

  @Option(names = "--seed", defaultValue = "7", paramLabel = "S", description = "Simulation seed.")
  long seed;

  @Override
  public Integer call() {
    CentraalSettings settings = common.settings();
    FitOptions options = settings.clv().fitOptions(TimeUnit.DAYS);
    BgNbdModel truth = BenchClv.TRUE_BG_NBD;
    GammaGammaModel spendTruth = BenchClv.TRUE_GAMMA_GAMMA;
    BenchStages stages = new BenchStages();
    BgNbdSimulator simulator = new BgNbdSimulator(truth);
    SplittableRandom rng = new SplittableRandom(seed);
    double[] x = new double[customers];
    double[] tx = new double[customers];
    double[] age = new double[customers];
    double[] meanSpend = new double[customers];
    for (int c = 0; c < customers; c++) {
      age[c] = 1 + rng.nextDouble() * (BenchClv.ACQUISITION_DAYS - 1);
      double[] times = simulator.repeatPurchaseTimes(age[c], rng);
      x[c] = times.length;
      tx[c] = times.length == 0 ? 0 : times[times.length - 1];
      double nu = BgNbdSimulator.gamma(spendTruth.q(), rng) / spendTruth.gamma();
      double total = 0;
      for (int i = 0; i < times.length; i++) {
        total += BgNbdSimulator.gamma(spendTruth.p(), rng) / nu;
      }
      meanSpend[c] = times.length == 0 ? 0 : total / times.length;
    }
    stages.end("simulate (continuous times, days)");
    FitResult bgNbd = BgNbdModel.fit(TransactionSummary.ofCustomers(x, tx, age), options);
    stages.end(String.format(Locale.ROOT, "BG/NBD fit (%,d distinct rows, %d iterations, converged %b, LL %.2f)",
        bgNbd.distinctRows(), bgNbd.iterations(), bgNbd.converged(), bgNbd.logLikelihood()));
    FitResult gammaGamma = GammaGammaModel.fit(SpendSummary.ofCustomers(x, meanSpend), options);
    stages.end(String.format(Locale.ROOT, "Gamma-Gamma fit (%,d repeat buyers, %d iterations, converged %b)",
        gammaGamma.customers(), gammaGamma.iterations(), gammaGamma.converged()));
    System.out.printf(Locale.ROOT, "bench clv-recovery: %,d simulated customers%n", customers);
    stages.print();
    BenchClv.printRecovery(bgNbd, new double[] {truth.r(), truth.alpha(), truth.a(), truth.b()});
    BenchClv.printRecovery(gammaGamma, new double[] {spendTruth.p(), spendTruth.q(), spendTruth.gamma()});
    return 0;
  }
}
