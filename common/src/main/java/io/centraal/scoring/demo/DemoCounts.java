package io.centraal.scoring.demo;

import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;

/**
 * Counts the rows of every table, and the bad rows per kind, for a partition of persons by
 * running the same generators again (the clickstream without building its rows). Summed with an
 * RDD reduce (an action), so the counts are exact however tasks are retried: no accumulators.
 *
 * <p>Layout of the returned vector: one slot per table in {@link DemoTables#ALL} order, then the
 * {@link BadRowKind}s of transactions, then those of reviews.
 */
final class DemoCounts implements FlatMapFunction<Iterator<Long>, long[]> {
  private static final long serialVersionUID = 1L;
  static final int TABLES = DemoTables.ALL.size();
  static final int KINDS = BadRowKind.values().length;
  static final int SIZE = TABLES + 2 * KINDS;

  private final DemoPopulation pop;

  DemoCounts(DemoPopulation pop) {
    this.pop = pop;
  }

  static int table(String table) {
    return DemoTables.ALL.indexOf(table);
  }

  static int bad(String table, BadRowKind kind) {
    return TABLES + (table.equals(DemoTables.TRANSACTIONS) ? 0 : KINDS) + kind.ordinal();
  }

  static long[] sum(long[] a, long[] b) {
    long[] out = new long[SIZE];
    for (int i = 0; i < SIZE; i++) {
      out[i] = a[i] + b[i];
    }
    return out;
  }

  @Override
  public Iterator<long[]> call(Iterator<Long> persons) {
    DemoTransactions transactions = new DemoTransactions(pop);
    DemoReviews reviews = new DemoReviews(pop);
    DemoClickstream clickstream = new DemoClickstream(pop);
    DemoSocial.IdentityLinks links = new DemoSocial.IdentityLinks(pop);
    DemoSocial.Follows follows = new DemoSocial.Follows(pop);
    DemoSocial.Audience audience = new DemoSocial.Audience(pop);
    DemoConsent consent = new DemoConsent(pop);
    long[] c = new long[SIZE];
    while (persons.hasNext()) {
      DemoPerson p = DemoPerson.simulate(pop, persons.next());
      withBadRows(c, DemoTables.TRANSACTIONS, transactions.rows(p));
      withBadRows(c, DemoTables.REVIEWS, reviews.rows(p));
      c[table(DemoTables.CLICKSTREAM)] += clickstream.count(p);
      c[table(DemoTables.IDENTITY_LINKS)] += links.rows(p).size();
      c[table(DemoTables.FOLLOWS)] += follows.rows(p).size();
      c[table(DemoTables.AUDIENCE)] += audience.rows(p).size();
      c[table(DemoTables.CONSENT)] += consent.rows(p).size();
      c[table(DemoTables.TRUTH)] += 1;
    }
    return Collections.singletonList(c).iterator();
  }

  private static void withBadRows(long[] c, String table, List<Row> rows) {
    c[table(table)] += rows.size();
    for (Row r : rows) {
      int last = r.length() - 1;
      if (!r.isNullAt(last)) {
        c[bad(table, BadRowKind.valueOf(r.getString(last).toUpperCase(java.util.Locale.ROOT)))]++;
      }
    }
  }
}
