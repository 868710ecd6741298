package io.centraal.scoring.demo;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Transaction rows of one person (stream TRANSACTIONS), in the column order of
 * {@link DemoSchemas#TRANSACTIONS} plus the internal bad-row marker.
 *
 * <p>Each purchase becomes 1-3 lines (probabilities 0.5/0.35/0.15) on its day, its cents split at
 * random with every line at least 0.01, a few minutes apart and never past midnight. Store lines
 * carry the card and the store id, web/app lines the account and no store. Quantity 1 +
 * Geom(mean 0.5), margin = amount * U(0.25, 0.40). With probability returnRate a line gets a
 * return line 1-14 days later (negative amount, quantity and margin; dropped if past the end).
 * After each person row, with probability s / (1 - s) (s = anonymousSaleShare) an anonymous till
 * sale is added: empty customer_ref, a uniform day, a Zipf-popular store, amount ~ Gamma(2, mean
 * = half the population mean spend). After every good row, with probability badRowRate, one bad
 * row of a uniformly drawn {@link BadRowKind} (UNPARSABLE_AMOUNT, TS_AFTER_END, DUPLICATE_ID,
 * MISSING_FIELD) derived from it.
 */
final class DemoTransactions implements FlatMapFunction<Long, Row> {
  private static final long serialVersionUID = 1L;
  private static final double[] LINES_PER_PURCHASE = DemoRandom.cumulative(0.5, 0.35, 0.15);
  static final BadRowKind[] BAD_KINDS = {
      BadRowKind.UNPARSABLE_AMOUNT, BadRowKind.TS_AFTER_END, BadRowKind.DUPLICATE_ID, BadRowKind.MISSING_FIELD};
  static final String CURRENCY = "EUR";
  static final String TX_PREFIX = "tx-";

  private final DemoPopulation pop;

  DemoTransactions(DemoPopulation pop) {
    this.pop = pop;
  }

  @Override
  public Iterator<Row> call(Long person) {
    return rows(DemoPerson.simulate(pop, person)).iterator();
  }

  /** The rows of a simulated person. */
  List<Row> rows(DemoPerson person) {
    return new PersonRows(pop, person).generate();
  }

  /** The mutable state of generating one person's rows. */
  private static final class PersonRows {
    private final DemoPopulation pop;
    private final DemoSpec spec;
    private final DemoPerson person;
    private final DemoRandom rnd;
    private final List<Row> out = new ArrayList<>();
    private final double anonymousPerRow;
    private long sequence;
    private long anonymousSequence;

    PersonRows(DemoPopulation pop, DemoPerson person) {
      this.pop = pop;
      this.spec = pop.spec;
      this.person = person;
      this.rnd = pop.stream(person.index, DemoPopulation.STREAM_TRANSACTIONS);
      this.anonymousPerRow = spec.anonymousSaleShare() / (1.0 - spec.anonymousSaleShare());
    }

    List<Row> generate() {
      for (int k = 0; k < person.purchases; k++) {
        purchase(k);
      }
      return out;
    }

    private void purchase(int k) {
      long cents = person.cents[k];
      int lines = (int) Math.min(cents, 1 + rnd.weighted(LINES_PER_PURCHASE));
      long[] parts = split(cents, lines);
      byte channel = person.channels[k];
      String ref = channel == DemoPerson.STORE ? person.cardRef : person.accountRef;
      String store = channel == DemoPerson.STORE ? DemoFormats.storeId(person.stores[k]) : null;
      int day = person.day(k);
      long dayEnd = pop.epochOf(day + 1, 0) - 1;
      long ts = person.epochs[k];
      for (int l = 0; l < lines; l++) {
        if (l > 0) {
          ts = Math.min(dayEnd, ts + 30 + rnd.nextInt(270));
        }
        int quantity = 1 + Math.min(8, rnd.geometric(0.5));
        long margin = Math.round(parts[l] * rnd.uniform(0.25, 0.40));
        personRow(ref, ts, parts[l], channel, store, quantity, margin);
        if (rnd.chance(spec.returnRate())) {
          int returnDay = day + 1 + rnd.nextInt(14);
          int second = channel == DemoPerson.STORE ? DemoPerson.storeSecond(rnd) : DemoPerson.onlineSecond(rnd);
          if (returnDay < pop.days) {
            personRow(ref, pop.epochOf(returnDay, second), -parts[l], channel, store, -quantity, -margin);
          }
        }
      }
    }

    /** Splits cents into n parts of at least one cent each, at random. */
    private long[] split(long cents, int n) {
      long[] parts = new long[n];
      if (n == 1) {
        parts[0] = cents;
        return parts;
      }
      double[] w = new double[n];
      double total = 0.0;
      for (int l = 0; l < n; l++) {
        w[l] = rnd.exponential(1.0);
        total += w[l];
      }
      long rest = cents - n;
      long used = 0;
      for (int l = 0; l < n - 1; l++) {
        parts[l] = 1 + (long) Math.floor(rest * w[l] / total);
        used += parts[l];
      }
      parts[n - 1] = cents - used;
      return parts;
    }

    private void personRow(String ref, long ts, long cents, byte channel, String store, int quantity, long margin) {
      String id = DemoFormats.opaqueId(TX_PREFIX, pop.idKey, DemoFormats.TAG_TRANSACTION, person.index, sequence++);
      goodRow(id, ref, ts, cents, DemoPerson.CHANNELS[channel], store, quantity, margin);
      if (rnd.chance(anonymousPerRow)) {
        int day = rnd.nextInt(pop.days);
        long anonymousTs = pop.epochOf(day, DemoPerson.storeSecond(rnd));
        String anonymousStore = DemoFormats.storeId(rnd.zipf(spec.stores()));
        double mean = 0.5 * spec.meanSpendPerPurchase();
        long anonymousCents = Math.max(1L, Math.round(rnd.gamma(2.0, 2.0 / mean) * 100.0));
        int anonymousQuantity = 1 + Math.min(8, rnd.geometric(0.5));
        long anonymousMargin = Math.round(anonymousCents * rnd.uniform(0.25, 0.40));
        String anonymousId = DemoFormats.opaqueId(
            TX_PREFIX, pop.idKey, DemoFormats.TAG_ANONYMOUS_SALE, person.index, anonymousSequence++);
        goodRow(anonymousId, null, anonymousTs, anonymousCents, DemoPerson.CHANNELS[DemoPerson.STORE],
            anonymousStore, anonymousQuantity, anonymousMargin);
      }
    }

    private void goodRow(String id, String ref, long ts, long cents, String channel, String store,
        int quantity, long margin) {
      out.add(row(id, ref, DemoFormats.csvTimestamp(ts), DemoFormats.amount(cents), channel, store,
          quantity, DemoFormats.amount(margin), null));
      if (rnd.chance(spec.badRowRate())) {
        badRow(id, ref, ts, cents, channel, store, quantity, margin);
      }
    }

    private void badRow(String id, String ref, long ts, long cents, String channel, String store,
        int quantity, long margin) {
      BadRowKind kind = BAD_KINDS[rnd.nextInt(BAD_KINDS.length)];
      String newId = DemoFormats.opaqueId(TX_PREFIX, pop.idKey, DemoFormats.TAG_TRANSACTION, person.index, sequence++);
      String tsText = DemoFormats.csvTimestamp(ts);
      String amountText = DemoFormats.amount(cents);
      String marginText = DemoFormats.amount(margin);
      switch (kind) {
        case UNPARSABLE_AMOUNT -> {
          long abs = Math.abs(cents);
          String text = (cents < 0 ? "-" : "") + (abs / 100) + "," + (abs % 100) / 10 + "x";
          out.add(row(newId, ref, tsText, text, channel, store, quantity, marginText, kind));
        }
        case TS_AFTER_END -> {
          long late = pop.endEpochSecond + 1 + rnd.nextLong(30L * 86_400L);
          out.add(row(newId, ref, DemoFormats.csvTimestamp(late), amountText, channel, store, quantity,
              marginText, kind));
        }
        case DUPLICATE_ID -> {
          long other = cents + Long.signum(cents) * (1 + rnd.nextLong(Math.max(1L, Math.abs(cents))));
          long otherTs = Math.min(pop.endEpochSecond, ts + 60 + rnd.nextInt(3600));
          out.add(row(id, ref, DemoFormats.csvTimestamp(otherTs), DemoFormats.amount(other), channel, store,
              quantity, marginText, kind));
        }
        case MISSING_FIELD -> {
          int missing = rnd.nextInt(4);
          out.add(row(missing == 0 ? null : newId, ref, missing == 1 ? null : tsText,
              missing == 2 ? null : amountText, missing == 3 ? null : channel, store, quantity, marginText, kind));
        }
        default -> throw new IllegalStateException("not a transaction bad-row kind: " + kind);
      }
    }

    private static Row row(String id, String ref, String ts, String amount, String channel, String store,
        int quantity, String margin, BadRowKind kind) {
      return RowFactory.create(id, ref, ts, amount, channel, store, quantity, margin, CURRENCY,
          kind == null ? null : kind.code());
    }
  }
}
