package io.centraal.scoring.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigObject;
import io.centraal.scoring.demo.DemoSpec;
import io.centraal.scoring.features.FeatureSettings;
import io.centraal.scoring.features.PurchaseRule;
import io.centraal.scoring.features.ReferralSettings;
import io.centraal.scoring.features.TimeUnit;
import io.centraal.scoring.io.DataPaths;
import io.centraal.scoring.export.JdbcSettings;
import io.centraal.scoring.export.MarketingKey;
import io.centraal.scoring.privacy.PrivacySettings;
import io.centraal.scoring.model.btyd.ClvSettings;
import io.centraal.scoring.model.churn.ChurnTraining;
import io.centraal.scoring.model.btyd.FitOptions;
import io.centraal.scoring.model.btyd.TransactionModelChoice;
import io.centraal.scoring.model.btyd.TransactionModelKind;
import io.centraal.scoring.model.btyd.ClvSettings.Discounting;
import io.centraal.scoring.model.influence.AdvocacySettings;
import io.centraal.scoring.model.influence.InfluenceSettings;
import io.centraal.scoring.model.influence.InfluenceTraining;
import io.centraal.scoring.model.influence.ValueQuadrantSettings;
import io.centraal.scoring.model.rfm.RfmSegmentRule;
import io.centraal.scoring.model.rfm.RfmSettings;
import io.centraal.scoring.schema.ScoreColumns;
import io.centraal.scoring.schema.SourceContract;
import io.centraal.scoring.schema.SourceContracts;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import io.centraal.scoring.io.SourceSettings;
import io.centraal.scoring.run.InvalidConfigException;

/**
 * Every setting a job needs, typed and validated eagerly from the resolved config: a job never
 * reads a raw {@link Config}.
 * Built once in {@code main}; a bad value fails before Spark starts.
 */
public record CentraalSettings(
    DataPaths paths,
    TimeUnit timeUnit,
    Map<String, SourceSettings> sources,
    Ingest ingest,
    FeatureSettings features,
    Clv clv,
    ChurnTraining.Settings churn,
    RfmSettings rfm,
    AdvocacySettings advocacy,
    InfluenceSettings influence,
    InfluenceTraining.Settings influenceTraining,
    PageRank pageRank,
    ValueQuadrantSettings value,
    Export export,
    PrivacySettings privacy,
    DemoSpec demo) {

  public record Ingest(double maxRejectShare, LocalDate timestampFloor, List<String> currencies,
                       int ratingMin, int ratingMax, double maxAbsAmount, ExtraColumns extraColumns) {}

  /** What ingest does with a source's columns that no mapping uses ({@code centraal.ingest.extra-columns}). */
  public enum ExtraColumns { IGNORE, KEEP }

  /** What a run does when a CLV model cannot be trusted ({@code score.clv.on-unidentified}). */
  public enum OnUnidentified { DEGRADE, FAIL }

  /**
   * CLV settings ({@code centraal.score.clv}). The horizon is {@code horizonPeriods} periods of
   * {@code periodDays} days, discounted at {@code discountRatePerPeriod} per period.
   */
  public record Clv(TransactionModelChoice model, OnUnidentified onUnidentified, String horizonLabel, int horizonPeriods, double periodDays,
                    double discountRatePerPeriod, Discounting discounting, boolean onMargin, double l2Penalty,
                    long minRepeatBuyers, int maxIterations, double gradientTolerance) {

    /** How the BTYD models are fitted. */
    public FitOptions fitOptions(TimeUnit unit) {
      return new FitOptions(l2Penalty, minRepeatBuyers, maxIterations, gradientTolerance,
          unit.name().toLowerCase(java.util.Locale.ROOT));
    }

    /** The model library's settings, in the model time unit. */
    public ClvSettings toClvSettings(TimeUnit unit) {
      double period = periodDays / unit.days;
      return new ClvSettings(horizonLabel, horizonPeriods * period, period, discountRatePerPeriod, discounting,
          onMargin);
    }
  }

  /** PageRank on the follow graph. */
  public record PageRank(double resetProbability, int iterations) {}

  /**
   * Export settings ({@code centraal.export}): marketing drop formats and key, and the JDBC export.
   *
   * @param marketingKey which customer identifier the marketing drop carries
   */
  public record Export(List<String> marketingFormats, MarketingKey marketingKey, JdbcSettings jdbc) {}

  /** Builds the typed settings from a config loaded by {@link ConfigLoader}. */
  public static CentraalSettings from(Config root) {
    Config c = root.getConfig(ConfigLoader.ROOT);
    try {
      Map<String, SourceSettings> sources = new LinkedHashMap<>();
      for (SourceContract contract : SourceContracts.ALL) {
        sources.put(contract.name(), source(c.getConfig("sources." + contract.name()), contract));
      }
      return new CentraalSettings(
          new DataPaths(c.getString("paths.data-dir")),
          enumValue(c, "time-unit", TimeUnit.class),
          Map.copyOf(sources),
          new Ingest(fraction(c, "ingest.max-reject-share"), date(c, "ingest.timestamp-floor"),
              List.copyOf(c.getStringList("ingest.currencies")), c.getInt("ingest.rating-min"),
              c.getInt("ingest.rating-max"), positive(c, "ingest.max-abs-amount"),
              enumValue(c, "ingest.extra-columns", ExtraColumns.class)),
          new FeatureSettings(enumValue(c, "time-unit", TimeUnit.class),
              enumValue(c, "features.purchase-rule", PurchaseRule.class),
              positive(c, "features.review-half-life-days"), referrals(c),
              c.getInt("score.advocacy.promoter-min"), c.getInt("score.advocacy.passive-min") - 1,
              c.getBoolean("consent.default-profiling-allowed"), c.getBoolean("consent.default-marketing-allowed")),
          new Clv(modelChoice(c), enumValue(c, "score.clv.on-unidentified", OnUnidentified.class),
              c.getString("score.clv.horizon-label"),
              (int) positive(c, "score.clv.horizon-periods"), positive(c, "score.clv.period-days"),
              fraction(c, "score.clv.discount-rate"), enumValue(c, "score.clv.discounting", Discounting.class),
              c.getBoolean("score.clv.on-margin"), c.getDouble("score.clv.l2-penalty"),
              c.getLong("score.clv.min-repeat-buyers"), c.getInt("score.clv.max-iterations"),
              positive(c, "score.clv.gradient-tolerance")),
          new ChurnTraining.Settings((int) positive(c, "score.churn.window-days"),
              c.getInt("score.churn.min-class-examples"), c.getInt("score.churn.max-iter"),
              c.getDouble("score.churn.reg-param"), holdoutShare(c), calibrationShare(c),
              classWeights(c.getString("score.churn.class-weights")), fraction(c, "score.churn.band-medium"),
              fraction(c, "score.churn.band-high"), c.getLong("score.churn.seed")),
          rfm(c),
          advocacy(c),
          new InfluenceSettings(
              new InfluenceSettings.ComponentWeights(c.getDouble("score.influence.weights.reviews"),
                  c.getDouble("score.influence.weights.reach"), c.getDouble("score.influence.weights.referrals"),
                  c.getDouble("score.influence.weights.advocacy")),
              new InfluenceSettings.ReviewWeights(c.getDouble("score.influence.review-weights.frequency"),
                  c.getDouble("score.influence.review-weights.helpfulness"),
                  c.getDouble("score.influence.review-weights.substance"),
                  c.getDouble("score.influence.review-weights.extremity"),
                  c.getDouble("score.influence.review-weights.verified")),
              new InfluenceSettings.ReachWeights(c.getDouble("score.influence.reach-weights.audience"),
                  c.getDouble("score.influence.reach-weights.followers"),
                  c.getDouble("score.influence.reach-weights.pagerank")),
              new InfluenceSettings.ReferralWeights(c.getDouble("score.influence.referral-weights.visitors"),
                  c.getDouble("score.influence.referral-weights.customers"),
                  c.getDouble("score.influence.referral-weights.value")),
              c.getDouble("score.influence.helpfulness-z"), c.getDouble("score.influence.tier-high"),
              c.getDouble("score.influence.tier-medium")),
          influenceTraining(c),
          new PageRank(fraction(c, "score.influence.pagerank-reset-probability"),
              (int) positive(c, "score.influence.pagerank-iterations")),
          new ValueQuadrantSettings(
              ScoreColumns.clv(c.getString("score.clv.horizon-label")), fraction(c, "score.value.clv-tier-high"),
              fraction(c, "score.value.clv-tier-medium"), c.getDouble("score.value.high-influence-min"),
              fraction(c, "score.value.churn-risk-flag")),
          new Export(List.copyOf(c.getStringList("export.marketing-formats")),
              enumValue(c, "export.marketing.key", MarketingKey.class),
              new JdbcSettings(c.getBoolean("export.jdbc.enabled"), c.getString("export.jdbc.url"),
                  c.getString("export.jdbc.user"), c.getString("export.jdbc.table"), c.getInt("export.jdbc.batch-size"))),
          new PrivacySettings(c.getString("privacy.email-hash-key-env"), c.getString("privacy.pseudonym-key-env"),
              List.copyOf(c.getStringList("privacy.email-link-types")),
              c.getBoolean("privacy.ephemeral-keys"), (int) positive(c, "privacy.clickstream-retention-months"),
              nonNegative(c, "privacy.retention-vacuum-hours"), nonNegative(c, "privacy.erasure-vacuum-hours")),
          DemoSpec.fromConfig(c.getConfig("demo")));
    } catch (ConfigException e) {
      throw new InvalidConfigException("invalid config: " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      // A stage's settings record rejected a combination of values (its message names them).
      throw new InvalidConfigException("invalid config: " + e.getMessage(), e);
    }
  }

  /** {@code score.clv.model}: auto over {@code score.clv.candidates}, or one named model. */
  private static TransactionModelChoice modelChoice(Config c) {
    if (c.getString("score.clv.model").equalsIgnoreCase("auto")) {
      List<TransactionModelKind> candidates = new java.util.ArrayList<>();
      for (String name : c.getStringList("score.clv.candidates")) {
        candidates.add(transactionModel("score.clv.candidates", name));
      }
      return TransactionModelChoice.auto(candidates.stream().distinct().toList());
    }
    return TransactionModelChoice.of(transactionModel("score.clv.model", c.getString("score.clv.model")));
  }

  private static TransactionModelKind transactionModel(String path, String value) {
    try {
      return TransactionModelKind.valueOf(value.toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException("centraal." + path + ": '" + value + "' is not one of auto, "
          + String.join(", ", java.util.Arrays.stream(TransactionModelKind.values())
              .map(TransactionModelKind::configName).toList()));
    }
  }

  private static RfmSettings rfm(Config c) {
    List<RfmSegmentRule> rules = new java.util.ArrayList<>();
    for (Config rule : c.getConfigList("score.rfm.segments")) {
      List<Integer> r = rule.getIntList("r");
      List<Double> fm = rule.getDoubleList("fm");
      if (r.size() != 2 || fm.size() != 2) {
        throw new InvalidConfigException("centraal.score.rfm.segments (" + rule.origin().description()
            + "): r and fm must be [min, max]");
      }
      rules.add(new RfmSegmentRule(rule.getString("segment"), r.get(0), r.get(1), fm.get(0), fm.get(1)));
    }
    return new RfmSettings(c.getInt("score.rfm.bins"), List.copyOf(rules), c.getString("score.rfm.no-purchase-segment"));
  }

  /** {@code score.influence.training}; a bad value names its key. */
  private static InfluenceTraining.Settings influenceTraining(Config c) {
    String k = "score.influence.training.";
    try {
      return new InfluenceTraining.Settings(c.getBoolean(k + "enabled"), c.getStringList(k + "outcomes"),
          (int) positive(c, k + "window-days"), fraction(c, k + "holdout-share"), c.getLong(k + "min-training-rows"),
          c.getLong(k + "min-active-outcomes"), c.getDouble(k + "min-holdout-gain"), c.getInt(k + "precision-at-k"),
          c.getLong(k + "seed"));
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException("centraal." + k + "*: " + e.getMessage(), e);
    }
  }

  private static ReferralSettings referrals(Config c) {
    double window = c.getDouble("score.influence.referrals.window-days");
    if (!(window >= 0) || window != Math.rint(window)) {
      throw new InvalidConfigException("centraal.score.influence.referrals.window-days = " + window
          + " must be a whole number of days, 0 or more");
    }
    return new ReferralSettings((int) window, nonNegative(c, "score.influence.referrals.annual-discount-rate"),
        fraction(c, "score.influence.referrals.unknown-margin-rate"));
  }

  private static AdvocacySettings advocacy(Config c) {
    return new AdvocacySettings(c.getInt("ingest.rating-min"), c.getInt("ingest.rating-max"),
        c.getInt("score.advocacy.promoter-min"), c.getInt("score.advocacy.passive-min"));
  }

  private static SourceSettings source(Config s, SourceContract contract) {
    String format = s.getString("format");
    if (!List.of("csv", "json", "parquet", "delta", "whitespace").contains(format)) {
      throw new InvalidConfigException("centraal.sources." + contract.name() + ".format: '" + format
          + "' is not one of csv, json, parquet, delta, whitespace");
    }
    Map<String, String> columns = strings(s, "columns");
    Map<String, String> constants = strings(s, "constants");
    Map<String, String> expressions = strings(s, "expressions");
    for (Map<String, String> m : List.of(columns, constants, expressions)) {
      for (String field : m.keySet()) {
        if (contract.fields().stream().noneMatch(f -> f.name().equals(field))) {
          throw new InvalidConfigException("centraal.sources." + contract.name() + ": '" + field
              + "' is not a field of the " + contract.name() + " contract; fields are "
              + contract.fields().stream().map(SourceContract.Field::name).toList());
        }
      }
    }
    return new SourceSettings(contract.name(), s.getBoolean("enabled"), format, s.getString("path"),
        strings(s, "options"), columns, constants, expressions, s.getString("timestamp-format"));
  }

  private static Map<String, String> strings(Config s, String path) {
    ConfigObject obj = s.getObject(path);
    Map<String, String> out = new TreeMap<>();
    obj.keySet().forEach(k -> out.put(k, String.valueOf(obj.get(k).unwrapped())));
    return Map.copyOf(out);
  }

  private static <E extends Enum<E>> E enumValue(Config c, String path, Class<E> type) {
    String value = c.getString(path);
    try {
      return Enum.valueOf(type, value.toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException("centraal." + path + ": '" + value + "' is not one of "
          + java.util.Arrays.toString(type.getEnumConstants()).toLowerCase(java.util.Locale.ROOT));
    }
  }

  private static double fraction(Config c, String path) {
    double v = c.getDouble(path);
    if (!(v >= 0 && v <= 1)) {
      throw new InvalidConfigException("centraal." + path + " = " + v + " must be between 0 and 1");
    }
    return v;
  }

  private static boolean classWeights(String v) {
    return switch (v) {
      case "balanced" -> true;
      case "none" -> false;
      default -> throw new InvalidConfigException(
          "centraal.score.churn.class-weights: '" + v + "' is not one of [balanced, none]");
    };
  }

  /** Between 5% and half of the labelled rows: fewer cannot measure the model, more starve its training. */
  private static double holdoutShare(Config c) {
    double v = c.getDouble("score.churn.holdout-share");
    if (!(v >= 0.05 && v <= 0.5)) {
      throw new InvalidConfigException("centraal.score.churn.holdout-share = " + v + " must be between 0.05 and 0.5");
    }
    return v;
  }

  /** At most half the labelled rows: the rest trains the model and measures it. */
  private static double calibrationShare(Config c) {
    double v = c.getDouble("score.churn.calibration-share");
    if (!(v >= 0 && v <= 0.5)) {
      throw new InvalidConfigException("centraal.score.churn.calibration-share = " + v + " must be between 0 and 0.5");
    }
    return v;
  }

  private static double positive(Config c, String path) {
    double v = c.getDouble(path);
    if (!(v > 0)) {
      throw new InvalidConfigException("centraal." + path + " = " + v + " must be positive");
    }
    return v;
  }

  private static double nonNegative(Config c, String path) {
    double v = c.getDouble(path);
    if (!(v >= 0)) {
      throw new InvalidConfigException("centraal." + path + " = " + v + " must be zero or positive");
    }
    return v;
  }

  private static LocalDate date(Config c, String path) {
    String v = c.getString(path);
    try {
      return LocalDate.parse(v);
    } catch (DateTimeParseException e) {
      throw new InvalidConfigException("centraal." + path + " = '" + v + "' is not a date (yyyy-MM-dd)");
    }
  }
}
