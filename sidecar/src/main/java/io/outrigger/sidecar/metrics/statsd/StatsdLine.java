package io.outrigger.sidecar.metrics.statsd;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One StatsD metric line, {@code name:value|type[|@rate][|#tag:value,tag2]} (DogStatsD tags),
 * parsed strictly.
 *
 * @param type {@code c} counter, {@code g} gauge, {@code ms}/{@code h}/{@code d} timing, {@code s}
 *     set
 * @param delta for gauges: the value was written with a sign, so it changes the gauge instead of
 *     setting it
 * @param rawValue the value as written (sets count distinct raw values)
 */
public record StatsdLine(
    String name,
    String type,
    double value,
    boolean delta,
    String rawValue,
    double sampleRate,
    List<String[]> tags) {

  private static final Pattern NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_.\\-]*");
  private static final Pattern NUMBER =
      Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");

  /** Parses one line; {@link IllegalArgumentException} says what is wrong. */
  public static StatsdLine parse(String line) {
    int colon = line.indexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("no name:value");
    }
    String name = line.substring(0, colon);
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("invalid metric name '" + name + "'");
    }
    String[] parts = line.substring(colon + 1).split("\\|");
    if (parts.length < 2) {
      throw new IllegalArgumentException("no |type");
    }
    String raw = parts[0];
    String type = parts[1];
    if (!List.of("c", "g", "ms", "h", "d", "s").contains(type)) {
      throw new IllegalArgumentException("unknown type '" + type + "'");
    }
    double value = 0;
    if (!type.equals("s")) {
      if (!NUMBER.matcher(raw).matches()) {
        throw new IllegalArgumentException("invalid value '" + raw + "'");
      }
      value = Double.parseDouble(raw);
    }
    double rate = 1;
    List<String[]> tags = new ArrayList<>();
    for (int i = 2; i < parts.length; i++) {
      String part = parts[i];
      if (part.startsWith("@")) {
        try {
          rate = Double.parseDouble(part.substring(1));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("invalid sample rate '" + part + "'");
        }
        if (!(rate > 0 && rate <= 1)) {
          throw new IllegalArgumentException("sample rate must be in (0, 1]");
        }
      } else if (part.startsWith("#")) {
        for (String tag : part.substring(1).split(",")) {
          if (tag.isEmpty()) {
            continue;
          }
          int sep = tag.indexOf(':');
          tags.add(
              sep < 0
                  ? new String[] {tag, ""}
                  : new String[] {tag.substring(0, sep), tag.substring(sep + 1)});
        }
      } else {
        throw new IllegalArgumentException("unexpected field '" + part + "'");
      }
    }
    boolean delta = type.equals("g") && (raw.startsWith("+") || raw.startsWith("-"));
    return new StatsdLine(name, type, value, delta, raw, rate, List.copyOf(tags));
  }
}
