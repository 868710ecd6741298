package io.centraal.scoring.demo;

import java.io.Serializable;
import java.time.ZoneOffset;

/**
 * The spec plus everything derived from it that every executor needs: the window in epoch
 * seconds, the exact segment sizes, and the keyed permutations that decide who is a planted
 * influencer or big spender and which card and account numbers a person carries.
 *
 * <p>Segments: person i has rank {@code segmentOrder.forward(i)}; ranks [0, nInfluencers) are
 * planted influencers, the last nBigSpenders ranks are big spenders, the rest regular. The rank
 * doubles as popularity in the follow graph (lower rank = more followers), so popularity is
 * spread at random over person numbers.
 */
final class DemoPopulation implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Independent random streams per person; one per process so processes do not shift each other. */
  static final int STREAM_IDENTITY = 1;
  static final int STREAM_PURCHASES = 2;
  static final int STREAM_TRANSACTIONS = 3;
  static final int STREAM_CLICKSTREAM = 4;
  static final int STREAM_REVIEWS = 5;
  static final int STREAM_FOLLOWS = 6;
  static final int STREAM_AUDIENCE = 7;
  static final int STREAM_CONSENT = 8;
  static final int STREAM_REFERRAL = 9;

  final DemoSpec spec;
  final long customers;
  final int days;
  final long startEpochSecond;
  /** 23:59:59 UTC of the end date: no good row is later. */
  final long endEpochSecond;
  final long idKey;
  final long influencers;
  final long bigSpenders;
  private final IdPermutation segmentOrder;
  private final IdPermutation cardNumbers;
  private final IdPermutation accountNumbers;

  DemoPopulation(DemoSpec spec) {
    this.spec = spec;
    this.customers = spec.customers();
    this.days = spec.windowDays();
    this.startEpochSecond = spec.startDate().atStartOfDay().toEpochSecond(ZoneOffset.UTC);
    this.endEpochSecond = startEpochSecond + days * 86_400L - 1;
    this.idKey = DemoRandom.mix64(spec.seed() ^ 0x5DEECE66DL);
    this.influencers = spec.influencerCount();
    this.bigSpenders = spec.bigSpenderCount();
    this.segmentOrder = new IdPermutation(customers, DemoRandom.mix64(spec.seed() + 1));
    this.cardNumbers = new IdPermutation(customers, DemoRandom.mix64(spec.seed() + 2));
    this.accountNumbers = new IdPermutation(customers, DemoRandom.mix64(spec.seed() + 3));
  }

  DemoRandom stream(long person, int stream) {
    return DemoRandom.forStream(spec.seed(), person, stream);
  }

  Segment segment(long person) {
    long rank = segmentOrder.forward(person);
    if (rank < influencers) {
      return Segment.PLANTED_INFLUENCER;
    }
    if (rank >= customers - bigSpenders) {
      return Segment.BIG_SPENDER;
    }
    return Segment.REGULAR;
  }

  /** The k-th planted influencer, k in [0, influencers). */
  long influencer(long k) {
    return segmentOrder.inverse(k);
  }

  /**
   * A person drawn with power-law popularity over the non-influencer ranks: rank = nInfluencers +
   * span * u^3, i.e. a density proportional to rank^(-2/3). Big spenders hold the last ranks and so
   * are the least likely to be followed or to refer anyone.
   */
  long popularPerson(DemoRandom rnd) {
    long span = customers - influencers;
    if (span <= 0) {
      return influencer(rnd.nextLong(influencers));
    }
    double u = rnd.nextDouble();
    long rank = influencers + Math.min(span - 1, (long) (span * u * u * u));
    return segmentOrder.inverse(rank);
  }

  String cardRef(long person) {
    return DemoFormats.ref('L', cardNumbers.forward(person) + 1);
  }

  String accountRef(long person) {
    return DemoFormats.ref('U', accountNumbers.forward(person) + 1);
  }

  String emailRef(long person) {
    return DemoFormats.opaqueId("e-", idKey, DemoFormats.TAG_EMAIL, person, 0);
  }

  String cookie(long person, int device) {
    return DemoFormats.opaqueId("c-", idKey, DemoFormats.TAG_COOKIE, person, device);
  }

  /** Epoch second of a continuous time in days since the window start. */
  long epochOf(double t) {
    return startEpochSecond + (long) Math.floor(t * 86_400.0);
  }

  /** Epoch second of a given day of the window at a given second of that day. */
  long epochOf(int day, int secondOfDay) {
    return startEpochSecond + day * 86_400L + secondOfDay;
  }

  /** Segments of the ground truth. */
  enum Segment {
    REGULAR(DemoColumns.Segments.REGULAR),
    PLANTED_INFLUENCER(DemoColumns.Segments.PLANTED_INFLUENCER),
    BIG_SPENDER(DemoColumns.Segments.BIG_SPENDER);

    final String code;

    Segment(String code) {
      this.code = code;
    }
  }
}
