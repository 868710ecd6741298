package io.centraal.scoring.run;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Typed, validated reads of the {@code centraal} config block, shared by each section's
 * {@code from(Config)}: a bad value fails with an {@link InvalidConfigException} naming its full key.
 */
public final class ConfigValues {
  private ConfigValues() {}

  /** A value in [0, 1]. */
  public static double fraction(Config c, String path) {
    double v = c.getDouble(path);
    if (!(v >= 0 && v <= 1)) {
      throw new InvalidConfigException("centraal." + path + " = " + v + " must be between 0 and 1");
    }
    return v;
  }

  public static double positive(Config c, String path) {
    double v = c.getDouble(path);
    if (!(v > 0)) {
      throw new InvalidConfigException("centraal." + path + " = " + v + " must be positive");
    }
    return v;
  }

  /** A whole number of at least 1 (a count of things done at once). */
  public static int atLeastOne(Config c, String path) {
    int v = c.getInt(path);
    if (v < 1) {
      throw new InvalidConfigException("centraal." + path + " = " + v + " must be at least 1");
    }
    return v;
  }

  public static double nonNegative(Config c, String path) {
    double v = c.getDouble(path);
    if (!(v >= 0)) {
      throw new InvalidConfigException("centraal." + path + " = " + v + " must be zero or positive");
    }
    return v;
  }

  /** A date written yyyy-MM-dd. */
  public static LocalDate date(Config c, String path) {
    String v = c.getString(path);
    try {
      return LocalDate.parse(v);
    } catch (DateTimeParseException e) {
      throw new InvalidConfigException("centraal." + path + " = '" + v + "' is not a date (yyyy-MM-dd)");
    }
  }

  /** An enum constant written in lower case with dashes ({@code net-positive} for NET_POSITIVE). */
  public static <E extends Enum<E>> E enumValue(Config c, String path, Class<E> type) {
    String value = c.getString(path);
    try {
      return Enum.valueOf(type, value.toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException("centraal." + path + ": '" + value + "' is not one of "
          + Arrays.toString(type.getEnumConstants()).toLowerCase(Locale.ROOT));
    }
  }

  /** An object of string values (a map), sorted by key. */
  public static Map<String, String> strings(Config s, String path) {
    ConfigObject obj = s.getObject(path);
    Map<String, String> out = new TreeMap<>();
    obj.keySet().forEach(k -> out.put(k, String.valueOf(obj.get(k).unwrapped())));
    return Map.copyOf(out);
  }
}
