package io.outrigger.sidecar;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * One JSON object per line on stdout: what `kubectl logs` shows and log pipelines parse without a
 * regex. The level can change at runtime (admin {@code /loglevel}).
 */
public final class JsonLog {
  /** Levels in increasing severity. */
  public enum Level {
    DEBUG,
    INFO,
    WARN,
    ERROR
  }

  private static final JsonFactory JSON = new JsonFactory();
  private static volatile Level threshold = Level.INFO;

  private JsonLog() {}

  public static void setLevel(Level level) {
    threshold = level;
  }

  public static Level level() {
    return threshold;
  }

  public static void info(String message, Object... keyValues) {
    log(Level.INFO, message, keyValues);
  }

  public static void warn(String message, Object... keyValues) {
    log(Level.WARN, message, keyValues);
  }

  public static void error(String message, Object... keyValues) {
    log(Level.ERROR, message, keyValues);
  }

  public static void debug(String message, Object... keyValues) {
    log(Level.DEBUG, message, keyValues);
  }

  /** Writes {@code message} with alternating key/value pairs as fields. */
  public static void log(Level level, String message, Object... keyValues) {
    if (level.compareTo(threshold) < 0) {
      return;
    }
    System.out.println(format(Instant.now(), level, message, keyValues));
  }

  static String format(Instant time, Level level, String message, Object... keyValues) {
    StringWriter out = new StringWriter(128);
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField("ts", time.toString());
      json.writeStringField("level", level.name().toLowerCase());
      json.writeStringField("msg", message);
      for (int i = 0; i + 1 < keyValues.length; i += 2) {
        String key = String.valueOf(keyValues[i]);
        Object value = keyValues[i + 1];
        if (value instanceof Number number) {
          json.writeFieldName(key);
          json.writeNumber(number.toString());
        } else if (value instanceof Boolean bool) {
          json.writeBooleanField(key, bool);
        } else {
          json.writeStringField(key, String.valueOf(value));
        }
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }
}
