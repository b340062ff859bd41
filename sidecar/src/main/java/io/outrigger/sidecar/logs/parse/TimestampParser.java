package io.outrigger.sidecar.logs.parse;

import io.outrigger.config.InvalidConfigException;
import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.TemporalAccessor;
import java.util.Locale;

/**
 * Reads a time field in one of the documented formats: {@code ISO8601} (RFC 3339, with or without
 * offset; none means UTC), {@code epoch} (seconds, fractions allowed), {@code epoch_millis}, {@code
 * epoch_nanos}, or a {@link DateTimeFormatter} pattern. Without a format, numbers are epoch values
 * whose unit is guessed from their size and strings are ISO 8601.
 */
abstract class TimestampParser {

  /** The parsed instant, or null when {@code value} is not a time in this format. */
  abstract Instant parse(Object value);

  static TimestampParser of(String format) {
    if (format == null || format.isBlank()) {
      return new Auto();
    }
    return switch (format.toLowerCase(Locale.ROOT)) {
      case "iso8601", "rfc3339" -> new Iso();
      case "epoch" -> new Epoch(1_000_000_000L);
      case "epoch_millis" -> new Epoch(1_000_000L);
      case "epoch_micros" -> new Epoch(1_000L);
      case "epoch_nanos" -> new Epoch(1L);
      default -> new Pattern(format);
    };
  }

  /** Numbers by magnitude (s, ms, µs, ns since 1970); strings as ISO 8601. */
  private static final class Auto extends TimestampParser {
    private final Iso iso = new Iso();

    @Override
    Instant parse(Object value) {
      if (value instanceof Number || (value instanceof String s && isNumber(s))) {
        BigDecimal number = new BigDecimal(value.toString());
        double abs = Math.abs(number.doubleValue());
        long nanosPerUnit =
            abs < 1e11 ? 1_000_000_000L : abs < 1e14 ? 1_000_000L : abs < 1e17 ? 1_000L : 1L;
        return Epoch.toInstant(number, nanosPerUnit);
      }
      return iso.parse(value);
    }

    private static boolean isNumber(String s) {
      return !s.isEmpty() && s.chars().allMatch(c -> (c >= '0' && c <= '9') || c == '.');
    }
  }

  private static final class Iso extends TimestampParser {
    @Override
    Instant parse(Object value) {
      String text = value.toString().trim();
      try {
        return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
      } catch (DateTimeParseException e) {
        // Next try: no offset (taken as UTC), or a space instead of the T.
      }
      try {
        return LocalDateTime.parse(text.replace(' ', 'T'), DateTimeFormatter.ISO_LOCAL_DATE_TIME)
            .toInstant(ZoneOffset.UTC);
      } catch (DateTimeParseException e) {
        // A space-separated time with an offset, e.g. "2024-05-01 12:00:00+02:00".
      }
      try {
        return OffsetDateTime.parse(text.replace(' ', 'T'), DateTimeFormatter.ISO_OFFSET_DATE_TIME)
            .toInstant();
      } catch (DateTimeParseException e) {
        return null;
      }
    }
  }

  private static final class Epoch extends TimestampParser {
    private final long nanosPerUnit;

    Epoch(long nanosPerUnit) {
      this.nanosPerUnit = nanosPerUnit;
    }

    @Override
    Instant parse(Object value) {
      try {
        return toInstant(new BigDecimal(value.toString().trim()), nanosPerUnit);
      } catch (NumberFormatException | ArithmeticException | DateTimeException e) {
        return null;
      }
    }

    static Instant toInstant(BigDecimal number, long nanosPerUnit) {
      BigDecimal nanos = number.multiply(BigDecimal.valueOf(nanosPerUnit));
      BigDecimal[] split = nanos.divideAndRemainder(BigDecimal.valueOf(1_000_000_000L));
      return Instant.ofEpochSecond(split[0].longValueExact(), split[1].longValue());
    }
  }

  /** A java.time pattern; without a zone in the pattern, UTC. */
  private static final class Pattern extends TimestampParser {
    private final DateTimeFormatter formatter;

    Pattern(String pattern) {
      try {
        this.formatter = DateTimeFormatter.ofPattern(pattern, Locale.ROOT);
      } catch (IllegalArgumentException e) {
        throw new InvalidConfigException(
            "logs.parser.timeFormat", "not a java.time pattern: " + e.getMessage());
      }
    }

    @Override
    Instant parse(Object value) {
      try {
        TemporalAccessor parsed = formatter.parse(value.toString().trim());
        try {
          return ZonedDateTime.from(parsed).toInstant();
        } catch (DateTimeException noZone) {
          return LocalDateTime.from(parsed).toInstant(ZoneOffset.UTC);
        }
      } catch (DateTimeException e) {
        return null;
      }
    }
  }
}
