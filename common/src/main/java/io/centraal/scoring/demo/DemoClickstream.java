package io.centraal.scoring.demo;

import io.centraal.scoring.demo.DemoInfluence.Referral;
import io.centraal.scoring.demo.DemoPopulation.Segment;
import io.centraal.scoring.schema.InputColumns.Clickstream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Clickstream events of one person with an online account (stream CLICKSTREAM), in the column
 * order of {@link DemoSchemas#CLICKSTREAM}.
 *
 * <p><b>Web activity reflects the person's state</b> (so online behaviour carries churn signal
 * beyond the purchase history, as it does in real shops):
 * <ul>
 *   <li>Alive customers keep visiting: browsing sessions are a Poisson process with rate
 *       sessionsPerPurchase * lambda per day over the online life (planted influencers at least
 *       0.15 a day), whether or not they buy, so a live but slow buyer still shows recent visits.</li>
 *   <li>Visits lead purchases: before every purchase (store or online), Poisson(2) research
 *       sessions at the purchase time - Exp(mean 14 days), with add_to_cart twice as likely (0.5 per
 *       product view); an imminent purchase shows as recent visits and cart adds.</li>
 *   <li>Disengagement precedes the dropout: a person who drops out (the BG/NBD death time, right
 *       after the last purchase; planted influencers excepted) loses interest first. Engagement
 *       e(t) falls linearly from 1 at dropout - F to 0 at dropout - 14 days, F ~ U(4, 8) weeks;
 *       browsing and research sessions at time t are kept with probability e(t) (Poisson thinning)
 *       and their add_to_cart probability is scaled by e(t). So sessions, product views and cart
 *       adds thin out and stop two weeks before the dropout; only the order session of a last online
 *       purchase remains. Nothing follows the dropout.</li>
 * </ul>
 *
 * <p>Session content: a session is logged in with probability 0.75 (else only the device cookie),
 * on one of the person's 1-3 devices: page_view, a search (p 0.4), 1 + Geom(mean 1.5) product_views
 * of Zipf-popular products, each followed by add_to_cart with p 0.25 (research sessions 0.5);
 * events 5 s + Exp(mean 40 s) apart; a session stops at the end of the window.
 * <ul>
 *   <li>Shares: with the segment's share probability a browsing session ends with a share (logged
 *       in) of the last product viewed; each share brings Poisson(visitors per share) anonymous
 *       visitors (a fresh cookie each) 1 minute + Exp(mean 12 h) later, whose landing product_view
 *       carries referrer_ref = the sharer's account, followed by Geom(mean 1) more page/product views.</li>
 *   <li>Online purchases (web/app): a logged-in session 2-32 minutes before the purchase:
 *       page_view, product_views, add_to_cart.</li>
 *   <li>Referred persons: the referrer's share event (on the referrer's first cookie), then this
 *       person's landing product_view on their first cookie with referrer_ref set and no user_ref,
 *       then 1-3 events logged in as the new account (sign-up).</li>
 * </ul>
 */
final class DemoClickstream implements FlatMapFunction<Long, Row> {
  private static final long serialVersionUID = 1L;
  /** Engagement reaches 0 this many days before the dropout. */
  static final double STOP_BEFORE_DROPOUT_DAYS = 14.0;
  /** Engagement starts to fall U(min, max) days before the dropout. */
  static final double FADE_MIN_DAYS = 28.0;
  static final double FADE_MAX_DAYS = 56.0;
  /** Research sessions before a purchase: Poisson mean, and mean days ahead of the purchase. */
  static final double RESEARCH_SESSIONS = 2.0;
  static final double RESEARCH_LEAD_DAYS = 14.0;
  static final double CART_ADD = 0.25;
  static final double RESEARCH_CART_ADD = 0.5;
  static final double LOGGED_IN = 0.75;
  static final int MAX_SESSIONS = 50_000;
  static final String EVENT_PREFIX = "ev-";
  static final String SESSION_PREFIX = "se-";

  private final DemoPopulation pop;

  DemoClickstream(DemoPopulation pop) {
    this.pop = pop;
  }

  @Override
  public Iterator<Row> call(Long index) {
    return rows(DemoPerson.simulate(pop, index)).iterator();
  }

  /** The events of a simulated person. */
  List<Row> rows(DemoPerson person) {
    if (!person.hasAccount) {
      return Collections.emptyList();
    }
    PersonEvents events = new PersonEvents(pop, person, false);
    events.generate();
    return events.out;
  }

  /** The number of events of a simulated person, without building them (same random draws). */
  long count(DemoPerson person) {
    if (!person.hasAccount) {
      return 0L;
    }
    PersonEvents events = new PersonEvents(pop, person, true);
    events.generate();
    return events.count;
  }

  private static final class PersonEvents {
    private final DemoPopulation pop;
    private final DemoPerson person;
    private final DemoRandom rnd;
    private final String[] cookies;
    private final boolean countOnly;
    private final List<Row> out = new ArrayList<>();
    private long count;
    private long eventSequence;
    private long sessionSequence;
    private long visitorSequence;
    private int sessions;

    PersonEvents(DemoPopulation pop, DemoPerson person, boolean countOnly) {
      this.pop = pop;
      this.countOnly = countOnly;
      this.person = person;
      this.rnd = pop.stream(person.index, DemoPopulation.STREAM_CLICKSTREAM);
      this.cookies = new String[person.devices];
      for (int k = 0; k < person.devices; k++) {
        cookies[k] = pop.cookie(person.index, k);
      }
    }

    void generate() {
      referralLanding();
      boolean fades = person.dropped && person.segment != Segment.PLANTED_INFLUENCER;
      double fadeDays = FADE_MIN_DAYS + rnd.nextDouble() * (FADE_MAX_DAYS - FADE_MIN_DAYS);
      double rate = person.sessionRate(pop.spec);
      if (rate > 0.0) {
        double t = person.onlineStart;
        while (sessions < MAX_SESSIONS) {
          t += rnd.exponential(1.0 / rate);
          if (!(t < person.onlineEnd)) {
            break;
          }
          double e = fades ? engagement(t, fadeDays) : 1.0;
          if (e >= 1.0 || rnd.chance(e)) {
            browse(t, CART_ADD * e, true);
          }
        }
      }
      for (int k = 0; k < person.purchases; k++) {
        int research = rnd.poisson(RESEARCH_SESSIONS);
        for (int s = 0; s < research && sessions < MAX_SESSIONS; s++) {
          double at = person.times[k] - rnd.exponential(RESEARCH_LEAD_DAYS);
          double e = fades ? engagement(at, fadeDays) : 1.0;
          boolean kept = e >= 1.0 || rnd.chance(e);
          if (kept && at >= person.onlineStart && at >= 0.0) {
            browse(at, RESEARCH_CART_ADD * e, false);
          }
        }
      }
      for (int k = 0; k < person.purchases; k++) {
        if (person.channels[k] != DemoPerson.STORE) {
          purchaseSession(k);
        }
      }
    }

    /** Engagement at day t of a person who drops out: 1 until dropout - fadeDays, 0 from dropout - 14 days. */
    private double engagement(double t, double fadeDays) {
      double left = person.dropTime - STOP_BEFORE_DROPOUT_DAYS - t;
      return Math.max(0.0, Math.min(1.0, left / (fadeDays - STOP_BEFORE_DROPOUT_DAYS)));
    }

    private void referralLanding() {
      Referral referral = DemoInfluence.referral(pop, person);
      if (referral == null) {
        return;
      }
      String product = DemoFormats.productId(rnd.zipf(pop.spec.products()));
      event(newSession(), referral.shareEpoch(), Clickstream.SHARE, referral.referrerAccount(),
          referral.referrerCookie(), product, null);
      String session = newSession();
      long ts = person.referralVisitEpoch;
      event(session, ts, Clickstream.PRODUCT_VIEW, null, cookies[0], product, referral.referrerAccount());
      int more = 1 + rnd.nextInt(3);
      for (int e = 0; e < more; e++) {
        ts += gap();
        String type = e == 0 ? Clickstream.PAGE_VIEW : Clickstream.PRODUCT_VIEW;
        String viewed = e == 0 ? null : DemoFormats.productId(rnd.zipf(pop.spec.products()));
        if (!event(session, ts, type, person.accountRef, cookies[0], viewed, null)) {
          return;
        }
      }
    }

    /** A browsing (may end with a share) or research session at day t. */
    private void browse(double t, double cartAdd, boolean mayShare) {
      sessions++;
      int day = (int) Math.floor(t);
      long ts = pop.epochOf(day, DemoPerson.onlineSecond(rnd));
      String user = rnd.chance(LOGGED_IN) ? person.accountRef : null;
      String cookie = cookies[rnd.nextInt(cookies.length)];
      String session = newSession();
      if (!event(session, ts, Clickstream.PAGE_VIEW, user, cookie, null, null)) {
        return;
      }
      if (rnd.chance(0.4)) {
        ts += gap();
        if (!event(session, ts, Clickstream.SEARCH, user, cookie, null, null)) {
          return;
        }
      }
      int views = 1 + Math.min(30, rnd.geometric(1.5));
      String last = null;
      for (int v = 0; v < views; v++) {
        last = DemoFormats.productId(rnd.zipf(pop.spec.products()));
        ts += gap();
        if (!event(session, ts, Clickstream.PRODUCT_VIEW, user, cookie, last, null)) {
          return;
        }
        if (rnd.chance(cartAdd)) {
          ts += gap();
          if (!event(session, ts, Clickstream.ADD_TO_CART, user, cookie, last, null)) {
            return;
          }
        }
      }
      if (mayShare && rnd.chance(DemoInfluence.shareProbability(person.segment))) {
        ts += gap();
        if (event(session, ts, Clickstream.SHARE, person.accountRef, cookie, last, null)) {
          visitors(ts, last);
        }
      }
    }

    private void visitors(long shareTs, String product) {
      int n = rnd.poisson(DemoInfluence.visitorsPerShare(person.segment));
      for (int v = 0; v < n; v++) {
        long ts = shareTs + 60 + (long) rnd.exponential(DemoInfluence.SHARE_TO_VISIT_MEAN_SECONDS);
        int more = rnd.geometric(1.0);
        if (ts > pop.endEpochSecond) {
          continue;
        }
        String cookie = DemoFormats.opaqueId("c-", pop.idKey, DemoFormats.TAG_VISITOR_COOKIE,
            person.index, visitorSequence++);
        String session = newSession();
        event(session, ts, Clickstream.PRODUCT_VIEW, null, cookie, product, person.accountRef);
        for (int e = 0; e < more; e++) {
          ts += gap();
          boolean page = rnd.chance(0.5);
          String viewed = page ? null : DemoFormats.productId(rnd.zipf(pop.spec.products()));
          if (!event(session, ts, page ? Clickstream.PAGE_VIEW : Clickstream.PRODUCT_VIEW, null, cookie,
              viewed, null)) {
            break;
          }
        }
      }
    }

    private void purchaseSession(int k) {
      long ts = Math.max(pop.startEpochSecond, person.epochs[k] - 120 - rnd.nextInt(1800));
      String cookie = cookies[rnd.nextInt(cookies.length)];
      String session = newSession();
      event(session, ts, Clickstream.PAGE_VIEW, person.accountRef, cookie, null, null);
      int views = 1 + Math.min(10, rnd.geometric(1.0));
      String product = null;
      for (int v = 0; v < views; v++) {
        product = DemoFormats.productId(rnd.zipf(pop.spec.products()));
        ts = Math.min(person.epochs[k], ts + gap());
        event(session, ts, Clickstream.PRODUCT_VIEW, person.accountRef, cookie, product, null);
      }
      event(session, person.epochs[k], Clickstream.ADD_TO_CART, person.accountRef, cookie, product, null);
    }

    private long gap() {
      return 5 + (long) rnd.exponential(40.0);
    }

    private String newSession() {
      return DemoFormats.opaqueId(SESSION_PREFIX, pop.idKey, DemoFormats.TAG_SESSION, person.index,
          sessionSequence++);
    }

    /** Adds an event unless it would fall after the window; returns whether it was added. */
    private boolean event(String session, long ts, String type, String user, String cookie, String product,
        String referrer) {
      if (ts > pop.endEpochSecond) {
        return false;
      }
      count++;
      if (countOnly) {
        eventSequence++;
        return true;
      }
      String id = DemoFormats.opaqueId(EVENT_PREFIX, pop.idKey, DemoFormats.TAG_EVENT, person.index,
          eventSequence++);
      out.add(RowFactory.create(id, DemoFormats.isoTimestamp(ts), type, user, cookie, session, product, referrer));
      return true;
    }
  }
}
