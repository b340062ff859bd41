package io.outrigger.sidecar.metrics.exposition;

/**
 * The number grammars of the two formats, checked in place and read without a String where they can
 * be (most values are plain integers). Pure functions.
 *
 * <ul>
 *   <li>OpenMetrics 1.0 ABNF: {@code number = realnumber / [SIGN] ("inf" / "infinity") / "nan"},
 *       the words case-insensitive (RFC 5234 strings are); {@code timestamp = realnumber}.
 *   <li>Prometheus text 0.0.4: "value is a float ... as required by Go's ParseFloat" (decimal and
 *       hexadecimal floats, {@code inf}/{@code infinity} with a sign, {@code nan}, any case), and
 *       the timestamp "an int64" as ParseInt reads it.
 * </ul>
 *
 * Both: a number "MUST fit within the range of a 64-bit floating point value", so {@code 1e400} is
 * refused rather than read as infinity.
 */
final class Numbers {
  private Numbers() {}

  /** Returned by the readers when the text is not a number of the grammar. */
  static final double INVALID = Double.longBitsToDouble(0x7ff8dead0000beefL);

  /** True for the one NaN the readers return for "not a number of the grammar". */
  static boolean invalid(double value) {
    return Double.doubleToRawLongBits(value) == Double.doubleToRawLongBits(INVALID);
  }

  /** An OpenMetrics sample or exemplar value, or {@link #INVALID}. */
  static double openMetricsNumber(CharSequence text, int from, int to) {
    if (isDecimal(text, from, to)) {
      return decimal(text, from, to);
    }
    return word(text, from, to);
  }

  /** A text-format sample value (Go's ParseFloat), or {@link #INVALID}. */
  static double goFloat(CharSequence text, int from, int to) {
    if (isDecimal(text, from, to)) {
      return decimal(text, from, to);
    }
    if (isHexFloat(text, from, to)) {
      double value = Double.parseDouble(text.subSequence(from, to).toString());
      return Double.isInfinite(value) ? INVALID : value;
    }
    return word(text, from, to);
  }

  /** An OpenMetrics timestamp (seconds, a realnumber) in milliseconds, or null. */
  static Long openMetricsTimestamp(CharSequence text, int from, int to) {
    if (!isDecimal(text, from, to)) {
      return null;
    }
    double seconds = decimal(text, from, to);
    return invalid(seconds) ? null : Math.round(seconds * 1000);
  }

  /** A text-format timestamp (milliseconds, ParseInt base 10 into an int64), or null. */
  static Long goInt64(CharSequence text, int from, int to) {
    int i = from < to && (text.charAt(from) == '+' || text.charAt(from) == '-') ? from + 1 : from;
    if (i == to) {
      return null;
    }
    for (int j = i; j < to; j++) {
      if (!isDigit(text.charAt(j))) {
        return null; // ASCII digits only: Long.parseLong would take other scripts' digits
      }
    }
    try {
      return Long.parseLong(text.subSequence(from, to).toString());
    } catch (NumberFormatException outOfRange) {
      return null;
    }
  }

  /**
   * The realnumber grammar, {@code [SIGN] (1*DIGIT ["." *DIGIT] / *DIGIT "." 1*DIGIT) ["e" [SIGN]
   * 1*DIGIT]} with {@code e} in either case; the same as Go's decimal floats.
   */
  static boolean isDecimal(CharSequence text, int from, int to) {
    int i = from;
    if (i < to && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
      i++;
    }
    int digits = 0;
    while (i < to && isDigit(text.charAt(i))) {
      i++;
      digits++;
    }
    if (i < to && text.charAt(i) == '.') {
      i++;
      while (i < to && isDigit(text.charAt(i))) {
        i++;
        digits++;
      }
    }
    if (digits == 0) {
      return false;
    }
    if (i < to && (text.charAt(i) == 'e' || text.charAt(i) == 'E')) {
      i++;
      if (i < to && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
        i++;
      }
      int exponent = 0;
      while (i < to && isDigit(text.charAt(i))) {
        i++;
        exponent++;
      }
      if (exponent == 0) {
        return false;
      }
    }
    return i == to;
  }

  /** A checked decimal; plain integers (most counters) skip the general float reader. */
  static double decimal(CharSequence text, int from, int to) {
    boolean negative = text.charAt(from) == '-';
    int start = negative || text.charAt(from) == '+' ? from + 1 : from;
    if (to - start > 0 && to - start <= 15) {
      long value = 0;
      boolean plain = true;
      for (int i = start; i < to && plain; i++) {
        char c = text.charAt(i);
        plain = isDigit(c);
        value = value * 10 + (c - '0');
      }
      if (plain) {
        return negative ? (value == 0 ? -0.0 : -value) : value;
      }
    }
    double value = Double.parseDouble(text.subSequence(from, to).toString());
    // A decimal beyond the float64 range is not a number of either format.
    return Double.isInfinite(value) ? INVALID : value;
  }

  /**
   * Go's hexadecimal float: {@code [SIGN] 0x (hex+ ["." hex*] / "." hex+) p [SIGN] digits}, the
   * {@code p} exponent required (Go refuses a hexadecimal mantissa without one). Underscores, which
   * Go takes between digits after the prefix, are not taken here.
   */
  static boolean isHexFloat(CharSequence text, int from, int to) {
    int i = from;
    if (i < to && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
      i++;
    }
    if (i + 1 >= to
        || text.charAt(i) != '0'
        || (text.charAt(i + 1) != 'x' && text.charAt(i + 1) != 'X')) {
      return false;
    }
    i += 2;
    int digits = 0;
    while (i < to && Character.digit(text.charAt(i), 16) >= 0 && text.charAt(i) < 128) {
      i++;
      digits++;
    }
    if (i < to && text.charAt(i) == '.') {
      i++;
      while (i < to && Character.digit(text.charAt(i), 16) >= 0 && text.charAt(i) < 128) {
        i++;
        digits++;
      }
    }
    if (digits == 0 || i >= to || (text.charAt(i) != 'p' && text.charAt(i) != 'P')) {
      return false;
    }
    i++;
    if (i < to && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
      i++;
    }
    int exponent = 0;
    while (i < to && isDigit(text.charAt(i))) {
      i++;
      exponent++;
    }
    return exponent > 0 && i == to;
  }

  /**
   * {@code [SIGN] ("inf" / "infinity")} and {@code "nan"}, any case; Go takes the same words (a
   * sign on nan neither).
   */
  private static double word(CharSequence text, int from, int to) {
    int i = from;
    boolean negative = false;
    if (i < to && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
      negative = text.charAt(i) == '-';
      i++;
    }
    if (is(text, i, to, "inf") || is(text, i, to, "infinity")) {
      return negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }
    if (i == from && is(text, i, to, "nan")) {
      return Double.NaN;
    }
    return INVALID;
  }

  private static boolean is(CharSequence text, int from, int to, String lowerCaseWord) {
    if (to - from != lowerCaseWord.length()) {
      return false;
    }
    for (int i = 0; i < lowerCaseWord.length(); i++) {
      char c = text.charAt(from + i);
      // ASCII case only: Character.toLowerCase would also turn a Turkish İ into i.
      if ((c >= 'A' && c <= 'Z' ? (char) (c + 32) : c) != lowerCaseWord.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
