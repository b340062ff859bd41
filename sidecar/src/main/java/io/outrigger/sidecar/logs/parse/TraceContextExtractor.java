package io.outrigger.sidecar.logs.parse;

import io.outrigger.config.InvalidConfigException;
import io.outrigger.config.SidecarConfig.TraceCorrelationConfig;
import java.math.BigInteger;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Finds the trace and span ids a log line carries, in this order (first hit wins): the configured
 * fields of the parsed line, the configured regex, a W3C {@code traceparent} anywhere in the line.
 * Ids come back as lowercase hex (32 and 16 digits); Datadog's decimal {@code dd.*} ids are
 * converted; all-zero or malformed ids count as absent.
 */
public final class TraceContextExtractor {
  /** version-traceid-spanid-flags, as in the W3C Trace Context spec. */
  private static final Pattern TRACEPARENT =
      Pattern.compile(
          "(?<![0-9a-f])[0-9a-f]{2}-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}(?![0-9a-f])");

  private final List<String> traceFields;
  private final List<String> spanFields;
  private final Pattern pattern;

  /**
   * @param config where ids are found; its {@code pattern} has named groups {@code traceId} and
   *     optionally {@code spanId}, or else its first two groups are taken as trace and span id
   */
  public TraceContextExtractor(TraceCorrelationConfig config) {
    this.traceFields = config.traceIdFields() == null ? List.of() : config.traceIdFields();
    this.spanFields = config.spanIdFields() == null ? List.of() : config.spanIdFields();
    try {
      this.pattern = config.pattern() == null ? null : Pattern.compile(config.pattern());
    } catch (PatternSyntaxException e) {
      throw new InvalidConfigException(
          "logs.traceCorrelation.pattern", "not a Java regular expression: " + e.getDescription());
    }
  }

  /**
   * The ids of one record.
   *
   * @param traceField the field the trace id came from (the enricher drops it), or null
   * @param spanField the field the span id came from, or null
   */
  public record TraceContext(String traceId, String spanId, String traceField, String spanField) {
    static final TraceContext NONE = new TraceContext(null, null, null, null);
  }

  public TraceContext extract(Map<String, Object> fields, String line) {
    for (String field : traceFields) {
      Object value = fields.get(field);
      String traceId = value == null ? null : normalise(value, field, 32);
      if (traceId != null) {
        for (String spanField : spanFields) {
          Object span = fields.get(spanField);
          String spanId = span == null ? null : normalise(span, spanField, 16);
          if (spanId != null) {
            return new TraceContext(traceId, spanId, field, spanField);
          }
        }
        return new TraceContext(traceId, null, field, null);
      }
    }
    if (pattern != null) {
      Matcher m = pattern.matcher(line);
      if (m.find()) {
        String traceId = normalise(group(m, "traceId", 1), "", 32);
        if (traceId != null) {
          return new TraceContext(traceId, normalise(group(m, "spanId", 2), "", 16), null, null);
        }
      }
    }
    if (line.indexOf('-') >= 0) {
      Matcher m = TRACEPARENT.matcher(line);
      while (m.find()) {
        String traceId = normalise(m.group(1), "", 32);
        String spanId = normalise(m.group(2), "", 16);
        if (traceId != null && spanId != null) {
          return new TraceContext(traceId, spanId, null, null);
        }
      }
    }
    return TraceContext.NONE;
  }

  private static String group(Matcher m, String name, int index) {
    try {
      return m.group(name);
    } catch (IllegalArgumentException noSuchGroup) {
      return index <= m.groupCount() ? m.group(index) : null;
    }
  }

  /**
   * Lowercase hex of {@code digits} digits, or null. Shorter hex ids (64-bit trace ids from B3 or
   * Jaeger) are left-padded with zeros as the W3C spec says.
   */
  static String normalise(Object value, String field, int digits) {
    if (value == null) {
      return null;
    }
    if (value instanceof String s && s.length() == digits && isHex(s) && !field.startsWith("dd.")) {
      return allZeros(s) ? null : s; // already canonical, as most loggers write ids: no copies
    }
    String text = value.toString().trim();
    if (value instanceof Long || field.startsWith("dd.")) {
      try {
        BigInteger decimal = new BigInteger(text);
        if (decimal.signum() < 0 || decimal.bitLength() > digits * 4) {
          return null;
        }
        text = decimal.toString(16);
      } catch (NumberFormatException e) {
        return null;
      }
    }
    text = text.toLowerCase(Locale.ROOT);
    if (text.isEmpty() || text.length() > digits || !isHex(text)) {
      return null;
    }
    if (text.length() < digits) {
      if (text.length() != 16 && !(value instanceof Long) && !field.startsWith("dd.")) {
        return null;
      }
      text = "0".repeat(digits - text.length()) + text;
    }
    return allZeros(text) ? null : text; // all zeros: invalid per the W3C spec
  }

  private static boolean allZeros(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) != '0') {
        return false;
      }
    }
    return true;
  }

  private static boolean isHex(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }
}
