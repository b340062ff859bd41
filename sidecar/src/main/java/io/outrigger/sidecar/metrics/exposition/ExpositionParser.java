package io.outrigger.sidecar.metrics.exposition;

import io.outrigger.sidecar.metrics.exposition.ExpositionException.Rule;
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
 * Parses a Prometheus text (0.0.4) or OpenMetrics 1.0 exposition, as the formats say: the
 * OpenMetrics ABNF and its type rules exactly, the text format as Prometheus's own parser reads it
 * (blanks anywhere between tokens, Go's float spellings). Where a format is lenient, so is this
 * (escapes the grammar leaves as they are, any case of {@code NaN} and {@code Inf}); what it breaks
 * refuses the whole scrape with its line, the {@link Rule} and the reason, so nothing is
 * half-exposed. Series beyond the cap are dropped and label values beyond the length cap cut, both
 * counted.
 */
public final class ExpositionParser {
  /**
   * The two formats; OpenMetrics is stricter ({@code # EOF}, single spaces, contiguous families).
   */
  public enum Format {
    PROMETHEUS_TEXT,
    OPENMETRICS
  }

  /** Per-scrape caps. */
  public record Limits(int maxSeries, int maxLabelValueLength) {}

  private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern UNIT = Pattern.compile("[a-zA-Z0-9_:]*");

  /** Strings kept per scrape to share repeated label values; names are always shared. */
  private static final int MAX_SHARED_STRINGS = 8192;

  private final Format format;
  private final boolean om;
  private final Limits limits;
  private final Map<String, FamilyBuilder> families = new LinkedHashMap<>();
  // OpenMetrics: every sample name the families read so far could have, for the clash rule.
  private final Set<String> claimedNames = new HashSet<>();
  // Every sample repeats its metric and label names (and often label values): one String each per
  // scrape instead of one per sample keeps a parsed 100k-series scrape small for the GC.
  private final Map<String, String> shared = new HashMap<>();
  // The same, looked up from the text in place: names by their characters, and whole label pairs
  // (name="value", without escapes) to one shared Label, so a repeated pair allocates nothing.
  private final RangeTable names = new RangeTable(Integer.MAX_VALUE);
  private final RangeTable pairs = new RangeTable(MAX_SHARED_STRINGS);
  private final SeriesSet series = new SeriesSet();
  private final ArrayList<Sample.Label> scratchLabels = new ArrayList<>();
  private String text;
  private FamilyBuilder current;
  private int dropped;
  private int truncated;
  private int lineNumber;

  private ExpositionParser(Format format, Limits limits) {
    this.format = format;
    this.om = format == Format.OPENMETRICS;
    this.limits = limits;
  }

  /** Parses {@code body}; the bytes must be UTF-8. */
  public static Exposition parse(byte[] body, Format format, Limits limits)
      throws ExpositionException {
    return parse(body, body.length, format, limits);
  }

  /** Parses the first {@code length} bytes of {@code body}; they must be UTF-8. */
  public static Exposition parse(byte[] body, int length, Format format, Limits limits)
      throws ExpositionException {
    String text;
    if (isAscii(body, length)) {
      // The usual case: every byte is a character, and one copy makes the String.
      text = new String(body, 0, length, StandardCharsets.ISO_8859_1);
      return new ExpositionParser(format, limits).run(text);
    }
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(body, 0, length))
              .toString();
    } catch (CharacterCodingException e) {
      throw new ExpositionException(lineOf(body, length, e), Rule.INVALID_UTF8, "invalid UTF-8");
    }
    return new ExpositionParser(format, limits).run(text);
  }

  private static final java.lang.invoke.VarHandle LONGS =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
          long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

  /** True when no byte has its high bit set, checked eight bytes at a time. */
  static boolean isAscii(byte[] body) {
    return isAscii(body, body.length);
  }

  private static boolean isAscii(byte[] body, int length) {
    int i = 0;
    long bits = 0;
    for (; i + 8 <= length; i += 8) {
      bits |= (long) LONGS.get(body, i);
    }
    for (; i < length; i++) {
      bits |= body[i];
    }
    return (bits & 0x8080808080808080L) == 0;
  }

  private Exposition run(String text) throws ExpositionException {
    this.text = text;
    // One cursor for every sample line, and a series table sized for the body's likely series.
    Cursor lines = new Cursor(text, 0, 0);
    series.presize(text.length() / 64);
    boolean eof = false;
    int start = 0;
    while (start < text.length()) {
      int end = text.indexOf('\n', start);
      if (end < 0) {
        end = text.length();
      }
      int from = start;
      int to = end;
      start = end + 1;
      lineNumber++;
      if (eof) {
        throw error(Rule.EOF, "content after # EOF");
      }
      if (!om) {
        // "Leading and trailing whitespace is ignored"; "Empty lines are ignored".
        while (from < to && isBlank(text.charAt(from))) {
          from++;
        }
        while (to > from && isBlank(text.charAt(to - 1))) {
          to--;
        }
        if (from == to) {
          continue;
        }
      } else if (from == to) {
        throw error(Rule.EMPTY_LINE, "empty line (not allowed in OpenMetrics)");
      }
      if (text.charAt(from) == '#') {
        // Comments are few: they get their own String, samples are read in place.
        String line = text.substring(from, to);
        if (om && line.equals("# EOF")) {
          eof = true;
        } else if (om) {
          openMetricsComment(line);
        } else {
          textComment(line);
        }
        continue;
      }
      sample(lines.reset(from, to));
    }
    if (om && !eof) {
      throw new ExpositionException(
          lineNumber, Rule.EOF, "missing # EOF: the exposition is truncated");
    }
    close(current);
    List<MetricFamily> result = new ArrayList<>();
    for (FamilyBuilder family : families.values()) {
      result.add(family.build(format));
    }
    return new Exposition(List.copyOf(result), dropped, truncated);
  }

  private static boolean isBlank(char c) {
    return c == ' ' || c == '\t';
  }

  /**
   * {@code metric-descriptor = HASH SP (type / help / unit) SP metricname SP ...}: single spaces,
   * and no other comments ("you MUST NOT expose lines beginning with a #").
   */
  private void openMetricsComment(String line) throws ExpositionException {
    int keywordEnd = line.indexOf(' ', 2);
    String keyword =
        line.startsWith("# ") ? line.substring(2, keywordEnd < 0 ? line.length() : keywordEnd) : "";
    if (!keyword.equals("HELP") && !keyword.equals("TYPE") && !keyword.equals("UNIT")) {
      throw error(
          Rule.COMMENT, "unexpected comment (OpenMetrics allows only HELP, TYPE, UNIT and EOF)");
    }
    int nameEnd = keywordEnd < 0 ? -1 : line.indexOf(' ', keywordEnd + 1);
    String name =
        keywordEnd < 0 ? "" : line.substring(keywordEnd + 1, nameEnd < 0 ? line.length() : nameEnd);
    if (!METRIC_NAME.matcher(name).matches()) {
      throw error(Rule.METRIC_NAME, "invalid metric name '" + name + "' in " + keyword);
    }
    if (nameEnd < 0) {
      throw error(
          Rule.METADATA,
          keyword
              + " "
              + name
              + " needs a space after the name, then its value (which may be empty)");
    }
    metadata(keyword, name, line.substring(nameEnd + 1));
  }

  /**
   * "Lines with a # as the first non-whitespace character are comments. They are ignored unless the
   * first token after # is either HELP or TYPE"; tokens are separated by blanks and tabs.
   */
  private void textComment(String line) throws ExpositionException {
    int at = skipBlanks(line, 1);
    int end = tokenEnd(line, at);
    String keyword = line.substring(at, end);
    if (!keyword.equals("HELP") && !keyword.equals("TYPE")) {
      return; // a plain comment
    }
    at = skipBlanks(line, end);
    end = tokenEnd(line, at);
    String name = line.substring(at, end);
    if (!METRIC_NAME.matcher(name).matches()) {
      throw error(Rule.METRIC_NAME, "invalid metric name '" + name + "' in " + keyword);
    }
    String rest = line.substring(skipBlanks(line, end)); // the line's end is trimmed already
    if (keyword.equals("TYPE") && (rest.isEmpty() || tokenEnd(rest, 0) != rest.length())) {
      throw error(Rule.METADATA, "TYPE takes exactly two tokens: a metric name and a type");
    }
    metadata(keyword, name, rest);
  }

  private static int skipBlanks(String line, int at) {
    while (at < line.length() && isBlank(line.charAt(at))) {
      at++;
    }
    return at;
  }

  private static int tokenEnd(String line, int at) {
    while (at < line.length() && !isBlank(line.charAt(at))) {
      at++;
    }
    return at;
  }

  private void metadata(String keyword, String name, String value) throws ExpositionException {
    FamilyBuilder family = familyNamed(name);
    if (family.samplesSeen > 0 && (om || keyword.equals("TYPE"))) {
      throw error(Rule.METADATA_ORDER, keyword + " for " + name + " after its samples");
    }
    switch (keyword) {
      case "HELP" -> {
        if (family.helpSeen) {
          throw error(Rule.METADATA_ORDER, "second HELP for " + name);
        }
        family.helpSeen = true;
        String help = unescapeHelp(value);
        // "The value of a UNIT or HELP line MAY be empty. This MUST be treated as if no metadata
        // line for the MetricFamily existed."
        family.help = help.isEmpty() ? null : help;
      }
      case "TYPE" -> {
        if (family.typeDeclared) {
          throw error(Rule.METADATA_ORDER, "second TYPE for " + name);
        }
        MetricType type = MetricType.of(value, format);
        if (type == null) {
          throw error(Rule.METADATA, "unknown type '" + value + "' for " + name);
        }
        family.type = type;
        family.typeDeclared = true;
      }
      default -> {
        if (family.unitSeen) {
          throw error(Rule.METADATA_ORDER, "second UNIT for " + name);
        }
        if (!UNIT.matcher(value).matches()) {
          throw error(
              Rule.METADATA,
              "unit '" + value + "' of " + name + " has characters a metric name may not");
        }
        family.unitSeen = true;
        family.unit = value.isEmpty() ? null : value;
      }
    }
  }

  /** The family a metadata line names, started when it is new. */
  private FamilyBuilder familyNamed(String name) throws ExpositionException {
    if (current != null && current.name.equals(name)) {
      return current;
    }
    FamilyBuilder family = families.get(name);
    if (family != null) {
      if (om) {
        throw error(
            Rule.INTERLEAVED,
            "metadata for " + name + " after other families: families must not be interleaved");
      }
      current = family;
      return family;
    }
    return start(name);
  }

  private FamilyBuilder start(String name) throws ExpositionException {
    close(current);
    if (om && claimedNames.contains(name)) {
      throw error(
          Rule.NAME_CLASH, "family " + name + " clashes with a sample name of an earlier family");
    }
    FamilyBuilder family = new FamilyBuilder(name);
    families.put(name, family);
    current = family;
    return family;
  }

  /**
   * OpenMetrics, as a family ends: its last histogram point is complete, its unit is the name's
   * suffix ("an underscore and the unit MUST be the suffix of the MetricFamily name", empty for
   * info and stateset), and none of its sample names clashes with another family's.
   */
  private void close(FamilyBuilder family) throws ExpositionException {
    if (!om || family == null) {
      return;
    }
    if (family.rules != null) {
      family.rules.close();
    }
    if (family.unit != null) {
      if (!family.name.endsWith("_" + family.unit)) {
        throw error(Rule.UNIT, "unit " + family.unit + " is not the suffix of " + family.name);
      }
      if (family.type == MetricType.INFO || family.type == MetricType.STATESET) {
        throw error(Rule.UNIT, family.type.word() + " " + family.name + " may not have a unit");
      }
    }
    if (!claimedNames.add(family.name)) {
      throw error(
          Rule.NAME_CLASH,
          "family " + family.name + " clashes with a sample name of another family");
    }
    for (String suffix : family.type.suffixes()) {
      if (!suffix.isEmpty() && !claimedNames.add(family.name + suffix)) {
        throw error(
            Rule.NAME_CLASH,
            "family "
                + family.name
                + "'s "
                + family.name
                + suffix
                + " clashes with another family");
      }
    }
  }

  private void sample(Cursor cursor) throws ExpositionException {
    int nameStart = cursor.at;
    int nameEnd = cursor.scanName(true);
    if (nameEnd == nameStart) {
      throw error(Rule.METRIC_NAME, "expected a metric name at column 1");
    }
    String name = names.intern(text, nameStart, nameEnd);
    cursor.at = nameEnd;
    char next = cursor.peek();
    if (!cursor.atEnd() && next != '{' && next != ' ' && next != '\t') {
      throw error(Rule.METRIC_NAME, "invalid metric name at '" + name + next + "'");
    }
    boolean blank = !om && cursor.skipSpaces();
    List<Sample.Label> labels = List.of();
    if (cursor.peek() == '{') {
      labels = labels(cursor);
      blank = !om && cursor.skipSpaces() || !om; // after '}' the text format needs no blank
    }
    if (om ? !cursor.consume(' ') : !blank) {
      throw error(
          Rule.SAMPLE,
          om && next == '\t' || om && cursor.peek() == '\t'
              ? "tab after " + name + ": OpenMetrics separates with single spaces"
              : "expected a space and a value after " + name);
    }
    int valueStart = cursor.at;
    int valueEnd = cursor.tokenEnd(om);
    cursor.at = valueEnd;
    if (valueStart == valueEnd) {
      throw error(Rule.SAMPLE, "expected a value after " + name + (om ? " (after one space)" : ""));
    }
    double value =
        om
            ? Numbers.openMetricsNumber(text, valueStart, valueEnd)
            : Numbers.goFloat(text, valueStart, valueEnd);
    if (Numbers.invalid(value)) {
      throw badNumber(Rule.VALUE, "value", valueStart, valueEnd);
    }
    Long timestamp = null;
    String exemplar = null;
    if (om) {
      // sample = metricname [labels] SP number [SP timestamp] [exemplar] LF
      if (cursor.consume(' ')) {
        if (cursor.peek() != '#') {
          timestamp = timestamp(cursor);
          if (!cursor.atEnd() && (!cursor.consume(' ') || cursor.peek() != '#')) {
            throw error(
                Rule.SAMPLE, "unexpected text after the timestamp: '" + cursor.rest() + "'");
          }
        }
        if (!cursor.atEnd()) {
          exemplar = exemplar(cursor);
        }
      } else if (!cursor.atEnd()) {
        throw error(Rule.SAMPLE, "unexpected text after the value: '" + cursor.rest() + "'");
      }
    } else if (cursor.skipSpaces()) {
      if (cursor.peek() == '#') {
        throw error(Rule.EXEMPLAR, "exemplars are OpenMetrics only");
      }
      timestamp = timestamp(cursor);
      if (cursor.skipSpaces() && !cursor.atEnd()) {
        throw error(
            cursor.peek() == '#' ? Rule.EXEMPLAR : Rule.SAMPLE,
            cursor.peek() == '#'
                ? "exemplars are OpenMetrics only"
                : "unexpected text after the timestamp: '" + cursor.rest() + "'");
      }
    }
    FamilyBuilder family = familyOf(name);
    Sample sample = new Sample(name, labels, value, timestamp, exemplar);
    boolean repeated = !series.add(sample);
    boolean keep = true;
    if (om) {
      keep = family.rules().check(sample, repeated, lineNumber);
    } else {
      checkTextLabels(family, name, labels);
      if (repeated) {
        // "Each line must have a unique combination of metric name and labels."
        throw error(Rule.DUPLICATE_SERIES, "duplicate series " + name + labels(labels));
      }
    }
    family.samplesSeen++;
    if (series.size() > limits.maxSeries()) {
      // Past the cap, new series are dropped, and so are later points of earlier ones: only
      // OpenMetrics repeats a series, and its Metrics are contiguous, so this loses little.
      if (!repeated) {
        dropped++;
      }
      return;
    }
    if (keep) {
      family.samples.add(sample);
    }
  }

  private Long timestamp(Cursor cursor) throws ExpositionException {
    int from = cursor.at;
    int to = cursor.tokenEnd(om);
    cursor.at = to;
    if (from == to) {
      throw error(Rule.SAMPLE, "expected a timestamp after one space");
    }
    Long timestamp =
        om ? Numbers.openMetricsTimestamp(text, from, to) : Numbers.goInt64(text, from, to);
    if (timestamp == null) {
      throw badNumber(
          Rule.TIMESTAMP, om ? "timestamp" : "timestamp (milliseconds as an int64)", from, to);
    }
    return timestamp;
  }

  private ExpositionException badNumber(Rule rule, String what, int from, int to) {
    String token = text.substring(from, to);
    if (token.indexOf('\r') >= 0) {
      return error(Rule.SAMPLE, "carriage return: lines end with \\n alone");
    }
    return error(rule, "invalid " + what + " '" + token + "'");
  }

  /** {@code exemplar = SP HASH SP labels SP number [SP timestamp]}, the leading space consumed. */
  private String exemplar(Cursor cursor) throws ExpositionException {
    cursor.expect('#');
    int start = cursor.at + 1;
    if (!cursor.consume(' ') || cursor.peek() != '{') {
      throw error(Rule.EXEMPLAR, "an exemplar is # {labels} value [timestamp]");
    }
    List<Sample.Label> labels = labels(cursor);
    int runes = 0;
    for (Sample.Label label : labels) {
      runes += label.name().codePointCount(0, label.name().length());
      runes += label.value().codePointCount(0, label.value().length());
    }
    if (runes > 128) {
      throw error(Rule.EXEMPLAR, "exemplar labels longer than 128 code points");
    }
    if (!cursor.consume(' ')) {
      throw error(Rule.EXEMPLAR, "an exemplar needs a space and a value after its labels");
    }
    int valueStart = cursor.at;
    int valueEnd = cursor.tokenEnd(true);
    cursor.at = valueEnd;
    if (Numbers.invalid(Numbers.openMetricsNumber(text, valueStart, valueEnd))) {
      throw error(
          Rule.EXEMPLAR, "invalid exemplar value '" + text.substring(valueStart, valueEnd) + "'");
    }
    if (cursor.consume(' ')) {
      int from = cursor.at;
      int to = cursor.tokenEnd(true);
      cursor.at = to;
      if (Numbers.openMetricsTimestamp(text, from, to) == null) {
        throw error(Rule.EXEMPLAR, "invalid exemplar timestamp '" + text.substring(from, to) + "'");
      }
    }
    if (!cursor.atEnd()) {
      throw error(Rule.EXEMPLAR, "unexpected text after the exemplar: '" + cursor.rest() + "'");
    }
    return text.substring(start, cursor.end);
  }

  /**
   * The family a sample belongs to. OpenMetrics: the current family when its type allows the name,
   * else a new family of the sample's name (of unknown type), unless an earlier family claims the
   * name ("MetricFamilies MUST NOT be interleaved"). The text format: the named or typed family
   * that allows it wherever it was, else a new untyped one.
   */
  private FamilyBuilder familyOf(String sampleName) throws ExpositionException {
    if (current != null && current.accepts(sampleName, format)) {
      return current;
    }
    if (om) {
      if (claimedNames.contains(sampleName) || families.containsKey(sampleName)) {
        throw error(
            Rule.INTERLEAVED,
            "sample " + sampleName + " away from its family: families must not be interleaved");
      }
      return start(sampleName);
    }
    FamilyBuilder named = families.get(sampleName);
    if (named != null && named.accepts(sampleName, format)) {
      current = named;
      return named;
    }
    for (FamilyBuilder family : families.values()) {
      if (family.typeDeclared && family.accepts(sampleName, format)) {
        current = family;
        return family;
      }
    }
    return start(sampleName);
  }

  /** The text format's histogram and summary conventions that a sample line alone shows. */
  private void checkTextLabels(FamilyBuilder family, String name, List<Sample.Label> labels)
      throws ExpositionException {
    if (family.type == MetricType.HISTOGRAM
        && name.endsWith("_bucket")
        && labels.stream().noneMatch(l -> l.name().equals("le"))) {
      throw error(Rule.HISTOGRAM, "histogram bucket " + name + " without an le label");
    }
    if (family.type == MetricType.SUMMARY
        && name.equals(family.name)
        && labels.stream().noneMatch(l -> l.name().equals("quantile"))) {
      throw error(Rule.SUMMARY, "summary sample " + name + " without a quantile label");
    }
  }

  /**
   * {@code labels = "{" [label *(COMMA label)] "}"}; the text format also takes blanks between the
   * tokens and a trailing comma.
   */
  private List<Sample.Label> labels(Cursor cursor) throws ExpositionException {
    cursor.expect('{');
    List<Sample.Label> labels = scratchLabels;
    labels.clear();
    if (!om) {
      cursor.skipSpaces();
    }
    if (!cursor.consume('}')) {
      while (true) {
        Sample.Label label = knownPair(cursor);
        if (label == null) {
          label = pair(cursor);
        }
        for (int i = 0, n = labels.size(); i < n; i++) {
          if (labels.get(i).name().equals(label.name())) {
            throw error(Rule.LABELS, "label " + label.name() + " given twice");
          }
        }
        labels.add(label);
        if (!om) {
          cursor.skipSpaces();
        }
        if (cursor.consume('}')) {
          break;
        }
        if (!cursor.consume(',')) {
          throw error(Rule.LABELS, "expected , or } in the labels");
        }
        if (!om) {
          cursor.skipSpaces();
          if (cursor.consume('}')) {
            break;
          }
        }
      }
    }
    Sample.Label[] array = new Sample.Label[labels.size()];
    for (int i = 0; i < array.length; i++) {
      array[i] = labels.get(i);
    }
    return Labels.ofTrusted(array);
  }

  /**
   * {@code label = label-name EQ DQUOTE escaped-string DQUOTE} (with blanks in the text format).
   */
  private Sample.Label pair(Cursor cursor) throws ExpositionException {
    int pairStart = cursor.at;
    int labelNameEnd = cursor.scanName(false);
    if (labelNameEnd == pairStart) {
      throw error(Rule.LABELS, "invalid label name at column " + (cursor.position() + 1));
    }
    String labelName = names.intern(cursor.text, pairStart, labelNameEnd);
    cursor.at = labelNameEnd;
    boolean compact = true;
    if (!om) {
      compact &= !cursor.skipSpaces();
    }
    if (!cursor.consume('=')) {
      throw error(Rule.LABELS, "expected =\" after label " + labelName);
    }
    if (!om) {
      compact &= !cursor.skipSpaces();
    }
    if (!cursor.consume('"')) {
      throw error(Rule.LABELS, "expected =\" after label " + labelName);
    }
    int valueStart = cursor.at;
    String value = labelValue(cursor);
    boolean plain = compact && cursor.at - valueStart == value.length() + 1;
    if (value.length() > limits.maxLabelValueLength()) {
      value = value.substring(0, limits.maxLabelValueLength());
      truncated++;
      plain = false;
    }
    Sample.Label label = new Sample.Label(labelName, shareIfRoom(value));
    if (plain) {
      // name="value" with no escape and no cut: the same text is the same Label next time.
      pairs.put(text, pairStart, cursor.at - 1, label);
    }
    return label;
  }

  /**
   * The shared Label for the pair at the cursor when that exact text ({@code name="value"}) was
   * seen before in this scrape, with the cursor moved past it; else null, nothing consumed.
   */
  private Sample.Label knownPair(Cursor cursor) {
    if (pairs.isEmpty()) {
      return null;
    }
    int start = cursor.at;
    int nameEnd = cursor.scanName(false);
    if (nameEnd == start
        || nameEnd + 1 >= cursor.end
        || text.charAt(nameEnd) != '='
        || text.charAt(nameEnd + 1) != '"') {
      return null;
    }
    int quote = -1;
    for (int i = nameEnd + 2; i < cursor.end; i++) {
      char c = text.charAt(i);
      if (c == '"') {
        quote = i;
        break;
      }
      if (c == '\\') {
        return null;
      }
    }
    if (quote < 0) {
      return null;
    }
    Sample.Label label = (Sample.Label) pairs.get(text, start, quote);
    if (label != null) {
      cursor.at = quote + 1;
    }
    return label;
  }

  /**
   * {@code escaped-string}: {@code \\}, {@code \"} and {@code \n} are read as the character; any
   * other backslash sequence ({@code escaped-char =/ BS normal-char}) is kept as it is written.
   */
  private String labelValue(Cursor cursor) throws ExpositionException {
    // Most values have no escapes: take them in place.
    String plain = cursor.takeUnescapedValue();
    if (plain != null) {
      return plain;
    }
    StringBuilder value = new StringBuilder();
    while (true) {
      if (cursor.atEnd()) {
        throw error(Rule.LABELS, "unterminated label value");
      }
      char c = cursor.next();
      if (c == '"') {
        return value.toString();
      }
      if (c == '\\') {
        if (cursor.atEnd()) {
          throw error(Rule.LABELS, "unterminated escape in a label value");
        }
        char escaped = cursor.next();
        switch (escaped) {
          case '\\' -> value.append('\\');
          case '"' -> value.append('"');
          case 'n' -> value.append('\n');
          default -> value.append('\\').append(escaped);
        }
      } else {
        value.append(c);
      }
    }
  }

  /**
   * HELP text: {@code \\} and {@code \n} are read as the character, and in OpenMetrics {@code \"}
   * too; other backslash sequences are kept as written (OpenMetrics' {@code BS normal-char}; the
   * text format names no others). A backslash ending the line escapes nothing and is refused.
   */
  private String unescapeHelp(String text) throws ExpositionException {
    if (text.indexOf('\\') < 0) {
      return text;
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c != '\\') {
        out.append(c);
        continue;
      }
      if (++i == text.length()) {
        throw error(Rule.METADATA, "unterminated escape at the end of HELP");
      }
      char escaped = text.charAt(i);
      switch (escaped) {
        case '\\' -> out.append('\\');
        case 'n' -> out.append('\n');
        case '"' -> out.append(om ? "\"" : "\\\"");
        default -> out.append('\\').append(escaped);
      }
    }
    return out.toString();
  }

  /** Shares label values too, until the table is full (unique values would only grow it). */
  private String shareIfRoom(String text) {
    if (pairs.isFull()) {
      // Values repeated under the same name are shared through their pair until the pair table
      // fills; past that, the values seen now are mostly unique ones: not worth a lookup each.
      return text;
    }
    String known = shared.get(text);
    if (known != null) {
      return known;
    }
    if (shared.size() < MAX_SHARED_STRINGS) {
      shared.put(text, text);
    }
    return text;
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

  private ExpositionException error(Rule rule, String reason) {
    return new ExpositionException(lineNumber, rule, reason);
  }

  private static int lineOf(byte[] body, int length, CharacterCodingException e) {
    // Find the first invalid sequence by decoding line by line.
    int line = 1;
    int start = 0;
    for (int i = 0; i <= length; i++) {
      if (i == length || body[i] == '\n') {
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

  /**
   * Strings (or Labels) of this scrape by the text they were read from, found from a range of the
   * text without making a String of it. Open addressing; stops taking new entries at its cap.
   */
  static final class RangeTable {
    private final int cap;
    private String[] keys = new String[64];
    private Object[] values = new Object[64];
    private int[] hashes = new int[64];
    private int size;

    RangeTable(int cap) {
      this.cap = cap;
    }

    boolean isEmpty() {
      return size == 0;
    }

    boolean isFull() {
      return size >= cap;
    }

    private static int hash(String text, int from, int to) {
      int h = 0;
      for (int i = from; i < to; i++) {
        h = 31 * h + text.charAt(i);
      }
      return h ^ (h >>> 16);
    }

    /** The value stored for {@code text[from, to)}, or null. */
    Object get(String text, int from, int to) {
      int h = hash(text, from, to);
      int mask = keys.length - 1;
      int len = to - from;
      for (int i = h & mask; ; i = (i + 1) & mask) {
        String key = keys[i];
        if (key == null) {
          return null;
        }
        if (hashes[i] == h && key.length() == len && key.regionMatches(0, text, from, len)) {
          return values[i];
        }
      }
    }

    /** Stores {@code value} for {@code text[from, to)} unless full or already there. */
    void put(String text, int from, int to, Object value) {
      if (size >= cap) {
        return;
      }
      int h = hash(text, from, to);
      int mask = keys.length - 1;
      int len = to - from;
      int i = h & mask;
      for (; keys[i] != null; i = (i + 1) & mask) {
        if (hashes[i] == h
            && keys[i].length() == len
            && keys[i].regionMatches(0, text, from, len)) {
          return;
        }
      }
      keys[i] = text.substring(from, to);
      values[i] = value;
      hashes[i] = h;
      if (++size * 2 > keys.length) {
        grow();
      }
    }

    /** The one String of this scrape equal to {@code text[from, to)}. */
    String intern(String text, int from, int to) {
      Object known = get(text, from, to);
      if (known != null) {
        return (String) known;
      }
      String value = text.substring(from, to);
      if (size < cap) {
        int h = hash(text, from, to);
        int mask = keys.length - 1;
        int i = h & mask;
        while (keys[i] != null) {
          i = (i + 1) & mask;
        }
        keys[i] = value;
        values[i] = value;
        hashes[i] = h;
        if (++size * 2 > keys.length) {
          grow();
        }
      }
      return value;
    }

    private void grow() {
      String[] oldKeys = keys;
      Object[] oldValues = values;
      int[] oldHashes = hashes;
      keys = new String[oldKeys.length * 2];
      values = new Object[keys.length];
      hashes = new int[keys.length];
      int mask = keys.length - 1;
      for (int j = 0; j < oldKeys.length; j++) {
        if (oldKeys[j] != null) {
          int i = oldHashes[j] & mask;
          while (keys[i] != null) {
            i = (i + 1) & mask;
          }
          keys[i] = oldKeys[j];
          values[i] = oldValues[j];
          hashes[i] = oldHashes[j];
        }
      }
    }
  }

  /**
   * The series of one scrape, for the duplicate check: samples by {@link Sample.SeriesId}'s hash
   * and equality, in open-addressed arrays rather than one set entry and one key object per sample.
   */
  static final class SeriesSet {
    private Sample[] samples = new Sample[1024];
    private int[] hashes = new int[1024];
    private int size;

    int size() {
      return size;
    }

    /** Room for about {@code expected} series without growing. */
    void presize(int expected) {
      int capacity = Integer.highestOneBit(Math.max(1024, Math.min(expected, 1 << 22)) * 2);
      if (size == 0 && capacity > samples.length) {
        samples = new Sample[capacity];
        hashes = new int[capacity];
      }
    }

    /** False when a sample of the same series is already in. */
    boolean add(Sample sample) {
      int h = Sample.SeriesId.hash(sample);
      int mask = samples.length - 1;
      int i = (h ^ (h >>> 16)) & mask;
      for (; samples[i] != null; i = (i + 1) & mask) {
        if (hashes[i] == h && Sample.SeriesId.same(samples[i], sample)) {
          return false;
        }
      }
      samples[i] = sample;
      hashes[i] = h;
      if (++size * 2 > samples.length) {
        grow();
      }
      return true;
    }

    private void grow() {
      Sample[] oldSamples = samples;
      int[] oldHashes = hashes;
      samples = new Sample[oldSamples.length * 2];
      hashes = new int[samples.length];
      int mask = samples.length - 1;
      for (int j = 0; j < oldSamples.length; j++) {
        if (oldSamples[j] != null) {
          int h = oldHashes[j];
          int i = (h ^ (h >>> 16)) & mask;
          while (samples[i] != null) {
            i = (i + 1) & mask;
          }
          samples[i] = oldSamples[j];
          hashes[i] = h;
        }
      }
    }
  }

  /** Collects one family's lines. */
  private static final class FamilyBuilder {
    final String name;
    MetricType type = MetricType.UNTYPED;
    boolean typeDeclared;
    boolean helpSeen;
    boolean unitSeen;
    String help;
    String unit;

    /** Samples read, kept or not (the cap): metadata after them is out of order either way. */
    int samplesSeen;

    OpenMetricsRules rules;
    final List<Sample> samples = new ArrayList<>();

    FamilyBuilder(String name) {
      this.name = name;
    }

    boolean accepts(String sampleName, Format format) {
      return type.accepts(name, sampleName, format);
    }

    /** The OpenMetrics rules for this family, made at its first sample (its metadata is in). */
    OpenMetricsRules rules() {
      if (rules == null) {
        rules = new OpenMetricsRules(name, type);
      }
      return rules;
    }

    /**
     * The family in the OpenMetrics shape: the text format names a counter family after its {@code
     * _total} sample, OpenMetrics without the suffix; one shape lets scrapes of either format merge
     * and be written as either.
     */
    MetricFamily build(Format format) {
      String familyName =
          format == Format.PROMETHEUS_TEXT && type == MetricType.COUNTER && name.endsWith("_total")
              ? name.substring(0, name.length() - 6)
              : name;
      return new MetricFamily(
          familyName, type, help, unit, java.util.Collections.unmodifiableList(samples));
    }
  }

  /** A read position in one line of the exposition, read in place. */
  private static final class Cursor {
    final String text;
    private int lineStart;
    int end;
    int at;

    Cursor(String text, int from, int end) {
      this.text = text;
      this.lineStart = from;
      this.at = from;
      this.end = end;
    }

    /** The same cursor over another line of the same text. */
    Cursor reset(int from, int to) {
      lineStart = from;
      at = from;
      end = to;
      return this;
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
      if (!atEnd() && text.charAt(at) == c) {
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

    /**
     * Where the token at the cursor ends: OpenMetrics tokens end at a space, text-format ones at a
     * space or a tab (or the line's end). Nothing consumed.
     */
    int tokenEnd(boolean openMetrics) {
      int i = at;
      while (i < end && text.charAt(i) != ' ' && (openMetrics || text.charAt(i) != '\t')) {
        i++;
      }
      return i;
    }

    /**
     * Where the metric name ({@code [a-zA-Z_:][a-zA-Z0-9_:]*}) or, without colons, label name at
     * the cursor ends; the cursor when none starts there. Nothing consumed.
     */
    int scanName(boolean colons) {
      int i = at;
      while (i < end) {
        char c = text.charAt(i);
        boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
        boolean allowed = letter || (colons && c == ':') || (i > at && c >= '0' && c <= '9');
        if (!allowed) {
          break;
        }
        i++;
      }
      return i;
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
