package io.outrigger.sidecar.metrics.exposition;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
      throw new ExpositionException(lineOf(body, length, e), "invalid UTF-8");
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
      sample(lines.reset(lineStart, end));
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
    int nameStart = cursor.at;
    int nameEnd = cursor.scanName(true);
    if (nameEnd == nameStart) {
      throw error("expected a metric name at column 1");
    }
    String name = names.intern(text, nameStart, nameEnd);
    cursor.at = nameEnd;
    List<Sample.Label> labels = cursor.peek() == '{' ? labels(cursor) : List.of();
    if (!cursor.skipSpaces()) {
      throw error("expected a space and a value after " + name);
    }
    int valueStart = cursor.at;
    int valueEnd = cursor.tokenEnd();
    cursor.at = valueEnd;
    double value =
        isDecimalNumber(text, valueStart, valueEnd)
            ? parseDecimal(text, valueStart, valueEnd)
            : number(text.substring(valueStart, valueEnd), "value");
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
    if (!series.add(sample)) {
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
      Sample.Label known = knownPair(cursor);
      if (known != null) {
        for (int i = 0, n = labels.size(); i < n; i++) {
          if (labels.get(i).name().equals(known.name())) {
            throw error("label " + known.name() + " given twice");
          }
        }
        labels.add(known);
        if (!cursor.consume(',')) {
          break;
        }
        continue;
      }
      int pairStart = cursor.at;
      int labelNameEnd = cursor.scanName(false);
      String labelName =
          labelNameEnd == pairStart ? null : names.intern(cursor.text, pairStart, labelNameEnd);
      cursor.at = labelNameEnd;
      if (labelName == null) {
        throw error("invalid label name at column " + (cursor.position() + 1));
      }
      for (int i = 0, n = labels.size(); i < n; i++) {
        if (labels.get(i).name().equals(labelName)) {
          throw error("label " + labelName + " given twice");
        }
      }
      if (!cursor.consume('=') || !cursor.consume('"')) {
        throw error("expected =\" after label " + labelName);
      }
      int valueStart = cursor.at;
      String value = labelValue(cursor);
      boolean plain = cursor.at - valueStart == value.length() + 1;
      if (value.length() > limits.maxLabelValueLength()) {
        value = value.substring(0, limits.maxLabelValueLength());
        truncated++;
        plain = false;
      }
      Sample.Label label = new Sample.Label(labelName, shareIfRoom(value));
      if (plain && cursor.text == text) {
        // name="value" with no escape and no cut: the same text is the same Label next time.
        pairs.put(text, pairStart, cursor.at - 1, label);
      }
      labels.add(label);
      if (!cursor.consume(',')) {
        break;
      }
    }
    if (!cursor.consume('}')) {
      throw error("expected , or } in the labels");
    }
    Sample.Label[] array = new Sample.Label[labels.size()];
    for (int i = 0; i < array.length; i++) {
      array[i] = labels.get(i);
    }
    return Labels.ofTrusted(array);
  }

  /**
   * The shared Label for the pair at the cursor when that exact text ({@code name="value"}) was
   * seen before in this scrape, with the cursor moved past it; else null, nothing consumed.
   */
  private Sample.Label knownPair(Cursor cursor) {
    if (cursor.text != text || pairs.isEmpty()) {
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
    return isDecimalNumber(text, 0, text.length());
  }

  private static boolean isDecimalNumber(String text, int from, int n) {
    int i = from;
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
    return parseDecimal(text, 0, text.length());
  }

  private static double parseDecimal(String text, int from, int to) {
    int start = text.charAt(from) == '-' || text.charAt(from) == '+' ? from + 1 : from;
    if (to - start > 0 && to - start <= 15) {
      long value = 0;
      for (int i = start; i < to; i++) {
        char c = text.charAt(i);
        if (!isDigit(c)) {
          return Double.parseDouble(text.substring(from, to));
        }
        value = value * 10 + (c - '0');
      }
      return text.charAt(from) == '-' ? (value == 0 ? -0.0 : -value) : value;
    }
    return Double.parseDouble(text.substring(from, to));
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

    Cursor(String line) {
      this(line, 0, line.length());
    }

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
      at = tokenEnd();
      return text.substring(from, at);
    }

    /** Where the token at the cursor ends (a space, a tab or the line's end); nothing consumed. */
    int tokenEnd() {
      int i = at;
      while (i < end && text.charAt(i) != ' ' && text.charAt(i) != '\t') {
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
