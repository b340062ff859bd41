package io.outrigger.sidecar.tracing;

import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import io.vertx.core.MultiMap;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * Vert.x header maps as OpenTelemetry propagation carriers (both proxy directions use them). The
 * getter reads every field line of a name, as RFC 9110 §5.3 defines a field: a list field's lines
 * are one comma-joined list; a field that is not a list has no valid value when it is repeated.
 */
public final class HeaderCarrier {
  private HeaderCarrier() {}

  /** How the field lines of one name combine into the value a propagator parses. */
  enum Repeated {
    /** A comma-separated list: every line's members, in order (RFC 9110 §5.3). */
    JOINED,
    /** The first line; the format says so. */
    FIRST_WINS,
    /** Not a list: two lines cannot be combined into a valid value, so the field reads absent. */
    INVALID
  }

  /** The propagation fields whose repeated lines still have a value; for any other, none. */
  private static final Map<String, Repeated> FIELDS = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);

  static {
    // W3C Trace Context §3.3.1.1: "MUST be combined into a single header according to RFC7230".
    FIELDS.put("tracestate", Repeated.JOINED);
    // W3C Baggage and Jaeger's baggage header are comma-separated lists as well.
    FIELDS.put("baggage", Repeated.JOINED);
    FIELDS.put("jaeger-baggage", Repeated.JOINED);
    // B3 multiple headers: "When extracting state headers, the first value wins."
    for (String b3 : B3Headers.MULTI) {
      FIELDS.put(b3, Repeated.FIRST_WINS);
    }
  }

  public static final TextMapGetter<MultiMap> GETTER =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(MultiMap carrier) {
          return carrier.names();
        }

        @Override
        public String get(MultiMap carrier, String key) {
          // Most propagation fields are absent from most requests: answer those without a list.
          if (carrier == null || !carrier.contains(key)) {
            return null;
          }
          return value(carrier.getAll(key), repeated(key));
        }

        @Override
        public Iterator<String> getAll(MultiMap carrier, String key) {
          List<String> values = new ArrayList<>();
          if (carrier != null) {
            carrier.getAll(key).forEach(line -> values.add(trimOws(line)));
          }
          return values.iterator();
        }
      };

  public static final TextMapSetter<MultiMap> SETTER =
      (carrier, key, value) -> carrier.set(key, value);

  static Repeated repeated(String field) {
    return FIELDS.getOrDefault(field, Repeated.INVALID);
  }

  /** The value of a field sent as {@code lines}, or null when it has none. */
  static String value(List<String> lines, Repeated repeated) {
    if (lines.isEmpty()) {
      return null;
    }
    if (lines.size() == 1 || repeated == Repeated.FIRST_WINS) {
      return trimOws(lines.get(0));
    }
    if (repeated == Repeated.INVALID) {
      return null;
    }
    StringJoiner joined = new StringJoiner(",");
    lines.forEach(line -> joined.add(trimOws(line)));
    return joined.toString();
  }

  /** RFC 9110 §5.5: whitespace around a field value is not part of it. */
  static String trimOws(String value) {
    int start = 0;
    int end = value.length();
    while (start < end && isOws(value.charAt(start))) {
      start++;
    }
    while (end > start && isOws(value.charAt(end - 1))) {
      end--;
    }
    return value.substring(start, end);
  }

  private static boolean isOws(char c) {
    return c == ' ' || c == '\t';
  }
}
