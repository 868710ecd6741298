package io.centraal.scoring.demo;

import io.centraal.scoring.demo.DemoPopulation.Segment;
import java.util.Arrays;

/**
 * One generated person: identity, channel habits and the simulated purchase history. A pure
 * function of (spec, seed, person number); every table generator recomputes it instead of
 * shuffling it around, so no table depends on partitioning or on another table's job.
 *
 * <p>Identity (stream IDENTITY): with probability 1 - onlineShare only a card, with
 * accountOnlyShare only an account, otherwise both (planted influencers always have an account).
 * Channel profile: card only = store_only; account only = online_only; both = store_heavy (40%,
 * P(store) = 0.85), mixed (35%, 0.5) or online_heavy (25%, 0.15). Online purchases go to app with
 * a per-person share ~ U(0, 1), else web. 55% write in English, 45% in Dutch. 1-3 devices
 * (cookies), each linked to the account in identity_links with probability 0.6.
 *
 * <p>Purchases (stream PURCHASES), exactly BG/NBD with time in days: lambda ~ Gamma(r, alpha) *
 * frequency factor, p ~ Beta(a, b), nu ~ Gamma(q, gamma); first purchase at t0 ~ U(0, share * D);
 * repeat purchases follow a Poisson process with rate lambda; after each repeat purchase the person
 * drops out with probability p (never after the first, as in Fader, Hardie and Lee 2005). Spend of
 * one purchase ~ Gamma(ggP, rate nu) * spend factor, rounded to cents (at least 0.01). A purchase is
 * in store with the profile's P(store) (the home store 80% of the time, else a Zipf-popular store,
 * 09:00-21:00), otherwise online (web/app, at an online hour of day).
 *
 * <p>Online life, for persons with an account: from onlineStart = t0 - Exp(mean 21 days) (at
 * least 0; for referred persons the referral visit) to the dropout (planted influencers: to the
 * end, their online presence does not depend on buying); {@link DemoClickstream} fades the activity
 * out in the weeks before the dropout. Referred: with probability referralShare
 * the first purchase follows a visit through a shared link 10 minutes to 3 days before it.
 */
final class DemoPerson {
  /** Mean days of browsing before the first purchase. */
  static final double BROWSING_LEAD_DAYS = 21.0;
  /** Safety cap on purchases per person (a lambda far in the Gamma tail). */
  static final int MAX_PURCHASES = 20_000;

  private static final double[] ONLINE_HOURS = DemoRandom.cumulative(
      1.0, 0.6, 0.4, 0.3, 0.3, 0.4, 0.8, 1.5, 2.2, 2.6, 2.8, 3.0,
      3.4, 3.2, 2.9, 2.8, 2.9, 3.2, 3.6, 4.2, 4.6, 4.4, 3.4, 2.0);

  static final byte STORE = 0;
  static final byte WEB = 1;
  static final byte APP = 2;
  static final String[] CHANNELS = {"store", "web", "app"};

  final long index;
  final Segment segment;
  final boolean hasCard;
  final boolean hasAccount;
  final String cardRef;
  final String accountRef;
  final String channelProfile;
  final double storeShare;
  final double appShare;
  final int homeStore;
  final boolean english;
  final int devices;
  final int linkedDevices;

  double lambda;
  double dropoutP;
  double nu;
  double spendFactor;
  double t0;
  /** Continuous purchase times in days since the window start; [0] is the first purchase. */
  double[] times;
  long[] epochs;
  long[] cents;
  byte[] channels;
  int[] stores;
  int purchases;
  boolean dropped;
  double dropTime;
  boolean referred;
  long referralVisitEpoch;
  double onlineStart;
  double onlineEnd;

  private DemoPerson(DemoPopulation pop, long index) {
    this.index = index;
    this.segment = pop.segment(index);
    DemoSpec spec = pop.spec;
    DemoRandom id = pop.stream(index, DemoPopulation.STREAM_IDENTITY);
    double u = id.nextDouble();
    boolean cardOnly = u < 1.0 - spec.onlineShare();
    boolean accountOnly = !cardOnly && u < 1.0 - spec.onlineShare() + spec.accountOnlyShare();
    if (segment == Segment.PLANTED_INFLUENCER && cardOnly) {
      cardOnly = false;
    }
    this.hasCard = !accountOnly;
    this.hasAccount = !cardOnly;
    double profile = id.nextDouble();
    if (cardOnly) {
      channelProfile = "store_only";
      storeShare = 1.0;
    } else if (accountOnly) {
      channelProfile = "online_only";
      storeShare = 0.0;
    } else if (profile < 0.40) {
      channelProfile = "store_heavy";
      storeShare = 0.85;
    } else if (profile < 0.75) {
      channelProfile = "mixed";
      storeShare = 0.5;
    } else {
      channelProfile = "online_heavy";
      storeShare = 0.15;
    }
    this.appShare = id.nextDouble();
    this.homeStore = id.zipf(spec.stores());
    this.english = id.chance(0.55);
    int d = 1 + (id.chance(0.5) ? 1 : 0) + (id.chance(0.2) ? 1 : 0);
    int linked = 0;
    for (int k = 0; k < d; k++) {
      if (id.chance(0.6)) {
        linked |= 1 << k;
      }
    }
    this.devices = d;
    this.linkedDevices = linked;
    this.cardRef = hasCard ? pop.cardRef(index) : null;
    this.accountRef = hasAccount ? pop.accountRef(index) : null;
  }

  /** Identity and habits only (cheap): used when a generator needs to know if someone has an account. */
  static DemoPerson identity(DemoPopulation pop, long index) {
    return new DemoPerson(pop, index);
  }

  /** The full person with simulated purchases. */
  static DemoPerson simulate(DemoPopulation pop, long index) {
    DemoPerson p = new DemoPerson(pop, index);
    p.simulatePurchases(pop);
    return p;
  }

  private void simulatePurchases(DemoPopulation pop) {
    DemoSpec spec = pop.spec;
    DemoRandom rnd = pop.stream(index, DemoPopulation.STREAM_PURCHASES);
    double frequencyFactor = switch (segment) {
      case PLANTED_INFLUENCER -> spec.influencerFrequencyFactor();
      case BIG_SPENDER -> spec.bigSpenderFrequencyFactor();
      case REGULAR -> 1.0;
    };
    spendFactor = switch (segment) {
      case PLANTED_INFLUENCER -> spec.influencerSpendFactor();
      case BIG_SPENDER -> spec.bigSpenderSpendFactor();
      case REGULAR -> 1.0;
    };
    lambda = rnd.gamma(spec.bgnbdR(), spec.bgnbdAlpha()) * frequencyFactor;
    dropoutP = rnd.beta(spec.bgnbdA(), spec.bgnbdB());
    nu = rnd.gamma(spec.ggQ(), spec.ggGamma());
    double horizon = pop.days;
    t0 = rnd.nextDouble() * spec.acquisitionWindowShare() * horizon;
    double visitLead = 600.0 + rnd.nextDouble() * 3.0 * 86_400.0;
    double browsingLead = rnd.exponential(BROWSING_LEAD_DAYS);
    boolean referralDraw = rnd.chance(spec.referralShare());

    times = new double[8];
    epochs = new long[8];
    cents = new long[8];
    channels = new byte[8];
    stores = new int[8];
    addPurchase(pop, rnd, t0);
    double t = t0;
    while (purchases < MAX_PURCHASES) {
      t += rnd.exponential(1.0 / lambda);
      if (!(t < horizon)) {
        break;
      }
      addPurchase(pop, rnd, t);
      // The dropout coin is tossed right after each repeat purchase.
      if (rnd.chance(dropoutP)) {
        dropped = true;
        dropTime = t;
        break;
      }
    }

    referred = hasAccount && referralDraw;
    referralVisitEpoch = Math.max(pop.startEpochSecond, epochs[0] - (long) visitLead);
    if (hasAccount) {
      onlineStart = referred
          ? (referralVisitEpoch - pop.startEpochSecond) / 86_400.0
          : Math.max(0.0, t0 - browsingLead);
      onlineEnd = dropped && segment != Segment.PLANTED_INFLUENCER ? dropTime : horizon;
    }
  }

  private void addPurchase(DemoPopulation pop, DemoRandom rnd, double t) {
    if (purchases == times.length) {
      int capacity = times.length * 2;
      times = Arrays.copyOf(times, capacity);
      epochs = Arrays.copyOf(epochs, capacity);
      cents = Arrays.copyOf(cents, capacity);
      channels = Arrays.copyOf(channels, capacity);
      stores = Arrays.copyOf(stores, capacity);
    }
    DemoSpec spec = pop.spec;
    double spend = rnd.gamma(spec.ggP(), nu) * spendFactor;
    byte channel = rnd.chance(storeShare) ? STORE : rnd.chance(appShare) ? APP : WEB;
    int store = rnd.chance(0.8) ? homeStore : rnd.zipf(spec.stores());
    int day = (int) Math.floor(t);
    int second = channel == STORE ? storeSecond(rnd) : onlineSecond(rnd);
    times[purchases] = t;
    epochs[purchases] = pop.epochOf(day, second);
    cents[purchases] = Math.max(1L, Math.round(spend * 100.0));
    channels[purchases] = channel;
    stores[purchases] = store;
    purchases++;
  }

  int day(int purchase) {
    return (int) Math.floor(times[purchase]);
  }

  long totalCents() {
    long sum = 0;
    for (int k = 0; k < purchases; k++) {
      sum += cents[k];
    }
    return sum;
  }

  int purchaseDays() {
    int n = 0;
    int last = -1;
    for (int k = 0; k < purchases; k++) {
      int d = day(k);
      if (d != last) {
        n++;
        last = d;
      }
    }
    return n;
  }

  /** Online sessions per day while active; influencers at least one a week. */
  double sessionRate(DemoSpec spec) {
    double rate = spec.sessionsPerPurchase() * lambda;
    return segment == Segment.PLANTED_INFLUENCER ? Math.max(rate, DemoInfluence.INFLUENCER_SESSIONS_PER_DAY) : rate;
  }

  long onlineStartEpoch(DemoPopulation pop) {
    return pop.epochOf(onlineStart);
  }

  long onlineEndEpoch(DemoPopulation pop) {
    return Math.min(pop.endEpochSecond, pop.epochOf(onlineEnd));
  }

  /** A second of the day in store opening hours, 09:00-21:00. */
  static int storeSecond(DemoRandom rnd) {
    return 9 * 3600 + rnd.nextInt(12 * 3600);
  }

  /** A second of the day with the online hour profile (quiet nights, evening peak). */
  static int onlineSecond(DemoRandom rnd) {
    return rnd.weighted(ONLINE_HOURS) * 3600 + rnd.nextInt(3600);
  }
}
