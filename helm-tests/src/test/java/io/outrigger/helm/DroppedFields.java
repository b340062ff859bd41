package io.outrigger.helm;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Fields of a sent object that the API server's answer no longer has. A 1.20 server drops unknown
 * fields silently (strict field validation came with 1.25), so a misspelt field would pass a dry
 * run unnoticed; the server adds defaults but never removes a field it knows.
 */
final class DroppedFields {
  private DroppedFields() {}

  /** JSON pointers present in {@code sent} and missing from {@code answer}. */
  static List<String> between(JsonNode sent, JsonNode answer) {
    List<String> missing = new ArrayList<>();
    walk("", sent, answer, missing);
    return missing;
  }

  private static void walk(String path, JsonNode sent, JsonNode answer, List<String> missing) {
    if (sent.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> fields = sent.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        String child = path + "/" + field.getKey().replace("~", "~0").replace("/", "~1");
        if (field.getValue().isNull()) {
          continue;
        }
        if (!answer.has(field.getKey())) {
          missing.add(child);
        } else {
          walk(child, field.getValue(), answer.get(field.getKey()), missing);
        }
      }
    } else if (sent.isArray()) {
      for (int i = 0; i < sent.size(); i++) {
        if (i >= answer.size()) {
          missing.add(path + "/" + i);
        } else {
          walk(path + "/" + i, sent.get(i), answer.get(i), missing);
        }
      }
    }
  }
}
