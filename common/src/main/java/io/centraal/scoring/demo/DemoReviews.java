package io.centraal.scoring.demo;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Reviews of one person with an online account (stream REVIEWS), in the column order of
 * {@link DemoSchemas#REVIEWS} plus the internal bad-row marker.
 *
 * <p>After each purchase, with the segment's review probability, a verified review 1-21 days later
 * (dropped if past the end) of a Zipf-popular product; planted influencers also write extra reviews
 * as a Poisson process (0.05 a day) over their online life, 20% of them verified. Rating 1..5 with
 * probabilities 0.07/0.06/0.12/0.30/0.45; text from {@link DemoPhrases} in the person's language
 * with the segment's number of sentences; total_votes ~ Poisson(segment mean), helpful_votes ~
 * Binomial(total, Beta(segment)). After every good review, with probability badRowRate, one bad
 * row of a uniformly drawn kind (RATING_OUT_OF_RANGE, TS_AFTER_END, DUPLICATE_ID, MISSING_FIELD).
 */
final class DemoReviews implements FlatMapFunction<Long, Row> {
  private static final long serialVersionUID = 1L;
  private static final double[] RATINGS = DemoRandom.cumulative(0.07, 0.06, 0.12, 0.30, 0.45);
  static final BadRowKind[] BAD_KINDS = {
      BadRowKind.RATING_OUT_OF_RANGE, BadRowKind.TS_AFTER_END, BadRowKind.DUPLICATE_ID, BadRowKind.MISSING_FIELD};
  static final String REVIEW_PREFIX = "rv-";

  private final DemoPopulation pop;

  DemoReviews(DemoPopulation pop) {
    this.pop = pop;
  }

  @Override
  public Iterator<Row> call(Long index) {
    return rows(DemoPerson.simulate(pop, index)).iterator();
  }

  /** The rows of a simulated person. */
  List<Row> rows(DemoPerson person) {
    if (!person.hasAccount) {
      return Collections.emptyList();
    }
    DemoRandom rnd = pop.stream(person.index, DemoPopulation.STREAM_REVIEWS);
    List<Row> out = new ArrayList<>();
    long[] sequence = {0L};
    double reviewProbability = DemoInfluence.reviewProbability(person.segment);
    for (int k = 0; k < person.purchases; k++) {
      if (rnd.chance(reviewProbability)) {
        long ts = person.epochs[k] + 86_400L + rnd.nextLong(20L * 86_400L);
        review(person, rnd, ts, true, out, sequence);
      }
    }
    double extra = DemoInfluence.extraReviewsPerDay(person.segment);
    if (extra > 0.0) {
      double t = person.onlineStart;
      while (true) {
        t += rnd.exponential(1.0 / extra);
        if (!(t < pop.days)) {
          break;
        }
        long ts = pop.epochOf((int) Math.floor(t), DemoPerson.onlineSecond(rnd));
        review(person, rnd, ts, rnd.chance(0.2), out, sequence);
      }
    }
    return out;
  }

  private void review(DemoPerson person, DemoRandom rnd, long ts, boolean verified, List<Row> out, long[] sequence) {
    String product = DemoFormats.productId(rnd.zipf(pop.spec.products()));
    int rating = 1 + rnd.weighted(RATINGS);
    String text = DemoPhrases.text(person.english, rating, DemoInfluence.sentences(person.segment, rnd), rnd);
    int total = rnd.poisson(DemoInfluence.meanTotalVotes(person.segment));
    int helpful = rnd.binomial(total, DemoInfluence.helpfulShare(person.segment, rnd));
    if (ts > pop.endEpochSecond) {
      return;
    }
    String id = DemoFormats.opaqueId(REVIEW_PREFIX, pop.idKey, DemoFormats.TAG_REVIEW, person.index, sequence[0]++);
    String author = person.accountRef;
    String tsText = DemoFormats.isoTimestamp(ts);
    out.add(row(id, author, product, tsText, rating, text, helpful, total, verified, null));
    if (!rnd.chance(pop.spec.badRowRate())) {
      return;
    }
    BadRowKind kind = BAD_KINDS[rnd.nextInt(BAD_KINDS.length)];
    String newId = DemoFormats.opaqueId(REVIEW_PREFIX, pop.idKey, DemoFormats.TAG_REVIEW, person.index, sequence[0]++);
    switch (kind) {
      case RATING_OUT_OF_RANGE -> out.add(row(newId, author, product, tsText, 7, text, helpful, total, verified, kind));
      case TS_AFTER_END -> {
        long late = pop.endEpochSecond + 1 + rnd.nextLong(30L * 86_400L);
        out.add(row(newId, author, product, DemoFormats.isoTimestamp(late), rating, text, helpful, total,
            verified, kind));
      }
      case DUPLICATE_ID -> out.add(row(id, author, product, tsText, rating % 5 + 1, text, helpful, total + 1,
          verified, kind));
      case MISSING_FIELD -> {
        int missing = rnd.nextInt(5);
        out.add(row(missing == 0 ? null : newId, missing == 1 ? null : author, missing == 2 ? null : product,
            missing == 3 ? null : tsText, missing == 4 ? null : rating, text, helpful, total, verified, kind));
      }
      default -> throw new IllegalStateException("not a review bad-row kind: " + kind);
    }
  }

  private static Row row(String id, String author, String product, String ts, Integer rating, String text,
      int helpful, int total, boolean verified, BadRowKind kind) {
    return RowFactory.create(id, author, product, ts, rating, text, helpful, total, verified,
        kind == null ? null : kind.code());
  }
}
