package io.centraal.scoring.demo;

import java.math.BigDecimal;
import java.util.Collections;
import java.util.Iterator;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/** The ground-truth row of one person, in the column order of {@link DemoSchemas#TRUTH_GENERATED}. */
final class DemoTruth implements FlatMapFunction<Long, Row> {
  private static final long serialVersionUID = 1L;
  private final DemoPopulation pop;

  DemoTruth(DemoPopulation pop) {
    this.pop = pop;
  }

  @Override
  public Iterator<Row> call(Long index) {
    DemoPerson p = DemoPerson.simulate(pop, index);
    DemoInfluence.Referral referral = DemoInfluence.referral(pop, p);
    DemoConsent.Decision consent = DemoConsent.decide(pop, p);
    int startDay = (int) pop.spec.startDate().toEpochDay();
    Row row = RowFactory.create(
        (long) index,
        p.cardRef,
        p.accountRef,
        p.hasAccount ? pop.emailRef(index) : null,
        p.segment.code,
        p.channelProfile,
        p.lambda,
        p.dropoutP,
        p.nu,
        p.spendFactor * pop.spec.ggP() / p.nu,
        startDay + p.day(0),
        pop.days - p.t0,
        p.dropped ? Integer.valueOf(startDay + (int) Math.floor(p.dropTime)) : null,
        p.purchases,
        p.purchases - 1,
        p.purchaseDays(),
        BigDecimal.valueOf(p.totalCents(), 2),
        referral == null ? null : referral.referrerAccount(),
        consent.profiling,
        consent.marketing);
    return Collections.singletonList(row).iterator();
  }
}
