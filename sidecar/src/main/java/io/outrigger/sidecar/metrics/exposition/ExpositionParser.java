package io.outrigger.sidecar.metrics.exposition;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Parses a Prometheus text (0.0.4) or OpenMetrics 1.0 exposition, strictly: any malformed line
 * refuses the whole scrape with its line number and reason (as Prometheus does), so nothing is
 * half-exposed. Duplicate series, a second TYPE or HELP for a family, TYPE after the family's
 * samples, bad escapes, bad numbers and invalid UTF-8 are errors. Series beyond the cap are dropped
 * and label values beyond the length cap cut, both counted.
 */
public final class ExpositionParser {
  /**
   * The two formats; OpenMetrics is stricter (exact float words, {@code # EOF}, contiguous
   * families).
   */
  public enum Format {
    PROMETHEUS_TEXT,
    OPENMETRICS
  }

  /** Per-scrape caps. */
  public record Limits(int maxSeries, int maxLabelValueLength) {}

  private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern TEXT_SPECIAL = Pattern.compile("(?i)[+-]?(inf|infinity|nan)");

  /** Strings kept per scrape to share repeated label values; names are always shared. */
  private static final int MAX_SHARED_STRINGS = 8192;

  private final Format format;
  private final Limits limits;
  private final Map<String, FamilyBuilder> families = new LinkedHashMap<>();
  private final Set<Sample.SeriesId> series = new HashSet<>();
  // Every sample repeats its metric and label names (and often label values): one String each per
  // scrape instead of one per sample keeps a parsed 100k-series scrape small for the GC.
  private final Map<String, String> shared = new HashMap<>();
  private final ArrayList<Sample.Label> scratchLabels = new ArrayList<>();
  private FamilyBuilder current;
  private int dropped;
  private int truncated;
  private int lineNumber;

  private ExpositionParser(Format format, Limits limits) {
    this.format = format;
    this.limits = limits;
  }

  /** Parses {@code body}; the bytes must be UTF-8. */
  public static Exposition parse(byte[] body, Format format, Limits limits)
      throws ExpositionException {
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(body))
              .toString();
    } catch (CharacterCodingException e) {
      throw new ExpositionException(lineOf(body, e), "invalid UTF-8");
    }
    return new ExpositionParser(format, limits).run(text);
  }

  private Exposition run(String text) throws ExpositionException {
    boolean eof = false;
    int start = 0;
    while (start < text.length()) {
      int end = text.indexOf('\n', start);
      if (end < 0) {
        end = text.length();
      }
      int lineStart = start;
      start = end + 1;
      lineNumber++;
      if (eof) {
        throw error("content after # EOF");
      }
      if (lineStart == end) {
        if (format == Format.OPENMETRICS) {
          throw error("empty line (not allowed in OpenMetrics)");
        }
        continue;
      }
      if (text.charAt(lineStart) == '#') {
        // Comments are few: they get their own String, samples are read in place.
        String line = text.substring(lineStart, end);
        if (format == Format.OPENMETRICS && line.equals("# EOF")) {
          eof = true;
          continue;
        }
        comment(line);
        continue;
      }
      sample(new Cursor(text, lineStart, end));
    }
    if (format == Format.OPENMETRICS && !eof) {
      throw new ExpositionException(lineNumber, "missing # EOF: the exposition is truncated");
    }
    List<MetricFamily> result = new ArrayList<>();
    for (FamilyBuilder family : families.values()) {
      result.add(family.build());
    }
    return new Exposition(List.copyOf(result), dropped, truncated);
  }

  private void comment(String line) throws ExpositionException {
    String[] parts = line.split(" ", 4);
    boolean metadata =
        parts.length >= 3
            && (parts[1].equals("HELP") || parts[1].equals("TYPE") || parts[1].equals("UNIT"));
    if (!metadata) {
      if (format == Format.OPENMETRICS) {
        throw error("unexpected comment (OpenMetrics allows only HELP, TYPE, UNIT and EOF)");
      }
      return; // plain comments are allowed in the text format
    }
    String name = parts[2];
    if (!METRIC_NAME.matcher(name).matches()) {
      throw error("invalid metric name '" + name + "'");
    }
    String rest = parts.length == 4 ? parts[3] : "";
    FamilyBuilder family = family(name);
    switch (parts[1]) {
      case "HELP" -> {
        if (family.help != null) {
          throw error("second HELP for " + name);
        }
        family.help = unescapeHelp(rest);
      }
      case "TYPE" -> {
        if (family.typeDeclared) {
          throw error("second TYPE for " + name);
        }
        if (!family.samples.isEmpty()) {
          throw error("TYPE for " + name + " after its samples");
        }
        MetricType type = MetricType.parse(rest.trim());
        if (type == null) {
          throw error("unknown type '" + rest.trim() + "' for " + name);
        }
        family.type = type;
        family.typeDeclared = true;
      }
      default -> family.unit = rest;
    }
  }

  private FamilyBuilder family(String name) throws ExpositionException {
    FamilyBuilder family = families.get(name);
    if (family == null) {
      family = new FamilyBuilder(name);
      families.put(name, family);
    } else if (format == Format.OPENMETRICS && family != current && !family.samples.isEmpty()) {
      throw error("metadata for " + name + " after other families: families must be contiguous");
    }
    current = family;
    return family;
  }

  private void sample(Cursor cursor) throws ExpositionException {
    String name = share(cursor.takeName(true));
    if (name == null) {
      throw error("expected a metric name at column 1");
    }
    List<Sample.Label> labels = cursor.peek() == '{' ? labels(cursor) : List.of();
    if (!cursor.skipSpaces()) {
      throw error("expected a space and a value after " + name);
    }
    String valueText = cursor.token();
    double value = number(valueText, "value");
    Long timestamp = null;
    String exemplar = null;
    if (cursor.skipSpaces() && !cursor.atEnd() && cursor.peek() != '#') {
      timestamp = timestamp(cursor.token());
      cursor.skipSpaces();
    }
    if (!cursor.atEnd() && cursor.peek() == '#') {
      if (format != Format.OPENMETRICS) {
        throw error("exemplars are OpenMetrics only");
      }
      exemplar = exemplar(cursor.rest());
    } else if (!cursor.atEnd()) {
      throw error("unexpected text after the value: '" + cursor.rest() + "'");
    }
    FamilyBuilder family = familyOf(name);
    checkLabels(family, name, labels);
    Sample sample = new Sample(name, labels, value, timestamp, exemplar);
    if (!series.add(sample.seriesId())) {
      throw error("duplicate series " + name + labels(labels));
    }
    if (series.size() > limits.maxSeries()) {
      dropped++;
      return;
    }
    family.samples.add(sample);
  }

  /**
   * The family a sample belongs to: a declared family whose type allows the suffix, else an untyped
   * one.
   */
  private FamilyBuilder familyOf(String sampleName) throws ExpositionException {
    if (current != null && current.accepts(sampleName)) {
      return current;
    }
    FamilyBuilder named = families.get(sampleName);
    if (named != null && named.accepts(sampleName)) {
      return named;
    }
    for (FamilyBuilder family : families.values()) {
      if (family.typeDeclared && family.accepts(sampleName)) {
        if (format == Format.OPENMETRICS && family != current) {
          throw error(
              "sample " + sampleName + " away from its family: families must be contiguous");
        }
        return family;
      }
    }
    return family(sampleName);
  }

  private void checkLabels(FamilyBuilder family, String name, List<Sample.Label> labels)
      throws ExpositionException {
    boolean bucket =
        name.endsWith("_bucket")
            && (family.type == MetricType.HISTOGRAM || family.type == MetricType.GAUGEHISTOGRAM);
    if (bucket && labels.stream().noneMatch(l -> l.name().equals("le"))) {
      throw error("histogram bucket " + name + " without an le label");
    }
    if (family.type == MetricType.SUMMARY
        && name.equals(family.name)
        && labels.stream().noneMatch(l -> l.name().equals("quantile"))) {
      throw error("summary sample " + name + " without a quantile label");
    }
  }

  private List<Sample.Label> labels(Cursor cursor) throws ExpositionException {
    cursor.expect('{');
    List<Sample.Label> labels = scratchLabels;
    labels.clear();
    while (cursor.peek() != '}') {
      String labelName = share(cursor.takeName(false));
      if (labelName == null) {
        throw error("invalid label name at column " + (cursor.position() + 1));
      }
      for (Sample.Label earlier : labels) {
        if (earlier.name().equals(labelName)) {
          throw error("label " + labelName + " given twice");
        }
      }
      if (!cursor.consume('=') || !cursor.consume('"')) {
        throw error("expected =\" after label " + labelName);
      }
      String value = labelValue(cursor);
      if (value.length() > limits.maxLabelValueLength()) {
        value = value.substring(0, limits.maxLabelValueLength());
        truncated++;
      }
      labels.add(new Sample.Label(labelName, shareIfRoom(value)));
      if (!cursor.consume(',')) {
        break;
      }
    }
    if (!cursor.consume('}')) {
      throw error("expected , or } in the labels");
    }
    return List.copyOf(labels);
  }

  private String labelValue(Cursor cursor) throws ExpositionException {
    // Most values have no escapes: take them in place.
    String plain = cursor.takeUnescapedValue();
    if (plain != null) {
      return plain;
    }
    StringBuilder value = new StringBuilder();
    while (true) {
      if (cursor.atEnd()) {
        throw error("unterminated label value");
      }
      char c = cursor.next();
      if (c == '"') {
        return value.toString();
      }
      if (c == '\\') {
        if (cursor.atEnd()) {
          throw error("unterminated escape in a label value");
        }
        char escaped = cursor.next();
        switch (escaped) {
          case '\\' -> value.append('\\');
          case '"' -> value.append('"');
          case 'n' -> value.append('\n');
          default ->
              throw error(
                  "invalid escape \\" + escaped + " in a label value (only \\\\, \\\" and \\n)");
        }
      } else {
        value.append(c);
      }
    }
  }

  private double number(String text, String what) throws ExpositionException {
    if (text.isEmpty()) {
      throw error("missing " + what);
    }
    if (isDecimalNumber(text)) {
      return parseDecimal(text);
    }
    boolean special =
        format == Format.OPENMETRICS
            ? text.equals("NaN") || text.equals("+Inf") || text.equals("-Inf")
            : TEXT_SPECIAL.matcher(text).matches();
    if (!special) {
      throw error("invalid " + what + " '" + text + "'");
    }
    String word = text.toLowerCase();
    if (word.contains("nan")) {
      return Double.NaN;
    }
    return word.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
  }

  /**
   * The grammar {@code [+-]? (digits [. digits*] | . digits) [(e|E) [+-] digits]}, checked in
   * place.
   */
  static boolean isDecimalNumber(String text) {
    int i = 0;
    int n = text.length();
    if (i < n && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
      i++;
    }
    int digits = 0;
    while (i < n && isDigit(text.charAt(i))) {
      i++;
      digits++;
    }
    if (i < n && text.charAt(i) == '.') {
      i++;
      while (i < n && isDigit(text.charAt(i))) {
        i++;
        digits++;
      }
    }
    if (digits == 0) {
      return false;
    }
    if (i < n && (text.charAt(i) == 'e' || text.charAt(i) == 'E')) {
      i++;
      if (i < n && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
        i++;
      }
      int exponent = 0;
      while (i < n && isDigit(text.charAt(i))) {
        i++;
        exponent++;
      }
      if (exponent == 0) {
        return false;
      }
    }
    return i == n;
  }

  /** Plain integers (most counters) skip the general float parser. */
  private static double parseDecimal(String text) {
    int n = text.length();
    int start = text.charAt(0) == '-' || text.charAt(0) == '+' ? 1 : 0;
    if (n - start > 0 && n - start <= 15) {
      long value = 0;
      for (int i = start; i < n; i++) {
        char c = text.charAt(i);
        if (!isDigit(c)) {
          return Double.parseDouble(text);
        }
        value = value * 10 + (c - '0');
      }
      return text.charAt(0) == '-' ? (value == 0 ? -0.0 : -value) : value;
    }
    return Double.parseDouble(text);
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /** The one String of this scrape equal to {@code text} (null stays null). */
  private String share(String text) {
    if (text == null) {
      return null;
    }
    String known = shared.putIfAbsent(text, text);
    return known != null ? known : text;
  }

  /** Shares label values too, until the table is full (unique values would only grow it). */
  private String shareIfRoom(String text) {
    String known = shared.get(text);
    if (known != null) {
      return known;
    }
    if (shared.size() < MAX_SHARED_STRINGS) {
      shared.put(text, text);
    }
    return text;
  }

  private Long timestamp(String text) throws ExpositionException {
    if (format == Format.OPENMETRICS) {
      double seconds = number(text, "timestamp");
      if (Double.isNaN(seconds) || Double.isInfinite(seconds)) {
        throw error("invalid timestamp '" + text + "'");
      }
      return Math.round(seconds * 1000);
    }
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw error("invalid timestamp '" + text + "' (milliseconds as an integer)");
    }
  }

  private String exemplar(String text) throws ExpositionException {
    Cursor cursor = new Cursor(text);
    cursor.expect('#');
    if (!cursor.skipSpaces() || cursor.peek() != '{') {
      throw error("an exemplar is # {labels} value [timestamp]");
    }
    List<Sample.Label> labels = labels(cursor);
    int runes = labels.stream().mapToInt(l -> l.name().length() + l.value().length()).sum();
    if (runes > 128) {
      throw error("exemplar labels longer than 128 characters");
    }
    if (!cursor.skipSpaces()) {
      throw error("an exemplar needs a value");
    }
    number(cursor.token(), "exemplar value");
    if (cursor.skipSpaces() && !cursor.atEnd()) {
      timestamp(cursor.token());
    }
    if (!cursor.atEnd()) {
      throw error("unexpected text after the exemplar");
    }
    return text.substring(1).trim();
  }

  private String unescapeHelp(String text) throws ExpositionException {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c != '\\') {
        out.append(c);
        continue;
      }
      if (++i == text.length()) {
        throw error("unterminated escape in HELP");
      }
      char escaped = text.charAt(i);
      switch (escaped) {
        case '\\' -> out.append('\\');
        case 'n' -> out.append('\n');
        case '"' -> {
          if (format != Format.OPENMETRICS) {
            out.append('\\');
          }
          out.append('"');
        }
        default -> {
          if (format == Format.OPENMETRICS) {
            throw error("invalid escape \\" + escaped + " in HELP");
          }
          out.append('\\').append(escaped);
        }
      }
    }
    return out.toString();
  }

  private static String labels(List<Sample.Label> labels) {
    StringBuilder text = new StringBuilder("{");
    for (Sample.Label label : labels) {
      if (text.length() > 1) {
        text.append(',');
      }
      text.append(label.name()).append("=\"").append(label.value()).append('"');
    }
    return text.append('}').toString();
  }

  private ExpositionException error(String reason) {
    return new ExpositionException(lineNumber, reason);
  }

  private static int lineOf(byte[] body, CharacterCodingException e) {
    // Find the first invalid sequence by decoding line by line.
    int line = 1;
    int start = 0;
    for (int i = 0; i <= body.length; i++) {
      if (i == body.length || body[i] == '\n') {
        try {
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(body, start, i - start));
        } catch (CharacterCodingException bad) {
          return line;
        }
        line++;
        start = i + 1;
      }
    }
    return 0;
  }

  /** Collects one family's lines. */
  private static final class FamilyBuilder {
    final String name;
    MetricType type = MetricType.UNTYPED;
    boolean typeDeclared;
    String help;
    String unit;
    final List<Sample> samples = new ArrayList<>();

    FamilyBuilder(String name) {
      this.name = name;
    }

    boolean accepts(String sampleName) {
      return type.accepts(name, sampleName);
    }

    /**
     * The family in the OpenMetrics shape: the text format names a counter family after its {@code
     * _total} sample, OpenMetrics without the suffix; one shape lets scrapes of either format merge
     * and be written as either.
     */
    MetricFamily build() {
      String familyName =
          type == MetricType.COUNTER && name.endsWith("_total")
              ? name.substring(0, name.length() - 6)
              : name;
      return new MetricFamily(familyName, type, help, unit, List.copyOf(samples));
    }
  }

  /** A read position in one line of the exposition, read in place. */
  private static final class Cursor {
    private final String text;
    private final int lineStart;
    private final int end;
    private int at;

    Cursor(String line) {
      this(line, 0, line.length());
    }

    Cursor(String text, int from, int end) {
      this.text = text;
      this.lineStart = from;
      this.at = from;
      this.end = end;
    }

    boolean atEnd() {
      return at >= end;
    }

    char peek() {
      return atEnd() ? '\0' : text.charAt(at);
    }

    char next() {
      return text.charAt(at++);
    }

    /** The column (from 0) in the line. */
    int position() {
      return at - lineStart;
    }

    boolean consume(char c) {
      if (peek() == c && !atEnd()) {
        at++;
        return true;
      }
      return false;
    }

    void expect(char c) {
      at++;
    }

    /** Skips spaces and tabs; true if there was at least one. */
    boolean skipSpaces() {
      int from = at;
      while (!atEnd() && (text.charAt(at) == ' ' || text.charAt(at) == '\t')) {
        at++;
      }
      return at > from;
    }

    String token() {
      int from = at;
      while (!atEnd() && text.charAt(at) != ' ' && text.charAt(at) != '\t') {
        at++;
      }
      return text.substring(from, at);
    }

    /**
     * A metric name ({@code [a-zA-Z_:][a-zA-Z0-9_:]*}) or, without colons, a label name; null when
     * none starts here.
     */
    String takeName(boolean colons) {
      int from = at;
      while (!atEnd()) {
        char c = text.charAt(at);
        boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
        boolean allowed = letter || (colons && c == ':') || (at > from && c >= '0' && c <= '9');
        if (!allowed) {
          break;
        }
        at++;
      }
      return at == from ? null : text.substring(from, at);
    }

    /**
     * The rest of a quoted label value up to its closing quote, consumed, when it holds no
     * backslash; else null with nothing consumed.
     */
    String takeUnescapedValue() {
      for (int i = at; i < end; i++) {
        char c = text.charAt(i);
        if (c == '"') {
          String value = text.substring(at, i);
          at = i + 1;
          return value;
        }
        if (c == '\\') {
          return null;
        }
      }
      return null;
    }

    String rest() {
      return text.substring(at, end);
    }
  }
}
