package io.outrigger.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations written the way Kubernetes users write them ({@code 500ms}, {@code 30s}, {@code 1m30s},
 * {@code 2h}).
 *
 * <p>The same grammar is the CRD's schema pattern, so what the API server accepts is what the
 * sidecar parses.
 */
public final class DurationText {

  /** The schema pattern for a duration field: one or more number+unit parts. */
  public static final String PATTERN = "^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$";

  private static final Pattern WHOLE = Pattern.compile(PATTERN);
  private static final Pattern PART = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(ms|s|m|h)");

  private DurationText() {}

  /** Parses a duration; throws {@link IllegalArgumentException} naming the accepted forms. */
  public static Duration parse(String text) {
    if (text == null || !WHOLE.matcher(text).matches()) {
      throw new IllegalArgumentException(
          "not a duration: '"
              + text
              + "' (use a number and a unit ms, s, m or h, e.g. 500ms, 30s, 1m30s)");
    }
    BigDecimal nanos = BigDecimal.ZERO;
    Matcher part = PART.matcher(text);
    while (part.find()) {
      nanos = nanos.add(new BigDecimal(part.group(1)).multiply(nanosPerUnit(part.group(2))));
    }
    return Duration.ofNanos(nanos.longValueExact());
  }

  /** Formats a duration in the shortest form {@link #parse} reads back to the same value. */
  public static String format(Duration duration) {
    if (duration.isNegative()) {
      throw new IllegalArgumentException("negative duration: " + duration);
    }
    if (duration.isZero()) {
      return "0s";
    }
    StringBuilder text = new StringBuilder();
    long hours = duration.toHours();
    int minutes = duration.toMinutesPart();
    int seconds = duration.toSecondsPart();
    int nanos = duration.toNanosPart();
    if (hours > 0) {
      text.append(hours).append('h');
    }
    if (minutes > 0) {
      text.append(minutes).append('m');
    }
    if (nanos == 0) {
      if (seconds > 0) {
        text.append(seconds).append('s');
      }
    } else if (seconds == 0) {
      text.append(BigDecimal.valueOf(nanos, 6).stripTrailingZeros().toPlainString()).append("ms");
    } else {
      text.append(
              BigDecimal.valueOf(seconds * 1_000_000_000L + nanos, 9)
                  .stripTrailingZeros()
                  .toPlainString())
          .append('s');
    }
    return text.toString();
  }

  private static BigDecimal nanosPerUnit(String unit) {
    return switch (unit) {
      case "ms" -> BigDecimal.valueOf(1_000_000L);
      case "s" -> BigDecimal.valueOf(1_000_000_000L);
      case "m" -> BigDecimal.valueOf(60_000_000_000L);
      case "h" -> BigDecimal.valueOf(3_600_000_000_000L);
      default -> throw new IllegalArgumentException("unknown unit " + unit);
    };
  }
}
