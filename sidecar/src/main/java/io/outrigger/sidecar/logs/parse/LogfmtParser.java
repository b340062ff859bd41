package io.outrigger.sidecar.logs.parse;

import java.util.Map;

/**
 * logfmt ({@code key=value key2="quoted value" flag}), as written by Go's logfmt, slog's text
 * handler and Heroku: values are strings, a bare key is {@code true}. A line with no key=value pair
 * at all is not logfmt.
 */
final class LogfmtParser implements LineParser {
  private final FieldRoles roles;

  LogfmtParser(FieldRoles roles) {
    this.roles = roles;
  }

  @Override
  public ParsedLine parse(String line) {
    Map<String, Object> fields = FieldRoles.newFields();
    int n = line.length();
    int i = 0;
    boolean sawPair = false;
    while (i < n) {
      while (i < n && line.charAt(i) <= ' ') {
        i++;
      }
      int keyStart = i;
      while (i < n && line.charAt(i) > ' ' && line.charAt(i) != '=' && line.charAt(i) != '"') {
        i++;
      }
      if (i == keyStart) {
        if (i < n) {
          return ParsedLine.plain(line, false); // a quote or '=' where a key should start
        }
        break;
      }
      String key = line.substring(keyStart, i);
      if (i >= n || line.charAt(i) != '=') {
        fields.put(key, Boolean.TRUE);
        continue;
      }
      i++; // '='
      sawPair = true;
      if (i < n && line.charAt(i) == '"') {
        StringBuilder value = new StringBuilder();
        i++;
        boolean closed = false;
        while (i < n) {
          char c = line.charAt(i++);
          if (c == '\\' && i < n) {
            char e = line.charAt(i++);
            value.append(
                switch (e) {
                  case 'n' -> '\n';
                  case 't' -> '\t';
                  case 'r' -> '\r';
                  default -> e;
                });
          } else if (c == '"') {
            closed = true;
            break;
          } else {
            value.append(c);
          }
        }
        if (!closed) {
          return ParsedLine.plain(line, false);
        }
        fields.put(key, value.toString());
      } else {
        int valueStart = i;
        while (i < n && line.charAt(i) > ' ') {
          i++;
        }
        fields.put(key, line.substring(valueStart, i));
      }
    }
    if (!sawPair) {
      return ParsedLine.plain(line, false);
    }
    return roles.toParsedLine(fields, line);
  }
}
