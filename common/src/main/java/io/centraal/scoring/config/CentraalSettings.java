package io.centraal.scoring.config;

import static io.centraal.scoring.run.ConfigValues.atLeastOne;
import static io.centraal.scoring.run.ConfigValues.date;
import static io.centraal.scoring.run.ConfigValues.enumValue;
import static io.centraal.scoring.run.ConfigValues.fraction;
import static io.centraal.scoring.run.ConfigValues.positive;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.centraal.scoring.demo.DemoSpec;
import io.centraal.scoring.export.JdbcSettings;
import io.centraal.scoring.export.MarketingKey;
import io.centraal.scoring.features.FeatureSettings;
import io.centraal.scoring.identity.IdentitySettings;
import io.centraal.scoring.features.TimeUnit;
import io.centraal.scoring.io.DataPaths;
import io.centraal.scoring.io.SourceSettings;
import io.centraal.scoring.model.btyd.ClvSettings.Discounting;
import io.centraal.scoring.model.btyd.ClvSettings;
import io.centraal.scoring.model.btyd.FitOptions;
import io.centraal.scoring.model.btyd.IntervalSettings;
import io.centraal.scoring.model.btyd.TransactionModelChoice;
import io.centraal.scoring.model.btyd.TransactionModelKind;
import io.centraal.scoring.model.churn.ChurnTraining;
import io.centraal.scoring.model.influence.AdvocacySettings;
import io.centraal.scoring.model.influence.InfluenceSettings;
import io.centraal.scoring.model.influence.InfluenceTraining;
import io.centraal.scoring.model.influence.ValueQuadrantSettings;
import io.centraal.scoring.model.rfm.RfmSettings;
import io.centraal.scoring.privacy.PrivacySettings;
import io.centraal.scoring.run.InvalidConfigException;
import io.centraal.scoring.schema.SourceContract;
import io.centraal.scoring.schema.SourceContracts;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
    IdentitySettings identity,
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
    DemoSpec demo,
    io.centraal.scoring.model.drift.DriftSettings drift,
    io.centraal.scoring.dq.GateSettings gates) {

  /** Validation rules of ingest ({@code centraal.ingest}). */
  public record Ingest(double maxRejectShare, LocalDate timestampFloor, List<String> currencies,
                       int ratingMin, int ratingMax, double maxAbsAmount, ExtraColumns extraColumns,
                       int concurrentSources, List<String> placeholderRefs) {
    /** {@code c} is the centraal block. */
    public static Ingest from(Config c) {
      return new Ingest(fraction(c, "ingest.max-reject-share"), date(c, "ingest.timestamp-floor"),
          List.copyOf(c.getStringList("ingest.currencies")), c.getInt("ingest.rating-min"),
          c.getInt("ingest.rating-max"), positive(c, "ingest.max-abs-amount"),
          enumValue(c, "ingest.extra-columns", ExtraColumns.class), atLeastOne(c, "ingest.concurrent-sources"),
          List.copyOf(c.getStringList("ingest.placeholder-refs")));
    }

    /**
     * The validation rules for rows up to {@code asOfDate}, ingested on {@code ingestDate}; the
     * user's unmapped columns kept when {@code keepExtraColumns}.
     */
    public io.centraal.scoring.dq.SourceValidator.Rules rules(LocalDate asOfDate, LocalDate ingestDate,
                                                             boolean keepExtraColumns) {
      return new io.centraal.scoring.dq.SourceValidator.Rules(asOfDate, ingestDate, timestampFloor, currencies,
          ratingMin, ratingMax, maxAbsAmount, keepExtraColumns, java.util.Set.copyOf(placeholderRefs));
    }
  }

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
                    long minRepeatBuyers, int maxIterations, double gradientTolerance, IntervalSettings intervals,
                    String fitBy, long fitByMinCustomers) {

    /** {@code centraal.score.clv}; {@code c} is the centraal block. */
    public static Clv from(Config c) {
      return new Clv(modelChoice(c), enumValue(c, "score.clv.on-unidentified", OnUnidentified.class),
          c.getString("score.clv.horizon-label"),
          (int) positive(c, "score.clv.horizon-periods"), positive(c, "score.clv.period-days"),
          fraction(c, "score.clv.discount-rate"), enumValue(c, "score.clv.discounting", Discounting.class),
          c.getBoolean("score.clv.on-margin"), c.getDouble("score.clv.l2-penalty"),
          c.getLong("score.clv.min-repeat-buyers"), c.getInt("score.clv.max-iterations"),
          positive(c, "score.clv.gradient-tolerance"), intervals(c), c.getString("score.clv.fit-by").trim(),
          c.getLong("score.clv.fit-by-min-customers"));
    }

    /** {@code score.clv.intervals}. */
    private static IntervalSettings intervals(Config c) {
      int replicates = c.getInt("score.clv.intervals.replicates");
      if (replicates < 0) {
        throw new InvalidConfigException("centraal.score.clv.intervals.replicates must be >= 0 (0 = no intervals), got "
            + replicates);
      }
      double lower = c.getDouble("score.clv.intervals.lower");
      double upper = c.getDouble("score.clv.intervals.upper");
      if (!(lower > 0 && lower < upper && upper < 1)) {
        throw new InvalidConfigException("centraal.score.clv.intervals: need 0 < lower < upper < 1, got lower = "
            + lower + ", upper = " + upper);
      }
      return new IntervalSettings(replicates, lower, upper, c.getLong("score.clv.intervals.seed"));
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
  public record PageRank(double resetProbability, int iterations) {
    /** {@code c} is the centraal block. */
    public static PageRank from(Config c) {
      return new PageRank(fraction(c, "score.influence.pagerank-reset-probability"),
          (int) positive(c, "score.influence.pagerank-iterations"));
    }
  }

  /**
   * Export settings ({@code centraal.export}): marketing drop formats and key, and the JDBC export.
   *
   * @param marketingKey which customer identifier the marketing drop carries
   */
  public record Export(List<String> marketingFormats, MarketingKey marketingKey, JdbcSettings jdbc) {
    /** {@code c} is the centraal block. */
    public static Export from(Config c) {
      return new Export(List.copyOf(c.getStringList("export.marketing-formats")),
          enumValue(c, "export.marketing.key", MarketingKey.class), JdbcSettings.from(c));
    }
  }

  /** Builds the typed settings from a config loaded by {@link ConfigLoader}: each section from its own block. */
  public static CentraalSettings from(Config root) {
    Config c = root.getConfig(ConfigLoader.ROOT);
    try {
      Map<String, SourceSettings> sources = new LinkedHashMap<>();
      for (SourceContract contract : SourceContracts.ALL) {
        sources.put(contract.name(), SourceSettings.from(c.getConfig("sources." + contract.name()), contract));
      }
      return new CentraalSettings(
          new DataPaths(c.getString("paths.data-dir")),
          enumValue(c, "time-unit", TimeUnit.class),
          Map.copyOf(sources),
          Ingest.from(c),
          IdentitySettings.from(c),
          FeatureSettings.from(c),
          Clv.from(c),
          ChurnTraining.Settings.from(c),
          RfmSettings.from(c),
          AdvocacySettings.from(c),
          InfluenceSettings.from(c),
          InfluenceTraining.Settings.from(c),
          PageRank.from(c),
          ValueQuadrantSettings.from(c),
          Export.from(c),
          PrivacySettings.from(c),
          DemoSpec.fromConfig(c.getConfig("demo")),
          io.centraal.scoring.model.drift.DriftSettings.from(c),
          io.centraal.scoring.dq.GateSettings.from(c));
    } catch (ConfigException e) {
      throw new InvalidConfigException("invalid config: " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      // A stage's settings record rejected a combination of values (its message names them).
      throw new InvalidConfigException("invalid config: " + e.getMessage(), e);
    }
  }
}
