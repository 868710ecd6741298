package io.centraal.scoring.demo;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Consent rows of one person (stream CONSENT), in the column order of {@link DemoSchemas#CONSENT}.
 *
 * <p>One reference per person: the card if the person has only a card, the account if only an
 * account, otherwise either with probability 0.5. Final state: profiling not allowed with
 * probability 0.03, marketing not allowed with 0.10, recorded at sign-up (the start of the online
 * life, else the first purchase). With probability 0.05 the person changed their mind once: an
 * earlier row at sign-up with one of the two flags flipped and the final row 1 day or more later
 * (only if that still fits in the window). The latest updated_ts wins.
 */
final class DemoConsent implements FlatMapFunction<Long, Row> {
  private static final long serialVersionUID = 1L;
  static final double NO_PROFILING = 0.03;
  static final double NO_MARKETING = 0.10;
  static final double UPDATED_TWICE = 0.05;

  private final DemoPopulation pop;

  DemoConsent(DemoPopulation pop) {
    this.pop = pop;
  }

  @Override
  public Iterator<Row> call(Long index) {
    return rows(DemoPerson.simulate(pop, index)).iterator();
  }

  /** The rows of a simulated person. */
  List<Row> rows(DemoPerson person) {
    Decision d = decide(pop, person);
    List<Row> rows = new ArrayList<>(2);
    if (d.twice) {
      rows.add(RowFactory.create(d.ref, d.firstProfiling, d.firstMarketing, DemoFormats.csvTimestamp(d.firstUpdated)));
    }
    rows.add(RowFactory.create(d.ref, d.profiling, d.marketing, DemoFormats.csvTimestamp(d.updated)));
    return rows;
  }

  /** The consent history of a person; also read by the ground truth. */
  static Decision decide(DemoPopulation pop, DemoPerson person) {
    DemoRandom rnd = pop.stream(person.index, DemoPopulation.STREAM_CONSENT);
    boolean useCard = rnd.chance(0.5);
    String ref = person.hasCard && (!person.hasAccount || useCard) ? person.cardRef : person.accountRef;
    boolean profiling = !rnd.chance(NO_PROFILING);
    boolean marketing = !rnd.chance(NO_MARKETING);
    long signup = person.hasAccount ? Math.min(person.onlineStartEpoch(pop), person.epochs[0]) : person.epochs[0];
    boolean twice = rnd.chance(UPDATED_TWICE);
    boolean flipMarketing = rnd.chance(0.5);
    long room = pop.endEpochSecond - signup - 86_400L;
    long later = room > 0 ? signup + 86_400L + rnd.nextLong(room + 1) : signup;
    twice = twice && room > 0;
    Decision d = new Decision();
    d.ref = ref;
    d.profiling = profiling;
    d.marketing = marketing;
    d.twice = twice;
    d.firstUpdated = signup;
    d.updated = twice ? later : signup;
    d.firstProfiling = flipMarketing ? profiling : !profiling;
    d.firstMarketing = flipMarketing ? !marketing : marketing;
    return d;
  }

  /** A person's consent: the final state, and the earlier state if it changed once. */
  static final class Decision {
    String ref;
    boolean profiling;
    boolean marketing;
    long updated;
    boolean twice;
    boolean firstProfiling;
    boolean firstMarketing;
    long firstUpdated;
  }
}
