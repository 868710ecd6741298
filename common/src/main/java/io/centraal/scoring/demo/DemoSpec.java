package io.centraal.scoring.demo;

import com.typesafe.config.Config;
import java.io.Serializable;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;

/**
 * Everything the demo generator needs to know; the same spec and seed always give the same data.
 * There are no defaults here: they live in HOCON under {@code centraal.demo} (see
 * {@link #fromConfig}). Rates and shares are probabilities in [0, 1]; time is in days.
 *
 * @param customers number of generated persons (every one of them makes a first purchase in the window)
 * @param seed the random seed; the data is a pure function of (spec, seed)
 * @param startDate first day data exists for
 * @param endDate last day data exists for (inclusive); no good row is later than its 23:59:59 UTC
 * @param acquisitionWindowShare first purchases are uniform over the first this-share of the window
 * @param bgnbdR BG/NBD r: purchase rate lambda ~ Gamma(shape r, rate alpha), per day
 * @param bgnbdAlpha BG/NBD alpha, in days (rate of the Gamma; mean lambda = r / alpha per day)
 * @param bgnbdA BG/NBD a: dropout probability p ~ Beta(a, b)
 * @param bgnbdB BG/NBD b
 * @param ggP Gamma-Gamma p: spend of one purchase ~ Gamma(shape p, rate nu)
 * @param ggQ Gamma-Gamma q: nu ~ Gamma(shape q, rate gamma); must be above 1 for a finite mean
 * @param ggGamma Gamma-Gamma gamma; population mean spend per purchase = p * gamma / (q - 1)
 * @param onlineShare share of persons with an online account (the rest have only a loyalty card)
 * @param accountOnlyShare share of all persons with only an online account (no card); at most onlineShare
 * @param influencerShare share of planted influencers (exact count: round(customers * share))
 * @param influencerFrequencyFactor an influencer's lambda is multiplied by this (below 1: buys little)
 * @param influencerSpendFactor an influencer's spend per purchase is multiplied by this
 * @param bigSpenderShare share of big spenders (exact count: round(customers * share))
 * @param bigSpenderFrequencyFactor a big spender's lambda is multiplied by this
 * @param bigSpenderSpendFactor a big spender's spend per purchase is multiplied by this
 * @param referralShare share of persons with an account whose first purchase follows a visit
 *     through another customer's shared link
 * @param sessionsPerPurchase online session rate = this * lambda while the person is active
 * @param followsPerAccount mean number of accounts a regular account follows
 * @param returnRate share of transaction lines that get a later return line
 * @param anonymousSaleShare expected share of transaction rows that are anonymous till sales
 * @param badRowRate probability that a good transaction or review row is followed by a bad row
 * @param stores number of stores ({@code S001}..)
 * @param products number of products ({@code P000001}..)
 * @param partitions Spark partitions (output files per table); 0 = the session's default
 *     parallelism. The data content does not depend on it.
 */
public record DemoSpec(
    long customers,
    long seed,
    LocalDate startDate,
    LocalDate endDate,
    double acquisitionWindowShare,
    double bgnbdR,
    double bgnbdAlpha,
    double bgnbdA,
    double bgnbdB,
    double ggP,
    double ggQ,
    double ggGamma,
    double onlineShare,
    double accountOnlyShare,
    double influencerShare,
    double influencerFrequencyFactor,
    double influencerSpendFactor,
    double bigSpenderShare,
    double bigSpenderFrequencyFactor,
    double bigSpenderSpendFactor,
    double referralShare,
    double sessionsPerPurchase,
    double followsPerAccount,
    double returnRate,
    double anonymousSaleShare,
    double badRowRate,
    int stores,
    int products,
    int partitions) implements Serializable {

  /** Checks every field and names the offending one. */
  public DemoSpec {
    if (customers <= 0 || customers >= DemoFormats.MAX_PERSONS) {
      throw invalid("customers", customers, "must be in [1, 2^36)");
    }
    if (startDate == null || endDate == null) {
      throw new IllegalArgumentException("demo spec: start-date and end-date are required");
    }
    if (endDate.isBefore(startDate)) {
      throw invalid("end-date", endDate, "must not be before start-date " + startDate);
    }
    share("acquisition-window-share", acquisitionWindowShare);
    if (acquisitionWindowShare == 0.0) {
      throw invalid("acquisition-window-share", acquisitionWindowShare, "must be above 0");
    }
    positive("bgnbd.r", bgnbdR);
    positive("bgnbd.alpha", bgnbdAlpha);
    positive("bgnbd.a", bgnbdA);
    positive("bgnbd.b", bgnbdB);
    positive("gamma-gamma.p", ggP);
    positive("gamma-gamma.gamma", ggGamma);
    if (!(ggQ > 1.0)) {
      throw invalid("gamma-gamma.q", ggQ, "must be above 1 (finite mean spend)");
    }
    share("online-share", onlineShare);
    share("account-only-share", accountOnlyShare);
    if (accountOnlyShare > onlineShare) {
      throw invalid("account-only-share", accountOnlyShare, "must not exceed online-share " + onlineShare);
    }
    share("influencers.share", influencerShare);
    share("big-spenders.share", bigSpenderShare);
    if (influencerShare + bigSpenderShare > 1.0) {
      throw invalid("influencers.share + big-spenders.share", influencerShare + bigSpenderShare, "must be at most 1");
    }
    positive("influencers.frequency-factor", influencerFrequencyFactor);
    positive("influencers.spend-factor", influencerSpendFactor);
    positive("big-spenders.frequency-factor", bigSpenderFrequencyFactor);
    positive("big-spenders.spend-factor", bigSpenderSpendFactor);
    share("referral-share", referralShare);
    nonNegative("sessions-per-purchase", sessionsPerPurchase);
    nonNegative("follows-per-account", followsPerAccount);
    share("return-rate", returnRate);
    share("anonymous-sale-share", anonymousSaleShare);
    if (anonymousSaleShare >= 1.0) {
      throw invalid("anonymous-sale-share", anonymousSaleShare, "must be below 1");
    }
    share("bad-row-rate", badRowRate);
    if (stores <= 0) {
      throw invalid("stores", stores, "must be positive");
    }
    if (products <= 0) {
      throw invalid("products", products, "must be positive");
    }
    if (partitions < 0) {
      throw invalid("partitions", partitions, "must be 0 (default parallelism) or positive");
    }
  }

  /**
   * Reads a spec from the {@code centraal.demo} block (pass that block, not the root). Every key is
   * required; a missing key fails with Typesafe Config's message naming it.
   */
  public static DemoSpec fromConfig(Config demo) {
    return new DemoSpec(
        demo.getLong("customers"),
        demo.getLong("seed"),
        LocalDate.parse(demo.getString("start-date")),
        LocalDate.parse(demo.getString("end-date")),
        demo.getDouble("acquisition-window-share"),
        demo.getDouble("bgnbd.r"),
        demo.getDouble("bgnbd.alpha"),
        demo.getDouble("bgnbd.a"),
        demo.getDouble("bgnbd.b"),
        demo.getDouble("gamma-gamma.p"),
        demo.getDouble("gamma-gamma.q"),
        demo.getDouble("gamma-gamma.gamma"),
        demo.getDouble("online-share"),
        demo.getDouble("account-only-share"),
        demo.getDouble("influencers.share"),
        demo.getDouble("influencers.frequency-factor"),
        demo.getDouble("influencers.spend-factor"),
        demo.getDouble("big-spenders.share"),
        demo.getDouble("big-spenders.frequency-factor"),
        demo.getDouble("big-spenders.spend-factor"),
        demo.getDouble("referral-share"),
        demo.getDouble("sessions-per-purchase"),
        demo.getDouble("follows-per-account"),
        demo.getDouble("return-rate"),
        demo.getDouble("anonymous-sale-share"),
        demo.getDouble("bad-row-rate"),
        demo.getInt("stores"),
        demo.getInt("products"),
        demo.getInt("partitions"));
  }

  /** Number of days in the window, both ends included. */
  public int windowDays() {
    return (int) ChronoUnit.DAYS.between(startDate, endDate) + 1;
  }

  /** Exact number of planted influencers. */
  public long influencerCount() {
    return Math.round(customers * influencerShare);
  }

  /** Exact number of big spenders. */
  public long bigSpenderCount() {
    return Math.min(customers - influencerCount(), Math.round(customers * bigSpenderShare));
  }

  /** Population mean spend per purchase of a regular customer: p * gamma / (q - 1). */
  public double meanSpendPerPurchase() {
    return ggP * ggGamma / (ggQ - 1.0);
  }

  private static void share(String key, double v) {
    if (!(v >= 0.0 && v <= 1.0)) {
      throw invalid(key, v, "must be in [0, 1]");
    }
  }

  private static void positive(String key, double v) {
    if (!(v > 0.0) || Double.isInfinite(v)) {
      throw invalid(key, v, "must be positive and finite");
    }
  }

  private static void nonNegative(String key, double v) {
    if (!(v >= 0.0) || Double.isInfinite(v)) {
      throw invalid(key, v, "must be non-negative and finite");
    }
  }

  private static IllegalArgumentException invalid(String key, Object value, String rule) {
    return new IllegalArgumentException("demo spec: " + key + " = " + value + " " + rule);
  }
}
