package io.outrigger.sidecar.logs.sink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A receiver of newline-delimited JSON for tests ({@code POST /logs}): every line must be one JSON
 * object (parsed by Jackson), else the whole body is refused with 400 and nothing is kept.
 */
public final class JsonLinesSink extends HttpTestSink {
  private static final ObjectMapper JSON = new ObjectMapper();
  public static final String PATH = "/logs";

  private final List<JsonNode> records = new CopyOnWriteArrayList<>();
  private volatile String refuseField;

  public JsonLinesSink() {
    super(PATH);
  }

  /**
   * Refuses (400, nothing stored) a whole body when one of its records has {@code field} set to
   * true, as a receiver refuses a batch holding one entry it finds invalid (Loki: an entry too far
   * in the past or a line too long).
   */
  public JsonLinesSink refuseRecordsWith(String field) {
    this.refuseField = field;
    return this;
  }

  public List<JsonNode> records() {
    return List.copyOf(records);
  }

  public Map<String, Integer> countsBy(String field) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (JsonNode record : records) {
      JsonNode value = record.get(field);
      counts.merge(value == null ? "null" : value.asText(), 1, Integer::sum);
    }
    return counts;
  }

  public long duplicates(String field) {
    return countsBy(field).values().stream().mapToLong(n -> n - 1).sum();
  }

  @Override
  protected void accept(HttpServerRequest request, Buffer body) throws Exception {
    List<JsonNode> parsed = new ArrayList<>();
    String text = body.toString();
    if (!text.isEmpty() && !text.endsWith("\n")) {
      throw new IllegalArgumentException("the body does not end with a newline");
    }
    int number = 0;
    for (String line : text.split("\n")) {
      number++;
      if (line.isEmpty()) {
        continue;
      }
      JsonNode node = JSON.readTree(line);
      if (node == null || !node.isObject()) {
        throw new IllegalArgumentException("line " + number + " is not a JSON object");
      }
      String refuse = refuseField;
      if (refuse != null && node.path(refuse).asBoolean(false)) {
        throw new IllegalArgumentException("line " + number + " has " + refuse + ": refused");
      }
      parsed.add(node);
    }
    records.addAll(parsed);
  }
}
