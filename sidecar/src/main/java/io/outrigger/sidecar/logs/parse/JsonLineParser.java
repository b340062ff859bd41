package io.outrigger.sidecar.logs.parse;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
import java.util.Map;

/**
 * One JSON object per line, read with Jackson's streaming parser (no tree per line). Nested objects
 * are flattened to dotted names ({@code http.method}); arrays are kept as their JSON text.
 */
final class JsonLineParser implements LineParser {
  private static final JsonFactory JSON = new JsonFactory();
  private static final int MAX_DEPTH = 8;
  private final FieldRoles roles;

  JsonLineParser(FieldRoles roles) {
    this.roles = roles;
  }

  @Override
  public ParsedLine parse(String line) {
    int start = 0;
    while (start < line.length() && Character.isWhitespace(line.charAt(start))) {
      start++;
    }
    if (start == line.length() || line.charAt(start) != '{') {
      return ParsedLine.plain(line, false);
    }
    Map<String, Object> fields = FieldRoles.newFields();
    try (JsonParser parser = JSON.createParser(line)) {
      parser.nextToken();
      readObject(parser, "", 0, fields);
      if (parser.nextToken() != null) {
        return ParsedLine.plain(line, false);
      }
    } catch (IOException e) {
      return ParsedLine.plain(line, false);
    }
    return roles.toParsedLine(fields, line);
  }

  private static void readObject(
      JsonParser parser, String prefix, int depth, Map<String, Object> into) throws IOException {
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      // Jackson hands out the same String for a name each time: kept so, it hashes once.
      String name = prefix.isEmpty() ? parser.currentName() : prefix + parser.currentName();
      JsonToken token = parser.nextToken();
      switch (token) {
        case START_OBJECT -> {
          if (depth < MAX_DEPTH) {
            readObject(parser, name + ".", depth + 1, into);
          } else {
            into.put(name, text(parser));
          }
        }
        case START_ARRAY -> into.put(name, text(parser));
        case VALUE_STRING -> into.put(name, parser.getText());
        case VALUE_NUMBER_INT -> {
          if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            into.put(name, parser.getText());
          } else {
            into.put(name, parser.getLongValue());
          }
        }
        case VALUE_NUMBER_FLOAT -> into.put(name, parser.getDoubleValue());
        case VALUE_TRUE -> into.put(name, Boolean.TRUE);
        case VALUE_FALSE -> into.put(name, Boolean.FALSE);
        case VALUE_NULL -> {
          // Absent and null mean the same to every output.
        }
        default -> throw new IOException("unexpected " + token);
      }
    }
  }

  /** The current object or array as compact JSON text. */
  private static String text(JsonParser parser) throws IOException {
    StringWriter out = new StringWriter();
    try (JsonGenerator generator = JSON.createGenerator(out)) {
      generator.copyCurrentStructure(parser);
    }
    return out.toString();
  }
}
