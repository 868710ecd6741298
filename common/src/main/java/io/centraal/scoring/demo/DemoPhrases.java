package io.centraal.scoring.demo;

/**
 * A small built-in phrase bank for review texts, in English and Dutch. Sentiment matches the
 * rating: 4-5 positive, 3 neutral, 1-2 negative. Long reviews (planted influencers) mix sentiment
 * sentences with descriptive detail sentences.
 */
final class DemoPhrases {
  private DemoPhrases() {}

  private static final String[] EN_POSITIVE = {
      "Great product, exactly what I was looking for.",
      "Excellent quality for the price.",
      "I love it and use it every day.",
      "Delivery was fast and everything works perfectly.",
      "Highly recommended to everyone.",
      "Very happy with this purchase.",
      "Better than I expected, really well made.",
      "Fantastic value, I would buy it again."};
  private static final String[] EN_NEUTRAL = {
      "It is okay, nothing special.",
      "Does what it says, but the finish could be better.",
      "Average quality for an average price.",
      "Fine for occasional use.",
      "Some things are good, some are not.",
      "Decent, although the instructions were unclear."};
  private static final String[] EN_NEGATIVE = {
      "Disappointing, it broke after a week.",
      "Poor quality, I would not recommend it.",
      "Not worth the money.",
      "It arrived damaged and support was slow.",
      "Does not work as advertised.",
      "I returned it, very unhappy."};
  private static final String[] EN_DETAIL = {
      "I tested it for two weeks before writing this review.",
      "The size is true to the description.",
      "Battery life and build are what you would expect in this range.",
      "I compared it with two similar products from other brands.",
      "Setting it up took about ten minutes.",
      "The colour looks slightly different than in the photos.",
      "I use it mostly at home and sometimes when travelling.",
      "The packaging was minimal and recyclable."};

  private static final String[] NL_POSITIVE = {
      "Geweldig product, precies wat ik zocht.",
      "Uitstekende kwaliteit voor deze prijs.",
      "Ik ben er heel blij mee en gebruik het elke dag.",
      "Snel geleverd en alles werkt perfect.",
      "Een aanrader voor iedereen.",
      "Zeer tevreden met deze aankoop.",
      "Beter dan verwacht, echt goed gemaakt.",
      "Prima prijs-kwaliteitverhouding, ik zou het opnieuw kopen."};
  private static final String[] NL_NEUTRAL = {
      "Het is oké, niets bijzonders.",
      "Doet wat het belooft, maar de afwerking kan beter.",
      "Gemiddelde kwaliteit voor een gemiddelde prijs.",
      "Prima voor af en toe.",
      "Sommige dingen zijn goed, andere niet.",
      "Redelijk, al was de handleiding onduidelijk."};
  private static final String[] NL_NEGATIVE = {
      "Teleurstellend, na een week kapot.",
      "Slechte kwaliteit, ik raad het niet aan.",
      "Het geld niet waard.",
      "Beschadigd aangekomen en de klantenservice was traag.",
      "Werkt niet zoals beloofd.",
      "Ik heb het teruggestuurd, erg ontevreden."};
  private static final String[] NL_DETAIL = {
      "Ik heb het twee weken getest voordat ik deze review schreef.",
      "De maat klopt met de beschrijving.",
      "Accuduur en afwerking zijn wat je in deze prijsklasse mag verwachten.",
      "Ik heb het vergeleken met twee vergelijkbare producten van andere merken.",
      "Het installeren duurde ongeveer tien minuten.",
      "De kleur is iets anders dan op de foto's.",
      "Ik gebruik het vooral thuis en soms op reis.",
      "De verpakking was minimaal en recyclebaar."};

  /**
   * A review text of {@code sentences} sentences (null for 0): the first carries the rating's
   * sentiment; in long texts (4+) every other following sentence is a detail sentence. Sentences
   * are drawn without repetition.
   */
  static String text(boolean english, int rating, int sentences, DemoRandom rnd) {
    if (sentences <= 0) {
      return null;
    }
    String[] sentiment = rating >= 4 ? (english ? EN_POSITIVE : NL_POSITIVE)
        : rating == 3 ? (english ? EN_NEUTRAL : NL_NEUTRAL)
        : (english ? EN_NEGATIVE : NL_NEGATIVE);
    String[] detail = english ? EN_DETAIL : NL_DETAIL;
    int[] sentimentOrder = order(sentiment.length);
    int[] detailOrder = order(detail.length);
    int usedSentiment = 0;
    int usedDetail = 0;
    StringBuilder sb = new StringBuilder();
    for (int s = 0; s < sentences; s++) {
      boolean isDetail = sentences >= 4 && s % 2 == 1;
      String sentence = isDetail
          ? draw(detail, detailOrder, usedDetail++, rnd)
          : draw(sentiment, sentimentOrder, usedSentiment++, rnd);
      if (s > 0) {
        sb.append(' ');
      }
      sb.append(sentence);
    }
    return sb.toString();
  }

  private static int[] order(int n) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    return order;
  }

  /** Step {@code used} of a partial Fisher-Yates shuffle: the next unused sentence of the bank. */
  private static String draw(String[] bank, int[] order, int used, DemoRandom rnd) {
    int k = used % bank.length;
    int j = k + rnd.nextInt(bank.length - k);
    int tmp = order[k];
    order[k] = order[j];
    order[j] = tmp;
    return bank[order[k]];
  }
}
