package io.centraal.scoring.demo;

import java.time.LocalDate;

/**
 * Text formats of the generated exports, written by hand because they run once per output value
 * (tens of millions of times): references, opaque ids, timestamps and amounts.
 */
final class DemoFormats {
  private DemoFormats() {}

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  /** Id-space tags: opaque ids of different kinds never collide because the tag is part of the key. */
  static final int TAG_TRANSACTION = 1;
  static final int TAG_ANONYMOUS_SALE = 2;
  static final int TAG_EVENT = 3;
  static final int TAG_SESSION = 4;
  static final int TAG_COOKIE = 5;
  static final int TAG_VISITOR_COOKIE = 6;
  static final int TAG_REVIEW = 7;
  static final int TAG_EMAIL = 8;

  /** Persons are numbered below 2^36 and sequence numbers below 2^22 within one person and tag. */
  static final long MAX_PERSONS = 1L << 36;
  static final long MAX_SEQUENCE = 1L << 22;

  /** A reference such as {@code L00000042}: a letter and at least eight digits. */
  static String ref(char prefix, long number) {
    String digits = Long.toString(number);
    StringBuilder sb = new StringBuilder(Math.max(9, digits.length() + 1)).append(prefix);
    for (int i = digits.length(); i < 8; i++) {
      sb.append('0');
    }
    return sb.append(digits).toString();
  }

  /**
   * An opaque, unique id {@code <prefix><16 hex>}: a keyed 64-bit bijection of (tag, person,
   * sequence), so ids are unique without coordination and reveal nothing about the person.
   */
  static String opaqueId(String prefix, long key, int tag, long person, long sequence) {
    if (sequence >= MAX_SEQUENCE) {
      throw new IllegalStateException("sequence " + sequence + " of person " + person + " too large");
    }
    long v = ((long) tag << 58) | (person << 22) | sequence;
    long h = DemoRandom.mix64(v ^ key);
    char[] out = new char[prefix.length() + 16];
    prefix.getChars(0, prefix.length(), out, 0);
    for (int i = 0; i < 16; i++) {
      out[prefix.length() + i] = HEX[(int) ((h >>> (60 - 4 * i)) & 0xF)];
    }
    return new String(out);
  }

  /** {@code yyyy-MM-dd HH:mm:ss} (UTC) of an epoch second, as in the CSV exports. */
  static String csvTimestamp(long epochSecond) {
    return timestamp(epochSecond, ' ', false);
  }

  /** {@code yyyy-MM-dd'T'HH:mm:ss'Z'} (UTC) of an epoch second, as in the JSON exports. */
  static String isoTimestamp(long epochSecond) {
    return timestamp(epochSecond, 'T', true);
  }

  private static String timestamp(long epochSecond, char separator, boolean zulu) {
    long day = Math.floorDiv(epochSecond, 86_400L);
    int second = (int) Math.floorMod(epochSecond, 86_400L);
    LocalDate date = LocalDate.ofEpochDay(day);
    StringBuilder sb = new StringBuilder(20);
    int year = date.getYear();
    if (year < 1000) {
      sb.append(year < 10 ? "000" : year < 100 ? "00" : "0");
    }
    sb.append(year).append('-');
    two(sb, date.getMonthValue()).append('-');
    two(sb, date.getDayOfMonth()).append(separator);
    two(sb, second / 3600).append(':');
    two(sb, (second / 60) % 60).append(':');
    two(sb, second % 60);
    if (zulu) {
      sb.append('Z');
    }
    return sb.toString();
  }

  private static StringBuilder two(StringBuilder sb, int v) {
    if (v < 10) {
      sb.append('0');
    }
    return sb.append(v);
  }

  /** An amount in cents as {@code -12.30}: always two decimals, a dot, no grouping. */
  static String amount(long cents) {
    StringBuilder sb = new StringBuilder(12);
    if (cents < 0) {
      sb.append('-');
    }
    long abs = Math.abs(cents);
    sb.append(abs / 100).append('.');
    return two(sb, (int) (abs % 100)).toString();
  }

  /** A store id {@code S001}.. (1-based, at least three digits). */
  static String storeId(int index) {
    return padded('S', index + 1, 3);
  }

  /** A product id {@code P000001}.. (1-based, at least six digits). */
  static String productId(int index) {
    return padded('P', index + 1, 6);
  }

  private static String padded(char prefix, long number, int width) {
    String digits = Long.toString(number);
    StringBuilder sb = new StringBuilder(width + 1).append(prefix);
    for (int i = digits.length(); i < width; i++) {
      sb.append('0');
    }
    return sb.append(digits).toString();
  }
}
