package io.centraal.scoring.demo;

import io.centraal.scoring.demo.DemoPopulation.Segment;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/** Generators of the identity links, the follow graph and the audience sizes. */
final class DemoSocial {
  private DemoSocial() {}

  static final String CARD_ACCOUNT = "card_account";
  static final String ACCOUNT_EMAIL = "account_email";
  static final String COOKIE_ACCOUNT = "cookie_account";

  /**
   * Identity links of one person ({@link DemoSchemas#IDENTITY_LINKS}): card_account (card, account)
   * for persons with both; account_email (account, e-hash) for every account; cookie_account
   * (cookie, account) for each device cookie linked at login (probability 0.6 each), and always
   * for the first cookie of a referred person. Visitor cookies of referred visitors are never linked.
   */
  static final class IdentityLinks implements FlatMapFunction<Long, Row> {
    private static final long serialVersionUID = 1L;
    private final DemoPopulation pop;

    IdentityLinks(DemoPopulation pop) {
      this.pop = pop;
    }

    @Override
    public Iterator<Row> call(Long index) {
      return rows(DemoPerson.simulate(pop, index)).iterator();
    }

    /** The rows of a simulated person (uses the referral flag, so not just the identity). */
    List<Row> rows(DemoPerson p) {
      long index = p.index;
      if (!p.hasAccount) {
        return Collections.emptyList();
      }
      List<Row> rows = new ArrayList<>(2 + p.devices);
      if (p.hasCard) {
        rows.add(RowFactory.create(p.cardRef, p.accountRef, CARD_ACCOUNT));
      }
      rows.add(RowFactory.create(p.accountRef, pop.emailRef(index), ACCOUNT_EMAIL));
      for (int k = 0; k < p.devices; k++) {
        if ((p.linkedDevices & (1 << k)) != 0 || (k == 0 && p.referred)) {
          rows.add(RowFactory.create(pop.cookie(index, k), p.accountRef, COOKIE_ACCOUNT));
        }
      }
      return rows;
    }
  }

  /**
   * Follow edges of one account ({@link DemoSchemas#FOLLOWS}), stream FOLLOWS: the segment's number
   * of targets ({@link DemoInfluence}); each target is a uniform planted influencer with the
   * segment's influencer share, else a power-law popular person; self, duplicates and persons
   * without an account are redrawn (5 tries, then the edge is skipped). Every edge is drawn from
   * the follower's id alone, so the graph scales with no global state.
   */
  static final class Follows implements FlatMapFunction<Long, Row> {
    private static final long serialVersionUID = 1L;
    private static final int TRIES = 5;
    private final DemoPopulation pop;

    Follows(DemoPopulation pop) {
      this.pop = pop;
    }

    @Override
    public Iterator<Row> call(Long index) {
      return rows(DemoPerson.identity(pop, index)).iterator();
    }

    /** The rows of a person (identity suffices). */
    List<Row> rows(DemoPerson p) {
      long index = p.index;
      if (!p.hasAccount) {
        return Collections.emptyList();
      }
      DemoRandom rnd = pop.stream(index, DemoPopulation.STREAM_FOLLOWS);
      int n = DemoInfluence.follows(p.segment, pop.spec.followsPerAccount(), rnd);
      double toInfluencer = DemoInfluence.followInfluencerShare(p.segment);
      Set<Long> seen = new HashSet<>();
      List<Row> rows = new ArrayList<>(n);
      for (int e = 0; e < n; e++) {
        for (int attempt = 0; attempt < TRIES; attempt++) {
          long target = pop.influencers > 0 && rnd.chance(toInfluencer)
              ? pop.influencer(rnd.nextLong(pop.influencers))
              : pop.popularPerson(rnd);
          if (target == index || seen.contains(target)) {
            continue;
          }
          DemoPerson t = DemoPerson.identity(pop, target);
          if (!t.hasAccount) {
            continue;
          }
          seen.add(target);
          rows.add(RowFactory.create(p.accountRef, t.accountRef));
          break;
        }
      }
      return rows;
    }
  }

  /**
   * External audience of every account ({@link DemoSchemas#AUDIENCE}), stream AUDIENCE: regular
   * and big spenders 0 with probability 0.7, else floor(Pareto(10, 1.2)) capped at 10^6; planted
   * influencers floor(LogNormal(ln 20000, 1)).
   */
  static final class Audience implements FlatMapFunction<Long, Row> {
    private static final long serialVersionUID = 1L;
    private final DemoPopulation pop;

    Audience(DemoPopulation pop) {
      this.pop = pop;
    }

    @Override
    public Iterator<Row> call(Long index) {
      return rows(DemoPerson.identity(pop, index)).iterator();
    }

    /** The rows of a person (identity suffices). */
    List<Row> rows(DemoPerson p) {
      if (!p.hasAccount) {
        return Collections.emptyList();
      }
      Segment segment = p.segment;
      long size = DemoInfluence.audience(segment, pop.stream(p.index, DemoPopulation.STREAM_AUDIENCE));
      return Collections.singletonList(RowFactory.create(p.accountRef, size));
    }
  }
}
