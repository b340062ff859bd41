package io.outrigger.sidecar.logs.sink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A Loki push endpoint for tests: {@code POST /loki/api/v1/push} with a JSON body parsed by Jackson
 * and checked against the push API's shape (streams of non-empty string labels; values of
 * [nanosecond timestamp string, line, optional structured metadata of strings]); answers 204 like
 * Loki, 400 with the reason otherwise.
 */
public final class LokiSink extends HttpTestSink {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One pushed entry with its stream's labels. */
  public record Entry(
      Map<String, String> labels, Instant time, String line, Map<String, String> metadata) {

    /** A field of the line, when the line is a JSON object; null otherwise. */
    public String field(String name) {
      try {
        JsonNode node = JSON.readTree(line).get(name);
        return node == null ? null : node.asText();
      } catch (Exception e) {
        return null;
      }
    }
  }

  private final List<Entry> entries = new CopyOnWriteArrayList<>();
  private final List<String> tenants = new CopyOnWriteArrayList<>();

  public LokiSink() {
    super("/loki/api/v1/push");
  }

  public List<Entry> entries() {
    return List.copyOf(entries);
  }

  /** The X-Scope-OrgID of each accepted push (null when absent). */
  public List<String> tenants() {
    return List.copyOf(tenants);
  }

  /** How often each value of the line's JSON field {@code name} arrived. */
  public Map<String, Integer> countsBy(String name) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (Entry entry : entries) {
      counts.merge(String.valueOf(entry.field(name)), 1, Integer::sum);
    }
    return counts;
  }

  public long duplicates(String name) {
    return countsBy(name).values().stream().mapToLong(n -> n - 1).sum();
  }

  @Override
  protected void accept(HttpServerRequest request, Buffer body) throws Exception {
    String type = request.getHeader("content-type");
    if (type == null || !type.startsWith("application/json")) {
      throw new IllegalArgumentException("content-type " + type + ", not application/json");
    }
    JsonNode push = JSON.readTree(body.getBytes());
    JsonNode streams = push.get("streams");
    if (streams == null || !streams.isArray()) {
      throw new IllegalArgumentException("no streams array");
    }
    List<Entry> parsed = new java.util.ArrayList<>();
    for (JsonNode stream : streams) {
      Map<String, String> labels = strings(stream.get("stream"), "stream labels");
      if (labels.isEmpty()) {
        throw new IllegalArgumentException("a stream without labels");
      }
      JsonNode values = stream.get("values");
      if (values == null || !values.isArray()) {
        throw new IllegalArgumentException("a stream without a values array");
      }
      for (JsonNode value : values) {
        if (!value.isArray() || value.size() < 2 || value.size() > 3) {
          throw new IllegalArgumentException("a value must be [ts, line, metadata?]: " + value);
        }
        JsonNode ts = value.get(0);
        if (!ts.isTextual() || !ts.asText().matches("\\d{1,19}")) {
          throw new IllegalArgumentException("a timestamp must be a string of nanoseconds: " + ts);
        }
        if (!value.get(1).isTextual()) {
          throw new IllegalArgumentException("a line must be a string: " + value.get(1));
        }
        long nanos = Long.parseLong(ts.asText());
        Map<String, String> metadata =
            value.size() == 3 ? strings(value.get(2), "structured metadata") : Map.of();
        parsed.add(
            new Entry(
                labels,
                Instant.ofEpochSecond(nanos / 1_000_000_000L, nanos % 1_000_000_000L),
                value.get(1).asText(),
                metadata));
      }
    }
    entries.addAll(parsed);
    tenants.add(request.getHeader("X-Scope-OrgID"));
  }

  private static Map<String, String> strings(JsonNode node, String what) {
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException(what + " must be an object");
    }
    Map<String, String> result = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      if (!field.getValue().isTextual()) {
        throw new IllegalArgumentException(what + " values must be strings: " + field.getKey());
      }
      result.put(field.getKey(), field.getValue().asText());
    }
    return result;
  }

  @Override
  protected int okStatus() {
    return 204;
  }
}
