package io.outrigger.sidecar.logs.parse;

import io.outrigger.config.InvalidConfigException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A Java regular expression whose named groups become fields (a group named {@code level}, {@code
 * message} or {@code msg} has the same role as in JSON). A line the expression does not match is
 * kept as plain.
 */
final class RegexLineParser implements LineParser {
  private static final Pattern GROUP_NAME = Pattern.compile("\\(\\?<([a-zA-Z][a-zA-Z0-9]*)>");
  private final Pattern pattern;
  private final List<String> groups;
  private final FieldRoles roles;

  RegexLineParser(String expression, FieldRoles roles) {
    if (expression == null || expression.isBlank()) {
      throw new InvalidConfigException("logs.parser.pattern", "the regex format needs a pattern");
    }
    try {
      this.pattern = Pattern.compile(expression);
    } catch (PatternSyntaxException e) {
      throw new InvalidConfigException(
          "logs.parser.pattern", "not a Java regular expression: " + e.getDescription());
    }
    this.groups = groupNames(expression);
    if (groups.isEmpty()) {
      throw new InvalidConfigException(
          "logs.parser.pattern", "no named group (?<name>...) to turn into a field");
    }
    this.roles = roles;
  }

  /** Java 17 has no API listing a pattern's named groups; the syntax is simple enough to scan. */
  static List<String> groupNames(String expression) {
    List<String> names = new ArrayList<>();
    Matcher m = GROUP_NAME.matcher(expression);
    while (m.find()) {
      // An escaped "\(?<" is a literal, not a group.
      int backslashes = 0;
      for (int i = m.start() - 1; i >= 0 && expression.charAt(i) == '\\'; i--) {
        backslashes++;
      }
      if (backslashes % 2 == 0) {
        names.add(m.group(1));
      }
    }
    return names;
  }

  @Override
  public ParsedLine parse(String line) {
    Matcher m = pattern.matcher(line);
    if (!m.find()) {
      return ParsedLine.plain(line, false);
    }
    Map<String, Object> fields = FieldRoles.newFields();
    for (String name : groups) {
      String value = m.group(name);
      if (value != null) {
        fields.put(name, value);
      }
    }
    return roles.toParsedLine(fields, line);
  }
}
