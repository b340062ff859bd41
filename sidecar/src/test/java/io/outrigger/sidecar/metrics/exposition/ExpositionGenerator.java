package io.outrigger.sidecar.metrics.exposition;

import io.outrigger.sidecar.metrics.exposition.ExpositionParser.Format;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * Seeded expositions of both formats for the differential test. A valid one is built from the
 * grammar and the type rules (every production: each type and its suffixes, metadata in any order,
 * escapes, exemplars, timestamps with repeated points, every number spelling, empty label sets); an
 * invalid one is a valid one with one named rule broken, the name being the key the test's
 * allow-list and report use.
 */
final class ExpositionGenerator {

  /**
   * One exposition.
   *
   * @param broken the rule the exposition breaks; null when it is valid
   * @param quirks what a valid exposition holds that the reference is known to misread (see {@link
   *     KnownDifferences})
   */
  record Case(int id, Format format, String text, String broken, Set<String> quirks) {
    boolean valid() {
      return broken == null;
    }
  }

  /** A label value as written and as it reads. */
  private record Value(String written, String read) {}

  /** A number as written and the double it is. */
  private record Num(String written, double value) {}

  private static final Value[] LABEL_VALUES = {
    new Value("", ""),
    new Value("GET", "GET"),
    new Value("200", "200"),
    new Value("a b", "a b"),
    new Value("x\\\\y", "x\\y"),
    new Value("say \\\"hi\\\"", "say \"hi\""),
    new Value("line\\nbreak", "line\nbreak"),
    new Value("Zürich", "Zürich"),
    new Value("東京", "東京"),
    new Value("😀 emoji", "😀 emoji"),
    new Value("nul\u0000byte", "nul\u0000byte"),
    new Value("tab\there", "tab\there"),
    new Value(" # ", " # "),
    new Value("}", "}"),
    new Value("{", "{"),
    new Value(",", ","),
    new Value("=", "="),
    new Value("a=\\\"b\\\",c", "a=\"b\",c"),
    new Value("trail\\\\", "trail\\"),
    // Escapes the grammar leaves as they are (escaped-char =/ BS normal-char).
    new Value("\\q", "\\q"),
    new Value("C:\\dir\\file", "C:\\dir\\file"),
    new Value("\\\\\\t", "\\\\t"),
  };

  private static final String[] LABEL_NAMES = {"a", "method", "code", "_x", "Z9", "path", "zone"};
  private static final String[] STEMS = {
    "http_requests", "a", "Process:cpu", "_under", "job:latency:rate5m", "x9", "UPPER_case"
  };
  private static final String[] UNITS = {"seconds", "bytes", "ratio", "celsius"};

  /** Any value: every spelling of the ABNF's number (case-insensitive words) and of Go's floats. */
  private static final Num[] ANY_VALUES = {
    new Num("0", 0),
    new Num("1", 1),
    new Num("-1", -1),
    new Num("+3", 3),
    new Num("0042", 42),
    new Num("-0", -0.0),
    new Num("1.5", 1.5),
    new Num("-2.25", -2.25),
    new Num(".5", .5),
    new Num("5.", 5),
    new Num("1e3", 1e3),
    new Num("1E-3", 1e-3),
    new Num("-2.5e+10", -2.5e10),
    new Num("123456789012345678901234567890", 1.2345678901234568e29),
    new Num("1.7976931348623157e308", Double.MAX_VALUE),
    new Num("4.9e-324", Double.MIN_VALUE),
    new Num("NaN", Double.NaN),
    new Num("nan", Double.NaN),
    new Num("NAN", Double.NaN),
    new Num("+Inf", Double.POSITIVE_INFINITY),
    new Num("-Inf", Double.NEGATIVE_INFINITY),
    new Num("inf", Double.POSITIVE_INFINITY),
    new Num("+inf", Double.POSITIVE_INFINITY),
    new Num("-infinity", Double.NEGATIVE_INFINITY),
    new Num("Infinity", Double.POSITIVE_INFINITY),
    new Num("INF", Double.POSITIVE_INFINITY),
  };

  /** Counter-like values (totals, sums): not NaN, not negative. */
  private static final Num[] COUNTER_VALUES = {
    new Num("0", 0),
    new Num("17", 17),
    new Num("3.5", 3.5),
    new Num("1e3", 1e3),
    new Num("4.20072246e+06", 4.20072246e6),
    new Num("+Inf", Double.POSITIVE_INFINITY),
    new Num(".25", .25),
  };

  /** Bucket thresholds, increasing, distinct; the last bucket is always +Inf. */
  private static final Num[] LE = {
    new Num("-5.0", -5),
    new Num("-1", -1),
    new Num("0.0", 0),
    new Num("1e-05", 1e-5),
    new Num("0.0001", 1e-4),
    new Num("0.1", .1),
    new Num("1.0", 1),
    new Num("2.5", 2.5),
    new Num("10", 10),
    new Num("100000.0", 1e5),
    new Num("1e+06", 1e6),
    new Num("1.1e+23", 1.1e23),
  };

  private static final String[] QUANTILES = {"0", "0.25", "0.5", "0.9", "0.99", "0.999", "1.0"};

  /** Timestamps of one point; repeated points count up from these. */
  private static final String[] OM_TIMESTAMPS = {
    "0", "1520879607", "1520879607.789", "-5", "1604676851.123456789", "1.5e9", "7.", ".5", "-3.250"
  };

  private final Random random;
  private int id;
  private Set<String> quirks = new HashSet<>();

  ExpositionGenerator(long seed) {
    this.random = new Random(seed);
  }

  /** {@code count} cases, formats alternating, about two in three valid. */
  List<Case> generate(int count) {
    List<Case> cases = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      Format format = i % 2 == 0 ? Format.OPENMETRICS : Format.PROMETHEUS_TEXT;
      boolean valid = random.nextInt(3) != 0;
      cases.add(format == Format.OPENMETRICS ? openMetrics(valid) : text(valid));
    }
    return cases;
  }

  // ---------------------------------------------------------------- OpenMetrics

  private Case openMetrics(boolean valid) {
    quirks = new HashSet<>();
    List<List<String>> families = new ArrayList<>();
    int n = random.nextInt(4) + (valid ? 1 : 0);
    for (int k = 0; k < n; k++) {
      families.add(omFamily("f" + k + "_" + pick(STEMS), quirks));
    }
    String broken = null;
    List<String> lines = new ArrayList<>();
    boolean eof = true;
    boolean finalNewline = random.nextBoolean();
    if (!valid) {
      broken = pick(OM_BROKEN);
      List<String> bad = new ArrayList<>();
      switch (broken) {
        case "om.eof.missing" -> eof = false;
        case "om.eof.content_after", "om.eof.blank_after", "om.eof.twice" -> {}
        case "om.blank_line" -> bad.add("");
        default -> bad.addAll(omBroken(broken, "b" + n + "_" + pick(STEMS).replace(":", "")));
      }
      families.add(random.nextInt(families.size() + 1), bad);
    }
    for (List<String> family : families) {
      lines.addAll(family);
    }
    StringBuilder text = new StringBuilder();
    for (String line : lines) {
      text.append(line).append('\n');
    }
    if (eof) {
      text.append("# EOF");
      switch (String.valueOf(broken)) {
        case "om.eof.content_after" -> text.append("\nlate 1\n");
        case "om.eof.blank_after" -> text.append("\n\n");
        case "om.eof.twice" -> text.append("\n# EOF\n");
        default -> text.append(finalNewline ? "\n" : "");
      }
    }
    return new Case(id++, Format.OPENMETRICS, text.toString(), broken, quirks);
  }

  private static final String[] OM_TYPES = {
    "counter",
    "gauge",
    "histogram",
    "gaugehistogram",
    "summary",
    "info",
    "stateset",
    "unknown",
    null
  };

  /** One valid family: metadata in any order, then its metrics, each with one or more points. */
  private List<String> omFamily(String stem, Set<String> quirks) {
    String type = pick(OM_TYPES);
    if ("stateset".equals(type)) {
      stem = stem.replace(":", ""); // its name is also a label name
    }
    boolean unitAllowed = !"info".equals(type) && !"stateset".equals(type);
    String unit = unitAllowed && random.nextInt(3) == 0 ? pick(UNITS) : null;
    String name = unit != null ? stem + "_" + unit : stem;
    List<String> metadata = new ArrayList<>();
    if (type != null) {
      metadata.add("# TYPE " + name + " " + type);
    }
    if (unit != null) {
      metadata.add("# UNIT " + name + " " + unit);
    } else if (unitAllowed && random.nextInt(8) == 0) {
      metadata.add("# UNIT " + name + " "); // empty: as if there were none
    }
    if (random.nextBoolean()) {
      metadata.add("# HELP " + name + " " + pick(OM_HELP));
    }
    Collections.shuffle(metadata, random);
    List<String> lines = new ArrayList<>(metadata);
    String t = type == null ? "unknown" : type;
    int metrics = random.nextInt(4);
    List<String> excluded = new ArrayList<>(List.of("le", "quantile", name));
    List<List<String>> sets = labelSets(metrics, excluded);
    boolean infoTimestamps = random.nextBoolean();
    boolean infoMixed = t.equals("info") && random.nextInt(6) == 0;
    // The reference reads all info samples of a family as one group: one timestamp for all of them.
    List<String> infoStamp = timestamps(1, quirks);
    for (List<String> labels : sets) {
      int points = random.nextInt(5) == 0 ? 2 + random.nextInt(2) : 1;
      boolean stamped =
          t.equals("info")
              ? (infoMixed ? random.nextBoolean() : infoTimestamps)
              : points > 1 || random.nextInt(4) == 0;
      if (t.equals("info")) {
        points =
            1; // one point per label set: to the reference, a family's info samples are one group
      }
      List<String> stamps =
          !stamped ? null : t.equals("info") ? infoStamp : timestamps(points, quirks);
      if (points > 1 && (t.equals("histogram") || t.equals("gaugehistogram"))) {
        quirks.add("reference.repeated_point_refused");
      }
      // A stateset's states are the same in each of its points.
      List<String> states =
          pick(List.of(List.of("a"), List.of("a", "bb", "ccc"), List.of("on", "off")));
      for (int p = 0; p < points; p++) {
        String ts = stamps == null ? null : stamps.get(p);
        lines.addAll(omPoint(name, t, labels, states, ts));
      }
    }
    if (infoMixed) {
      quirks.add("reference.info_timestamp_presence");
    }
    return lines;
  }

  /** {@code points} increasing timestamps in one written form. */
  private List<String> timestamps(int points, Set<String> quirks) {
    String first = pick(OM_TIMESTAMPS);
    List<String> out = new ArrayList<>();
    out.add(first);
    double base = Double.parseDouble(first);
    boolean exponent = first.contains("e");
    int step = 0;
    for (int p = 1; p < points; p++) {
      // Whole seconds forward, in the same form as the first (so the reference compares like with
      // like); a fraction that shrinks while the seconds grow trips the reference's comparison.
      step += 1 + random.nextInt(30);
      if (exponent) {
        out.add(
            new java.math.BigDecimal(first).add(java.math.BigDecimal.valueOf(step)).toPlainString()
                + "e0");
      } else if (first.contains(".") && random.nextBoolean()) {
        out.add(String.valueOf((long) Math.floor(base) + step) + ".001");
      } else {
        out.add(shift(first, step));
      }
    }
    for (int p = 1; p < out.size(); p++) {
      // The reference compares (sec, nsec) as sec > sec or nsec > nsec: a shrinking fraction trips
      // it.
      if (fraction(out.get(p - 1)) > fraction(out.get(p))) {
        quirks.add("reference.timestamp_compare");
      }
    }
    for (String ts : out) {
      if (ts.startsWith("-0.") || ts.startsWith("-.")) {
        quirks.add("reference.negative_fraction_timestamp");
      }
      if (readAsFloat(ts) != readAsFloat(first)) {
        quirks.add("reference.timestamp_forms");
      }
    }
    return out;
  }

  /**
   * How the reference reads a timestamp: digits with an optional fraction become its Timestamp,
   * anything else a float, and it cannot compare the two.
   */
  private static boolean readAsFloat(String ts) {
    return !ts.matches("[+-]?[0-9]+(\\.[0-9]*)?");
  }

  private static double fraction(String ts) {
    double v = Math.abs(Double.parseDouble(ts));
    return v - Math.floor(v);
  }

  /** {@code ts} plus whole seconds, written with the same fraction digits. */
  private static String shift(String ts, int seconds) {
    int dot = ts.indexOf('.');
    if (dot < 0) {
      return Long.toString(Long.parseLong(ts) + seconds);
    }
    String whole = ts.substring(0, dot);
    String fraction = ts.substring(dot);
    long w = whole.isEmpty() || whole.equals("-") ? 0 : Long.parseLong(whole);
    boolean negative = ts.startsWith("-");
    if (negative) {
      // -3.250 + 10 = 6.750: write it exactly.
      java.math.BigDecimal v =
          new java.math.BigDecimal(ts).add(java.math.BigDecimal.valueOf(seconds));
      return v.toPlainString();
    }
    return (w + seconds) + fraction;
  }

  /** The samples of one point of one metric. */
  private List<String> omPoint(
      String name, String type, List<String> labels, List<String> states, String ts) {
    List<String> out = new ArrayList<>();
    switch (type) {
      case "counter" -> {
        out.add(
            sample(
                name + "_total",
                labels,
                pick(COUNTER_VALUES).written(),
                ts,
                exemplar(pick("0.67", "9.8", "1", "-1e-3", "+Inf", "NaN"))));
        if (random.nextBoolean()) {
          out.add(sample(name + "_created", labels, "1520430000.123", ts, null));
        }
      }
      case "gauge", "unknown" ->
          out.add(sample(name, labels, pick(ANY_VALUES).written(), ts, null));
      case "info" -> out.add(sample(name + "_info", labels, pick("1", "1.0", "1e0"), ts, null));
      case "stateset" -> {
        for (String state : states) {
          List<String> with = new ArrayList<>(labels);
          with.add(random.nextInt(with.size() + 1), name + "=\"" + state + "\"");
          out.add(sample(name, with, pick("0", "1", "0.0", "1.0"), ts, null));
        }
      }
      case "histogram", "gaugehistogram" -> out.addAll(histogramPoint(name, type, labels, ts));
      case "summary" -> out.addAll(summaryPoint(name, labels, ts));
      default -> throw new IllegalStateException(type);
    }
    return out;
  }

  private List<String> histogramPoint(String name, String type, List<String> labels, String ts) {
    boolean gauge = type.equals("gaugehistogram");
    List<Num> les = new ArrayList<>();
    for (Num le : LE) {
      if (random.nextInt(3) == 0) {
        les.add(le);
      }
    }
    boolean negative = !les.isEmpty() && les.get(0).value() < 0;
    List<String> out = new ArrayList<>();
    long count = 0;
    for (Num le : les) {
      count += random.nextInt(4);
      out.add(
          sample(
              name + "_bucket",
              withLabel(labels, "le", le.written()),
              bucketCount(count),
              ts,
              exemplar(le.written())));
    }
    count += random.nextInt(3);
    out.add(
        sample(
            name + "_bucket",
            withLabel(labels, "le", "+Inf"),
            bucketCount(count),
            ts,
            exemplar("+Inf")));
    List<String> rest = new ArrayList<>();
    // If and only if a sum is given, the count is too; a sum only without negative thresholds
    // (a gauge histogram's gsum may then be negative).
    boolean sum = gauge || !negative ? random.nextBoolean() : false;
    if (sum) {
      String sumValue =
          gauge && negative ? pick("-3.5", "0", "12") : pick(COUNTER_VALUES).written();
      rest.add(sample(name + (gauge ? "_gsum" : "_sum"), labels, sumValue, ts, null));
      rest.add(sample(name + (gauge ? "_gcount" : "_count"), labels, bucketCount(count), ts, null));
    }
    if (!gauge && random.nextBoolean()) {
      rest.add(sample(name + "_created", labels, "1520430000.123", ts, null));
    }
    Collections.shuffle(rest, random);
    if (random.nextInt(4) == 0) {
      out.addAll(0, rest); // a point's samples in any order, the buckets among themselves sorted
    } else {
      out.addAll(rest);
    }
    return out;
  }

  private String bucketCount(long count) {
    return random.nextInt(4) == 0 ? count + ".0" : Long.toString(count);
  }

  private List<String> summaryPoint(String name, List<String> labels, String ts) {
    List<String> out = new ArrayList<>();
    for (String q : QUANTILES) {
      if (random.nextInt(3) == 0) {
        out.add(
            sample(
                name,
                withLabel(labels, "quantile", q),
                pick("0", "4773", "1.5e-3", "NaN"),
                ts,
                null));
      }
    }
    Collections.shuffle(out, random); // quantiles may be in any order
    if (random.nextBoolean()) {
      out.add(sample(name + "_count", labels, pick("0", "17", "807283.0"), ts, null));
    }
    if (random.nextBoolean()) {
      out.add(sample(name + "_sum", labels, pick(COUNTER_VALUES).written(), ts, null));
    }
    if (random.nextInt(3) == 0) {
      out.add(sample(name + "_created", labels, "1605281325.0", ts, null));
    }
    return out;
  }

  /**
   * An exemplar (or none): labels within 128 code points, {@code value} (a bucket's is its
   * threshold, so within the bucket), maybe a timestamp.
   */
  private String exemplar(String value) {
    if (random.nextInt(3) != 0) {
      return null;
    }
    Value span = pick(LABEL_VALUES);
    String labels =
        switch (random.nextInt(4)) {
          case 0 -> "{}";
          case 1 -> "{trace_id=\"4bf92f3577b34da6a3ce929d0e0e4736\"}";
          case 2 -> "{trace_id=\"KOO5S4vxi0o\",span_id=\"" + span.written() + "\"}";
          // Exactly 128 code points, more than 128 UTF-16 chars.
          default -> "{t=\"" + "x".repeat(60) + "😀".repeat(67) + "\"}";
        };
    if (labels.contains("span_id") && span.read().contains("}")) {
      quirks.add("reference.exemplar_brace");
    }
    return labels
        + " "
        + value
        + (random.nextBoolean() ? " " + pick("1520879607.789", "1", "-2.5e3") : "");
  }

  private static String sample(
      String name, List<String> labels, String value, String ts, String exemplar) {
    StringBuilder line = new StringBuilder(name);
    if (!labels.isEmpty()) {
      line.append('{').append(String.join(",", labels)).append('}');
    } else if (name.hashCode() % 3 == 0) {
      line.append("{}");
    }
    line.append(' ').append(value);
    if (ts != null) {
      line.append(' ').append(ts);
    }
    if (exemplar != null) {
      line.append(" # ").append(exemplar);
    }
    return line.toString();
  }

  private List<String> withLabel(List<String> labels, String name, String value) {
    List<String> with = new ArrayList<>(labels);
    with.add(random.nextInt(with.size() + 1), name + "=\"" + value + "\"");
    return with;
  }

  /** {@code n} distinct label sets (distinct as read, not as written), each written as pairs. */
  private List<List<String>> labelSets(int n, List<String> excluded) {
    List<List<String>> sets = new ArrayList<>();
    Set<TreeMap<String, String>> seen = new HashSet<>();
    for (int tries = 0; sets.size() < n && tries < 50; tries++) {
      int size = random.nextInt(3);
      TreeMap<String, String> read = new TreeMap<>();
      List<String> written = new ArrayList<>();
      for (int i = 0; i < size; i++) {
        String name = pick(LABEL_NAMES);
        if (read.containsKey(name) || excluded.contains(name)) {
          continue;
        }
        Value value = pick(LABEL_VALUES);
        read.put(name, value.read());
        written.add(name + "=\"" + value.written() + "\"");
      }
      if (seen.add(read)) {
        sets.add(written);
      }
    }
    return sets;
  }

  private static final String[] OM_HELP = {
    "",
    "Requests.",
    "with \\\\ backslash",
    "line\\nbreak",
    "quote \\\" here",
    "undefined \\q escape kept",
    "unicode Zürich 😀",
    "trailing space ",
    "has # hash and {braces}",
    "  leading spaces",
    "nul \u0000 byte",
  };

  static final String[] OM_BROKEN = {
    "om.eof.missing",
    "om.eof.content_after",
    "om.eof.blank_after",
    "om.eof.twice",
    "om.blank_line",
    "om.comment.plain",
    "om.comment.short",
    "om.help.no_space",
    "om.help.trailing_backslash",
    "om.unit.no_space",
    "om.type.unknown_word",
    "om.type.untyped",
    "om.type.case",
    "om.type.double_space",
    "om.metadata.bad_name",
    "om.metadata.duplicate_help",
    "om.metadata.duplicate_type",
    "om.metadata.duplicate_unit",
    "om.metadata.after_samples",
    "om.name.invalid",
    "om.label.name_invalid",
    "om.label.duplicate",
    "om.label.trailing_comma",
    "om.label.unquoted",
    "om.label.unterminated",
    "om.label.space_inside",
    "om.sample.double_space",
    "om.sample.tab",
    "om.sample.trailing_space",
    "om.sample.no_space_after_labels",
    "om.sample.cr",
    "om.value.missing",
    "om.value.junk",
    "om.value.underscore",
    "om.value.hex",
    "om.value.signed_nan",
    "om.value.out_of_range",
    "om.timestamp.nan",
    "om.timestamp.junk",
    "om.timestamp.signed_fraction",
    "om.timestamp.extra",
    "om.exemplar.on_gauge",
    "om.exemplar.on_created",
    "om.exemplar.too_long",
    "om.exemplar.no_value",
    "om.exemplar.no_space",
    "om.series.duplicate",
    "om.metric.interleaved",
    "om.metric.interleaved_timestamps",
    "om.point.interleaved",
    "om.timestamp.backwards",
    "om.timestamp.mixed",
    "om.family.interleaved",
    "om.family.clash_total",
    "om.family.clash_created",
    "om.unit.mismatch",
    "om.unit.on_info",
    "om.unit.on_stateset",
    "om.histogram.no_inf",
    "om.histogram.count_mismatch",
    "om.histogram.out_of_order",
    "om.histogram.duplicate_le",
    "om.histogram.decreasing",
    "om.histogram.le_nan",
    "om.histogram.le_missing",
    "om.histogram.le_uncanonical_inf",
    "om.histogram.le_junk",
    "om.histogram.bucket_fraction",
    "om.histogram.bucket_negative",
    "om.histogram.count_fraction",
    "om.histogram.sum_nan",
    "om.histogram.sum_negative",
    "om.histogram.count_without_sum",
    "om.histogram.sum_without_count",
    "om.histogram.sum_with_negative_buckets",
    "om.gaugehistogram.negative_gsum",
    "om.summary.no_quantile",
    "om.summary.quantile_range",
    "om.summary.quantile_nan",
    "om.summary.negative_quantile_value",
    "om.summary.count_negative",
    "om.summary.sum_nan",
    "om.summary.count_fraction",
    "om.counter.negative",
    "om.counter.nan",
    "om.stateset.missing_label",
    "om.stateset.value",
    "om.info.value",
  };

  /**
   * The lines of one family (or two, for clashes) that break {@code rule}, named from {@code n}.
   */
  private List<String> omBroken(String rule, String n) {
    String h = "# TYPE " + n + " histogram";
    String s = "# TYPE " + n + " summary";
    return switch (rule) {
      case "om.comment.plain" -> List.of("# a plain comment here", n + " 1");
      case "om.comment.short" -> List.of("# comment", n + " 1");
      case "om.help.no_space" -> List.of("# HELP " + n, n + " 1");
      case "om.help.trailing_backslash" -> List.of("# HELP " + n + " ends in \\", n + " 1");
      case "om.unit.no_space" -> List.of("# UNIT " + n, n + " 1");
      case "om.type.unknown_word" -> List.of("# TYPE " + n + " meter", n + " 1");
      case "om.type.untyped" -> List.of("# TYPE " + n + " untyped", n + " 1");
      case "om.type.case" -> List.of("# TYPE " + n + " Gauge", n + " 1");
      case "om.type.double_space" -> List.of("# TYPE " + n + "  gauge", n + " 1");
      case "om.metadata.bad_name" -> List.of("# TYPE 1" + n + " gauge");
      case "om.metadata.duplicate_help" ->
          List.of("# HELP " + n + " one", "# HELP " + n + " two", n + " 1");
      case "om.metadata.duplicate_type" ->
          List.of("# TYPE " + n + " gauge", "# TYPE " + n + " gauge", n + " 1");
      case "om.metadata.duplicate_unit" ->
          List.of(
              "# TYPE " + n + "_seconds gauge",
              "# UNIT " + n + "_seconds seconds",
              "# UNIT " + n + "_seconds seconds");
      case "om.metadata.after_samples" ->
          List.of("# TYPE " + n + " gauge", n + " 1", "# HELP " + n + " late");
      case "om.name.invalid" -> List.of(pick("1", "a-", "é") + n + " 1");
      case "om.label.name_invalid" -> List.of(n + "{1a=\"v\"} 1");
      case "om.label.duplicate" -> List.of(n + "{a=\"1\",a=\"2\"} 1");
      case "om.label.trailing_comma" -> List.of(n + "{a=\"1\",} 1");
      case "om.label.unquoted" -> List.of(n + "{a=1} 1");
      case "om.label.unterminated" -> List.of(n + "{a=\"1} 1");
      case "om.label.space_inside" -> List.of(n + "{a=\"1\", b=\"2\"} 1");
      case "om.sample.double_space" -> List.of(n + "  1");
      case "om.sample.tab" -> List.of(n + "\t1");
      case "om.sample.trailing_space" -> List.of(n + " 1 ");
      case "om.sample.no_space_after_labels" -> List.of(n + "{a=\"1\"}17");
      case "om.sample.cr" -> List.of(n + " 1\r");
      case "om.value.missing" -> List.of(n + "{a=\"1\"}");
      case "om.value.junk" ->
          List.of(n + " " + pick("12abc", "1e", "--1", ".", "infinit", "1.2.3", "e5"));
      case "om.value.underscore" -> List.of(n + " 1_000");
      case "om.value.hex" -> List.of(n + " " + pick("0x10", "0x1p3"));
      case "om.value.signed_nan" -> List.of(n + " " + pick("+nan", "-NaN"));
      case "om.value.out_of_range" -> List.of(n + " " + pick("1e400", "-2e308"));
      case "om.timestamp.nan" -> List.of(n + " 1 " + pick("NaN", "+Inf", "-inf"));
      case "om.timestamp.junk" -> List.of(n + " 1 " + pick("1_0", "abc", "0x10", "1e"));
      case "om.timestamp.signed_fraction" -> List.of(n + " 1 1.+5");
      case "om.timestamp.extra" -> List.of(n + " 1 2 3");
      case "om.exemplar.on_gauge" -> List.of("# TYPE " + n + " gauge", n + " 1 # {a=\"1\"} 1");
      case "om.exemplar.on_created" ->
          List.of("# TYPE " + n + " counter", n + "_total 1", n + "_created 1 # {a=\"1\"} 1");
      case "om.exemplar.too_long" ->
          List.of(
              "# TYPE " + n + " counter",
              n + "_total 1 # {t=\"" + "x".repeat(61) + "😀".repeat(67) + "\"} 1");
      case "om.exemplar.no_value" ->
          List.of("# TYPE " + n + " counter", n + "_total 1 # {a=\"1\"}");
      case "om.exemplar.no_space" ->
          List.of("# TYPE " + n + " counter", n + "_total 1 #{a=\"1\"} 1");
      case "om.series.duplicate" -> List.of(n + "{a=\"1\"} 1", n + "{a=\"1\"} 2");
      case "om.metric.interleaved" ->
          List.of(
              "# TYPE " + n + " counter",
              n + "_total{a=\"1\"} 1",
              n + "_total{a=\"2\"} 1",
              n + "_created{a=\"1\"} 5");
      case "om.metric.interleaved_timestamps" ->
          List.of(n + "{a=\"1\"} 1 1", n + "{a=\"2\"} 1 1", n + "{a=\"1\"} 2 2");
      case "om.point.interleaved" ->
          List.of(s, n + "_count 0 123", n + "_count 0 456", n + "_sum 0 123", n + "_sum 0 456");
      case "om.timestamp.backwards" -> List.of(n + " 1 200", n + " 2 100");
      case "om.timestamp.mixed" -> List.of(n + " 1 100", n + " 2");
      case "om.family.interleaved" ->
          List.of(
              "# TYPE " + n + " gauge",
              n + " 1",
              "# TYPE " + n + "x gauge",
              n + "x 1",
              n + "{a=\"2\"} 2");
      case "om.family.clash_total" ->
          List.of(
              "# TYPE " + n + " counter",
              n + "_total 1",
              "# TYPE " + n + "_total gauge",
              n + "_total 1");
      case "om.family.clash_created" ->
          List.of(
              "# TYPE " + n + " counter",
              n + "_total 1",
              "# TYPE " + n + "_created gauge",
              n + "_created 1");
      case "om.unit.mismatch" ->
          List.of("# TYPE " + n + " gauge", "# UNIT " + n + " seconds", n + " 1");
      case "om.unit.on_info" ->
          List.of(
              "# TYPE " + n + "_bytes info", "# UNIT " + n + "_bytes bytes", n + "_bytes_info 1");
      case "om.unit.on_stateset" ->
          List.of(
              "# TYPE " + n + "_bytes stateset",
              "# UNIT " + n + "_bytes bytes",
              n + "_bytes{" + n + "_bytes=\"a\"} 1");
      case "om.histogram.no_inf" -> List.of(h, n + "_bucket{le=\"1\"} 1");
      case "om.histogram.count_mismatch" ->
          List.of(h, n + "_bucket{le=\"+Inf\"} 2", n + "_count 3", n + "_sum 1");
      case "om.histogram.out_of_order" ->
          List.of(
              h,
              n + "_bucket{le=\"2\"} 1",
              n + "_bucket{le=\"1\"} 1",
              n + "_bucket{le=\"+Inf\"} 1");
      case "om.histogram.duplicate_le" ->
          List.of(
              h,
              n + "_bucket{le=\"1\"} 1",
              n + "_bucket{le=\"1.0\"} 1",
              n + "_bucket{le=\"+Inf\"} 1");
      case "om.histogram.decreasing" ->
          List.of(h, n + "_bucket{le=\"1\"} 5", n + "_bucket{le=\"+Inf\"} 3");
      case "om.histogram.le_nan" ->
          List.of(h, n + "_bucket{le=\"NaN\"} 1", n + "_bucket{le=\"+Inf\"} 1");
      case "om.histogram.le_missing" -> List.of(h, n + "_bucket 1");
      case "om.histogram.le_uncanonical_inf" ->
          List.of(h, n + "_bucket{le=\"" + pick("+inf", "Inf", "inf", "+Infinity") + "\"} 1");
      case "om.histogram.le_junk" ->
          List.of(
              h,
              n + "_bucket{le=\"" + pick("abc", "1_0", "") + "\"} 1",
              n + "_bucket{le=\"+Inf\"} 1");
      case "om.histogram.bucket_fraction" -> List.of(h, n + "_bucket{le=\"+Inf\"} 1.5");
      case "om.histogram.bucket_negative" ->
          List.of(h, n + "_bucket{le=\"1\"} -1", n + "_bucket{le=\"+Inf\"} 1");
      case "om.histogram.count_fraction" ->
          List.of(h, n + "_bucket{le=\"+Inf\"} 1", n + "_count 1.5", n + "_sum 1");
      case "om.histogram.sum_nan" ->
          List.of(h, n + "_bucket{le=\"+Inf\"} 1", n + "_count 1", n + "_sum NaN");
      case "om.histogram.sum_negative" ->
          List.of(h, n + "_bucket{le=\"+Inf\"} 1", n + "_count 1", n + "_sum -1");
      case "om.histogram.count_without_sum" ->
          List.of(h, n + "_bucket{le=\"+Inf\"} 1", n + "_count 1");
      case "om.histogram.sum_without_count" ->
          List.of(h, n + "_bucket{le=\"+Inf\"} 1", n + "_sum 1");
      case "om.histogram.sum_with_negative_buckets" ->
          List.of(
              h,
              n + "_bucket{le=\"-1\"} 0",
              n + "_bucket{le=\"+Inf\"} 1",
              n + "_count 1",
              n + "_sum 1");
      case "om.gaugehistogram.negative_gsum" ->
          List.of(
              "# TYPE " + n + " gaugehistogram",
              n + "_bucket{le=\"+Inf\"} 1",
              n + "_gcount 1",
              n + "_gsum -1");
      case "om.summary.no_quantile" -> List.of(s, n + " 1");
      case "om.summary.quantile_range" ->
          List.of(s, n + "{quantile=\"" + pick("1.5", "-0.5") + "\"} 1");
      case "om.summary.quantile_nan" -> List.of(s, n + "{quantile=\"NaN\"} 1");
      case "om.summary.negative_quantile_value" -> List.of(s, n + "{quantile=\"0.5\"} -1");
      case "om.summary.count_negative" -> List.of(s, n + "_count -1");
      case "om.summary.sum_nan" -> List.of(s, n + "_sum NaN");
      case "om.summary.count_fraction" -> List.of(s, n + "_count 1.5");
      case "om.counter.negative" -> List.of("# TYPE " + n + " counter", n + "_total -1");
      case "om.counter.nan" -> List.of("# TYPE " + n + " counter", n + "_total NaN");
      case "om.stateset.missing_label" -> List.of("# TYPE " + n + " stateset", n + "{a=\"1\"} 1");
      case "om.stateset.value" -> List.of("# TYPE " + n + " stateset", n + "{" + n + "=\"a\"} 2");
      case "om.info.value" -> List.of("# TYPE " + n + " info", n + "_info{a=\"1\"} 2");
      default -> throw new IllegalArgumentException(rule);
    };
  }

  // ---------------------------------------------------------------- Prometheus text 0.0.4

  private Case text(boolean valid) {
    quirks = new HashSet<>();
    List<List<String>> families = new ArrayList<>();
    int n = random.nextInt(4) + (valid ? 1 : 0);
    for (int k = 0; k < n; k++) {
      families.add(textFamily("t" + k + "_" + pick(STEMS), quirks));
      if (random.nextInt(5) == 0) {
        families.add(List.of(pick("", "# a plain comment", "#", "   ", "\t# indented comment")));
      }
    }
    String broken = null;
    if (!valid) {
      broken = pick(TEXT_BROKEN);
      families.add(
          random.nextInt(families.size() + 1), textBroken(broken, "b" + n + "_" + pick(STEMS)));
    }
    StringBuilder text = new StringBuilder();
    for (List<String> family : families) {
      for (String line : family) {
        text.append(line).append('\n');
      }
    }
    return new Case(id++, Format.PROMETHEUS_TEXT, text.toString(), broken, quirks);
  }

  private static final String[] TEXT_TYPES = {
    "counter", "gauge", "histogram", "summary", "untyped", null
  };

  /** Go's ParseFloat spellings, hex floats included. */
  private static final Num[] TEXT_HEX = {
    new Num("0x1p3", 8), new Num("0X1.8P-1", .75), new Num("-0x.8p1", -1),
  };

  private List<String> textFamily(String stem, Set<String> quirks) {
    String type = pick(TEXT_TYPES);
    String name = "counter".equals(type) && random.nextBoolean() ? stem + "_total" : stem;
    List<String> lines = new ArrayList<>();
    if (type != null) {
      lines.add(blank() + "#" + sep() + "TYPE" + sep() + name + sep() + type + blank());
    }
    if (random.nextBoolean() || (type == null && random.nextBoolean())) {
      String help = random.nextInt(6) == 0 ? "" : sep() + pick(TEXT_HELP);
      lines.add(random.nextInt(lines.size() + 1), "#" + sep() + "HELP" + sep() + name + help);
    }
    String t = type == null ? "untyped" : type;
    List<List<String>> sets = labelSets(random.nextInt(4), List.of("le", "quantile"));
    boolean stamped = random.nextInt(3) == 0;
    for (List<String> labels : sets) {
      String ts = stamped ? pick("1395066363000", "-3982045", "0", "+5", "0042") : null;
      switch (t) {
        case "counter" ->
            lines.add(textSample(name, labels, pick(COUNTER_VALUES).written(), ts, quirks));
        case "gauge", "untyped" -> lines.add(textSample(name, labels, anyTextValue(), ts, quirks));
        case "histogram" -> {
          long count = 0;
          for (Num le : LE) {
            if (random.nextInt(3) == 0) {
              count += random.nextInt(4);
              lines.add(
                  textSample(
                      name + "_bucket",
                      withLabel(labels, "le", le.written()),
                      Long.toString(count),
                      ts,
                      quirks));
            }
          }
          lines.add(
              textSample(
                  name + "_bucket",
                  withLabel(labels, "le", "+Inf"),
                  Long.toString(count),
                  ts,
                  quirks));
          lines.add(textSample(name + "_sum", labels, pick(COUNTER_VALUES).written(), ts, quirks));
          lines.add(textSample(name + "_count", labels, Long.toString(count), ts, quirks));
        }
        case "summary" -> {
          for (String q : QUANTILES) {
            if (random.nextInt(3) == 0) {
              lines.add(
                  textSample(
                      name,
                      withLabel(labels, "quantile", q),
                      pick("0", "4773", "NaN"),
                      ts,
                      quirks));
            }
          }
          lines.add(textSample(name + "_sum", labels, pick(COUNTER_VALUES).written(), ts, quirks));
          lines.add(textSample(name + "_count", labels, pick("0", "2693"), ts, quirks));
        }
        default -> throw new IllegalStateException(t);
      }
    }
    return lines;
  }

  private String anyTextValue() {
    if (random.nextInt(12) == 0) {
      quirks.add("reference.text.hex_float");
      return pick(TEXT_HEX).written();
    }
    return pick(ANY_VALUES).written();
  }

  /**
   * Blanks and tabs between tokens, around labels, at both ends: all ignored in the text format.
   */
  private String textSample(
      String name, List<String> labels, String value, String ts, Set<String> quirks) {
    // One separator kind per line: the reference splits the value part on a space if there is one,
    // else on a tab, so a line mixing both is one it misreads (Go's parser takes any mix).
    String sep = random.nextInt(4) == 0 ? pick("  ", "\t", " \t ") : " ";
    if (sep.contains("\t") && sep.contains(" ")) {
      quirks.add("reference.text.mixed_blanks");
    }
    StringBuilder line = new StringBuilder(random.nextInt(6) == 0 ? pick(" ", "\t") : "");
    line.append(name);
    boolean spaced = random.nextInt(5) == 0;
    if (!labels.isEmpty() || random.nextInt(4) == 0) {
      if (spaced) {
        line.append(' ');
      }
      String comma = spaced ? " , " : ",";
      line.append(spaced ? "{ " : "{").append(String.join(comma, labels));
      if (!labels.isEmpty() && random.nextInt(4) == 0) {
        line.append(","); // the text format allows a trailing comma
      }
      line.append(spaced ? " }" : "}");
    }
    line.append(sep).append(value);
    if (ts != null) {
      line.append(sep).append(ts);
    }
    if (random.nextInt(6) == 0) {
      line.append(pick(" ", "\t", "  "));
    }
    return line.toString();
  }

  private String sep() {
    return random.nextInt(6) == 0 ? pick("  ", "\t") : " ";
  }

  private String blank() {
    return random.nextInt(10) == 0 ? " " : "";
  }

  private static final String[] TEXT_HELP = {
    "Requests.",
    "with \\\\ backslash",
    "line\\nbreak",
    "quote \\\" kept as written",
    "undefined \\q kept",
    "unicode Zürich 😀",
    "has # hash",
    "several   inner   spaces",
  };

  static final String[] TEXT_BROKEN = {
    "text.name.invalid",
    "text.label.name_invalid",
    "text.label.unterminated",
    "text.label.duplicate",
    "text.label.bad_separator",
    "text.value.missing",
    "text.value.junk",
    "text.value.underscore",
    "text.value.hex_without_exponent",
    "text.value.signed_nan",
    "text.value.out_of_range",
    "text.timestamp.fraction",
    "text.timestamp.exponent",
    "text.timestamp.junk",
    "text.timestamp.extra",
    "text.exemplar",
    "text.help.duplicate",
    "text.type.duplicate",
    "text.type.after_samples",
    "text.type.unknown_word",
    "text.type.openmetrics_word",
    "text.type.extra_token",
    "text.series.duplicate",
    "text.summary.no_quantile",
    "text.histogram.no_le",
    "text.cr",
  };

  private List<String> textBroken(String rule, String n) {
    return switch (rule) {
      case "text.name.invalid" -> List.of(pick("1", "a-", "é") + n + " 1");
      case "text.label.name_invalid" -> List.of(n + "{1a=\"v\"} 1");
      case "text.label.unterminated" -> List.of(n + "{a=\"1} 1");
      case "text.label.duplicate" -> List.of(n + "{a=\"1\",a=\"2\"} 1");
      case "text.label.bad_separator" -> List.of(n + "{a=\"1\";b=\"2\"} 1");
      case "text.value.missing" -> List.of(n + "{a=\"1\"}");
      case "text.value.junk" -> List.of(n + " " + pick("12abc", "1e", "--1", ".", "infinit"));
      case "text.value.underscore" -> List.of(n + " 1_000");
      case "text.value.hex_without_exponent" -> List.of(n + " 0x10");
      case "text.value.signed_nan" -> List.of(n + " +nan");
      case "text.value.out_of_range" -> List.of(n + " 1e400");
      case "text.timestamp.fraction" -> List.of(n + " 1 12.5");
      case "text.timestamp.exponent" -> List.of(n + " 1 1e3");
      case "text.timestamp.junk" -> List.of(n + " 1 abc");
      case "text.timestamp.extra" -> List.of(n + " 1 1000 2000");
      case "text.exemplar" -> List.of(n + " 1 # {a=\"1\"} 1");
      case "text.help.duplicate" ->
          List.of("# HELP " + n + " one", "# HELP " + n + " two", n + " 1");
      case "text.type.duplicate" ->
          List.of("# TYPE " + n + " gauge", "# TYPE " + n + " gauge", n + " 1");
      case "text.type.after_samples" -> List.of(n + " 1", "# TYPE " + n + " gauge");
      case "text.type.unknown_word" ->
          List.of("# TYPE " + n + " " + pick("meter", "Counter", "GAUGE"), n + " 1");
      case "text.type.openmetrics_word" ->
          List.of("# TYPE " + n + " " + pick("info", "stateset", "unknown"), n + " 1");
      case "text.type.extra_token" -> List.of("# TYPE " + n + " gauge extra", n + " 1");
      case "text.series.duplicate" -> List.of(n + "{a=\"1\"} 1", n + "{a=\"1\"} 2");
      case "text.summary.no_quantile" -> List.of("# TYPE " + n + " summary", n + " 1");
      case "text.histogram.no_le" -> List.of("# TYPE " + n + " histogram", n + "_bucket 1");
      case "text.cr" -> List.of(n + " 1\r");
      default -> throw new IllegalArgumentException(rule);
    };
  }

  // ---------------------------------------------------------------- picking

  @SafeVarargs
  private <T> T pick(T... choices) {
    return choices[random.nextInt(choices.length)];
  }

  private <T> T pick(List<T> choices) {
    return choices.get(random.nextInt(choices.size()));
  }
}
