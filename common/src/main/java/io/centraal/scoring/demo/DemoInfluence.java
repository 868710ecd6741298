package io.centraal.scoring.demo;

import io.centraal.scoring.demo.DemoPopulation.Segment;

/**
 * The non-financial behaviour of each segment, in one place so the ground truth can be reasoned
 * about. Planted influencers buy little but review a lot (long, helpful reviews), share a lot
 * (each share brings many visitors), are followed a lot and have a large external audience; big
 * spenders buy a lot and influence little.
 *
 * <table>
 *   <caption>Behaviour per segment</caption>
 *   <tr><th>parameter</th><th>regular</th><th>big spender</th><th>planted influencer</th></tr>
 *   <tr><td>share per online session</td><td>0.03</td><td>0.03</td><td>0.5</td></tr>
 *   <tr><td>referred visitors per share, Poisson mean</td><td>0.8</td><td>0.3</td><td>6</td></tr>
 *   <tr><td>review after a purchase</td><td>0.08</td><td>0.04</td><td>0.9</td></tr>
 *   <tr><td>extra (mostly unverified) reviews per online day</td><td>0</td><td>0</td><td>0.05</td></tr>
 *   <tr><td>sentences per review</td><td>1 + Bin(2, 0.3), 15% no text</td><td>same</td><td>4-8</td></tr>
 *   <tr><td>total votes per review, Poisson mean</td><td>1.5</td><td>1.5</td><td>25</td></tr>
 *   <tr><td>helpful / total ~ Beta</td><td>(2, 2)</td><td>(2, 2)</td><td>(8, 1.5)</td></tr>
 *   <tr><td>accounts followed</td><td>Geom(mean f)</td><td>Geom(mean f)</td><td>10 + Geom(mean 3f)</td></tr>
 *   <tr><td>of which an influencer</td><td>35%</td><td>35%</td><td>60%</td></tr>
 *   <tr><td>external audience</td><td>70% 0, else Pareto(10, 1.2)</td><td>same</td><td>LogNormal(ln 20000, 1)</td></tr>
 *   <tr><td>online sessions per day, at least</td><td>0</td><td>0</td><td>0.15</td></tr>
 * </table>
 *
 * <p>Referrals: a referred person's referrer is, with probability 0.5, a uniformly drawn planted
 * influencer, otherwise a power-law popular person ({@link DemoPopulation#popularPerson}); the
 * candidate must have an account and be online-active at the share time (up to 8 draws, else the
 * person is not referred after all). The share happens 1 minute + Exp(mean 12 h) before the visit.
 */
final class DemoInfluence {
  private DemoInfluence() {}

  static final double INFLUENCER_SESSIONS_PER_DAY = 0.15;
  static final double INFLUENCER_EXTRA_REVIEWS_PER_DAY = 0.05;
  static final double REFERRER_INFLUENCER_SHARE = 0.5;
  static final int REFERRER_TRIES = 8;
  static final double SHARE_TO_VISIT_MEAN_SECONDS = 12 * 3600.0;

  static double shareProbability(Segment s) {
    return s == Segment.PLANTED_INFLUENCER ? 0.5 : 0.03;
  }

  static double visitorsPerShare(Segment s) {
    return switch (s) {
      case PLANTED_INFLUENCER -> 6.0;
      case BIG_SPENDER -> 0.3;
      case REGULAR -> 0.8;
    };
  }

  static double reviewProbability(Segment s) {
    return switch (s) {
      case PLANTED_INFLUENCER -> 0.9;
      case BIG_SPENDER -> 0.04;
      case REGULAR -> 0.08;
    };
  }

  static double extraReviewsPerDay(Segment s) {
    return s == Segment.PLANTED_INFLUENCER ? INFLUENCER_EXTRA_REVIEWS_PER_DAY : 0.0;
  }

  static int sentences(Segment s, DemoRandom rnd) {
    if (s == Segment.PLANTED_INFLUENCER) {
      return 4 + rnd.nextInt(5);
    }
    return rnd.chance(0.15) ? 0 : 1 + rnd.binomial(2, 0.3);
  }

  static double meanTotalVotes(Segment s) {
    return s == Segment.PLANTED_INFLUENCER ? 25.0 : 1.5;
  }

  static double helpfulShare(Segment s, DemoRandom rnd) {
    return s == Segment.PLANTED_INFLUENCER ? rnd.beta(8.0, 1.5) : rnd.beta(2.0, 2.0);
  }

  static int follows(Segment s, double followsPerAccount, DemoRandom rnd) {
    return s == Segment.PLANTED_INFLUENCER
        ? 10 + rnd.geometric(3.0 * followsPerAccount)
        : rnd.geometric(followsPerAccount);
  }

  static double followInfluencerShare(Segment s) {
    return s == Segment.PLANTED_INFLUENCER ? 0.6 : 0.35;
  }

  static long audience(Segment s, DemoRandom rnd) {
    if (s == Segment.PLANTED_INFLUENCER) {
      return (long) Math.floor(StrictMath.exp(StrictMath.log(20_000.0) + rnd.normal()));
    }
    if (rnd.chance(0.7)) {
      return 0L;
    }
    double pareto = 10.0 * StrictMath.pow(1.0 - rnd.nextDouble(), -1.0 / 1.2);
    return (long) Math.min(1_000_000.0, Math.floor(pareto));
  }

  /** Who brought a referred person, or null; a pure function of the person, like everything else. */
  static Referral referral(DemoPopulation pop, DemoPerson person) {
    if (!person.referred) {
      return null;
    }
    DemoRandom rnd = pop.stream(person.index, DemoPopulation.STREAM_REFERRAL);
    long share = Math.max(pop.startEpochSecond,
        person.referralVisitEpoch - 60L - (long) rnd.exponential(SHARE_TO_VISIT_MEAN_SECONDS));
    for (int attempt = 0; attempt < REFERRER_TRIES; attempt++) {
      long candidate = pop.influencers > 0 && rnd.chance(REFERRER_INFLUENCER_SHARE)
          ? pop.influencer(rnd.nextLong(pop.influencers))
          : pop.popularPerson(rnd);
      if (candidate == person.index) {
        continue;
      }
      DemoPerson c = DemoPerson.simulate(pop, candidate);
      if (c.hasAccount && c.onlineStartEpoch(pop) <= share && share <= c.onlineEndEpoch(pop)) {
        return new Referral(candidate, c.accountRef, pop.cookie(candidate, 0), share);
      }
    }
    return null;
  }

  /** A referral: the referrer's person number, account, first device cookie and share time. */
  record Referral(long referrer, String referrerAccount, String referrerCookie, long shareEpoch) {}
}
