package io.outrigger.sidecar.metrics.exposition;

import io.outrigger.sidecar.metrics.exposition.ExpositionGenerator.Case;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Every deliberate difference between Outrigger's parser and the reference (Debian {@code
 * python3-prometheus-client} 0.16), keyed by the rule, with the spec's words.
 * docs/sidecar-metrics.md ("What the parser accepts: the differential test") lists the same.
 */
final class KnownDifferences {
  private KnownDifferences() {}

  enum Kind {
    /** The exposition breaks the rule; the reference parses it anyway; Outrigger refuses it. */
    REFERENCE_LENIENT,
    /** The exposition is valid; the reference refuses it; Outrigger parses it. */
    REFERENCE_STRICT,
    /** The exposition breaks the rule and Outrigger parses it anyway, on purpose. */
    OUTRIGGER_LENIENT,
    /** Both parse it; the reference reads it differently (the comparison allows for it). */
    REFERENCE_MISREADS,
  }

  /**
   * @param key the generator's rule (or, for a valid exposition, the quirk it holds)
   * @param spec the spec's words
   * @param why what each side does and why Outrigger does what it does
   * @param referenceError for {@link Kind#REFERENCE_STRICT}: the reference's complaint
   */
  record Difference(String key, Kind kind, String spec, String why, Pattern referenceError) {}

  static final Map<String, Difference> BY_RULE = new HashMap<>();
  private static final List<Difference> ALL = new ArrayList<>();

  private static void add(String key, Kind kind, String spec, String why) {
    add(key, kind, spec, why, null);
  }

  private static void add(String key, Kind kind, String spec, String why, String referenceError) {
    Difference d =
        new Difference(
            key, kind, spec, why, referenceError == null ? null : Pattern.compile(referenceError));
    ALL.add(d);
    BY_RULE.put(key, d);
  }

  static {
    // ---- OpenMetrics: the reference parses what the ABNF or the spec's rules refuse.
    add(
        "om.help.trailing_backslash",
        Kind.REFERENCE_LENIENT,
        "escaped-char = normal-char / BS (\"n\" / DQUOTE / BS) / BS normal-char; normal-char excludes newline",
        "a backslash ending a HELP line escapes nothing; the reference keeps it, Outrigger refuses (metadata)");
    add(
        "om.histogram.le_junk",
        Kind.REFERENCE_LENIENT,
        "the value of the \"le\" label MUST follow the rules for Canonical Numbers",
        "the reference reads le with Python's float(), which takes 1_0; Outrigger reads it as an ABNF number (histogram)");
    add(
        "om.sample.no_space_after_labels",
        Kind.REFERENCE_LENIENT,
        "sample = metricname [labels] SP number [SP timestamp] [exemplar] LF",
        "the reference skips whatever character follows }, reading {a=\"1\"}17 as 7; Outrigger refuses (sample)");
    add(
        "om.series.duplicate",
        Kind.REFERENCE_LENIENT,
        "Every Metric within a MetricFamily MUST have a unique LabelSet ... If more than one MetricPoint is exposed"
            + " for a Metric, then its MetricPoints MUST have monotonically increasing timestamps",
        "a series twice without timestamps: the reference keeps the first and drops the rest; Outrigger refuses"
            + " (duplicate_series). With equal timestamps both keep the first.");
    add(
        "om.timestamp.signed_fraction",
        Kind.REFERENCE_LENIENT,
        "timestamp = realnumber",
        "the reference reads the fraction with int(), so 1.+5 is 1.05 s; Outrigger refuses (timestamp)");
    add(
        "om.value.out_of_range",
        Kind.REFERENCE_LENIENT,
        "Floating point numbers MUST fit within the range of a 64-bit floating point value",
        "the reference reads 1e400 as +Inf; Outrigger refuses (value)");
    add(
        "om.value.signed_nan",
        Kind.REFERENCE_LENIENT,
        "number =/ \"nan\" (no SIGN; only inf and infinity take one)",
        "Python's float() takes +nan and -NaN; Outrigger refuses (value)");

    // ---- The text format: the reference's own docstring says "This is a laxer parser than the
    // main Go
    // parser, so successful parsing does not imply that the parsed text meets the specification".
    add(
        "text.cr",
        Kind.REFERENCE_LENIENT,
        "A line-feed character (\\n) separates lines ... tokens can be separated by any number of blanks and/or tabs",
        "a carriage return is not a blank; the reference strips every kind of whitespace, Outrigger (like Go) refuses (sample)");
    add(
        "text.help.duplicate",
        Kind.REFERENCE_LENIENT,
        "Only one HELP line may exist for the same metric name.",
        "the reference keeps the last HELP; Outrigger refuses (metadata_order)");
    add(
        "text.histogram.no_le",
        Kind.REFERENCE_LENIENT,
        "Each bucket count of a histogram named x is given as a separate sample line with the name x_bucket and a label {le=\"y\"}",
        "the reference keeps the bucket; Outrigger refuses (histogram)");
    add(
        "text.label.bad_separator",
        Kind.REFERENCE_LENIENT,
        "\"{\" label_name \"=\" `\"` label_value `\"` { \",\" label_name \"=\" `\"` label_value `\"` } [ \",\" ] \"}\"",
        "the reference takes ;b as a label name; Outrigger refuses (labels)");
    add(
        "text.label.duplicate",
        Kind.REFERENCE_LENIENT,
        "Label names MUST be unique within a LabelSet (OpenMetrics' data model, which is the text format's)",
        "the reference keeps the last value; Outrigger refuses (labels)");
    add(
        "text.label.name_invalid",
        Kind.REFERENCE_LENIENT,
        "metric_name and label_name have the usual Prometheus expression language restrictions",
        "the reference does not check label names; Outrigger refuses (labels)");
    add(
        "text.series.duplicate",
        Kind.REFERENCE_LENIENT,
        "Each line must have a unique combination of metric name and labels. Otherwise, the ingestion behavior is undefined.",
        "the reference keeps both lines; Outrigger refuses (duplicate_series), as it did before");
    add(
        "text.summary.no_quantile",
        Kind.REFERENCE_LENIENT,
        "Each quantile of a summary named x is given as a separate sample line with the same name x and a label {quantile=\"y\"}",
        "the reference keeps the sample; Outrigger refuses (summary)");
    add(
        "text.timestamp.exponent",
        Kind.REFERENCE_LENIENT,
        "timestamp an int64 (milliseconds since epoch ...) ... (see functions ParseInt and ParseFloat)",
        "the reference reads timestamps with float(); Outrigger (like Go's ParseInt) refuses 1e3 (timestamp)");
    add(
        "text.timestamp.fraction",
        Kind.REFERENCE_LENIENT,
        "timestamp an int64 (milliseconds since epoch ...)",
        "the reference takes 12.5; Outrigger refuses (timestamp)");
    add(
        "text.timestamp.extra",
        Kind.REFERENCE_LENIENT,
        "metric_name [ \"{\" ... \"}\" ] value [ timestamp ]",
        "the reference takes the last of any number of tokens as the timestamp; Outrigger refuses (sample)");
    add(
        "text.type.after_samples",
        Kind.REFERENCE_LENIENT,
        "The TYPE line for a metric name has to appear before the first sample is reported for that metric name.",
        "the reference starts a new, empty family; Outrigger refuses (metadata_order)");
    add(
        "text.type.duplicate",
        Kind.REFERENCE_LENIENT,
        "Only one TYPE line may exist for the same metric name.",
        "the reference keeps the last; Outrigger refuses (metadata_order)");
    add(
        "text.type.openmetrics_word",
        Kind.REFERENCE_LENIENT,
        "the second is either counter, gauge, histogram, summary, or untyped",
        "the reference takes OpenMetrics' info, stateset and unknown in the text format; Outrigger refuses (metadata)");
    add(
        "text.value.out_of_range",
        Kind.REFERENCE_LENIENT,
        "value is a float ... represented as required by Go's ParseFloat (which returns ErrRange beyond the float64 range)",
        "the reference reads 1e400 as +Inf; Outrigger refuses (value)");
    add(
        "text.value.signed_nan",
        Kind.REFERENCE_LENIENT,
        "In particular, Nan, +Inf, and -Inf are valid values (ParseFloat takes a sign on inf, not on nan)",
        "Python's float() takes +nan; Outrigger refuses (value)");
    add(
        "text.value.underscore",
        Kind.REFERENCE_LENIENT,
        "as required by Go's ParseFloat (underscores only after a base prefix)",
        "Python's float() takes 1_000; Outrigger refuses (value)");

    // ---- Valid expositions the reference refuses: Outrigger parses them.
    add(
        "reference.timestamp_compare",
        Kind.REFERENCE_STRICT,
        "If more than one MetricPoint is exposed for a Metric, then its MetricPoints MUST have monotonically increasing timestamps.",
        "the reference compares its Timestamp(sec, nsec) as sec > sec or nsec > nsec, so 1.789 then 5.001 'goes backwards'",
        "Timestamps went backwards");
    add(
        "reference.timestamp_forms",
        Kind.REFERENCE_STRICT,
        "timestamp = realnumber",
        "the reference reads 123 and 1.5 as its Timestamp but 1e3 and .5 as floats, and cannot compare the two",
        "has no attribute 'sec'|not supported between instances");
    add(
        "reference.info_timestamp_presence",
        Kind.REFERENCE_STRICT,
        "Metrics are defined by a unique LabelSet within a MetricFamily.",
        "the reference reads all of an info family's samples as one group, so one label set with a timestamp and"
            + " another without is a 'mix'; each is its own Metric",
        "Mix of timestamp presence");
    add(
        "reference.exemplar_brace",
        Kind.REFERENCE_STRICT,
        "exemplar = SP HASH SP labels SP number [SP timestamp]; label = label-name EQ DQUOTE escaped-string DQUOTE",
        "the reference ends an exemplar's labels at the first }, even inside a quoted value",
        "Invalid line");
    add(
        "reference.text.hex_float",
        Kind.REFERENCE_STRICT,
        "value is a float ... represented as required by Go's ParseFloat",
        "ParseFloat reads hexadecimal floats (0x1p3); Python's float() does not",
        // Through its fallback for a line it cannot split, the complaint may name another token.
        "could not convert string to float");
    add(
        "reference.repeated_point_refused",
        Kind.REFERENCE_STRICT,
        "If more than one MetricPoint is exposed for a Metric, then its MetricPoints MUST have monotonically"
            + " increasing timestamps.",
        "the same drop as reference.repeated_point_dropped takes the later points' buckets, so a histogram with"
            + " two timestamped points has 'no +Inf bucket' in its second",
        "\\+Inf bucket missing|Count does not match|Bucket values out of order|Buckets out of order");

    // ---- Both parse; the reference reads differently.
    add(
        "reference.negative_fraction_timestamp",
        Kind.REFERENCE_MISREADS,
        "Timestamps MUST be Unix Epoch in seconds. Negative timestamps MAY be used.",
        "the reference reads -0.25 as +0.25 (int(\"-0\") loses the sign); Outrigger reads -0.25");
    add(
        "reference.repeated_point_dropped",
        Kind.REFERENCE_MISREADS,
        "MetricPoints MUST NOT be interleaved. A correct example where there were multiple MetricPoints ...:"
            + " foo_seconds_count{a=\"bb\"} 0 123 / foo_seconds_sum{a=\"bb\"} 0 123 / foo_seconds_count{a=\"bb\"} 0 456"
            + " / foo_seconds_sum{a=\"bb\"} 0 456",
        "the reference drops a sample whose timestamp equals the previous sample's when its series was seen earlier"
            + " in the Metric: from the spec's own example it loses the second _sum. Outrigger keeps every MetricPoint.");
    add(
        "reference.text.counter_renamed",
        Kind.REFERENCE_MISREADS,
        "If the token is TYPE ... the type for the metric of that name",
        "the reference renames the samples of a text counter not named *_total to *_total; Outrigger keeps the"
            + " name as written (the comparison renames ours the same way)");
    add(
        "reference.text.untyped_singletons",
        Kind.REFERENCE_MISREADS,
        "If there is no TYPE line for a metric name, the type is set to untyped.",
        "the reference yields each sample without TYPE or HELP as a family of its own; Outrigger groups a name's"
            + " samples into one family (the comparison merges the reference's)");
  }

  static List<Difference> all() {
    return List.copyOf(ALL);
  }

  /** The listed difference that explains the reference refusing this valid exposition, or null. */
  static Difference explainRefusal(Case c, String error) {
    for (String quirk : c.quirks()) {
      Difference d = BY_RULE.get(quirk);
      if (d != null
          && d.kind() == Kind.REFERENCE_STRICT
          && d.referenceError().matcher(error).find()) {
        return d;
      }
    }
    return null;
  }

  /**
   * Our samples of one OpenMetrics family less those the reference drops: within a group (a
   * Metric's samples, le, quantile and the state label aside), a series already seen whose
   * timestamp equals the previous sample's. That drops true repeats (kept once by both) but also
   * the second sample of a repeated timestamped MetricPoint (the spec's own example loses its
   * second {@code _sum}), which Outrigger keeps.
   */
  static List<Sample> asTheReferenceKeepsThem(MetricFamily family) {
    List<Sample> kept = new ArrayList<>();
    Object group = null;
    Long groupTimestamp = null;
    Set<Object> seen = new HashSet<>();
    boolean first = true;
    for (Sample s : family.samples()) {
      Object g = group(family, s);
      if (first || !g.equals(group)) {
        seen = new HashSet<>();
      }
      Object series = List.of(s.name(), labels(s.labels()));
      if (first || !Objects.equals(s.timestampMillis(), groupTimestamp) || !seen.contains(series)) {
        kept.add(s);
      }
      seen.add(series);
      group = g;
      groupTimestamp = s.timestampMillis();
      first = false;
    }
    return kept;
  }

  private static Object group(MetricFamily family, Sample s) {
    Map<String, String> labels = labels(s.labels());
    switch (family.type()) {
      case INFO -> labels.clear();
      case SUMMARY -> {
        if (s.name().equals(family.name())) {
          labels.remove("quantile");
        }
      }
      case STATESET -> labels.remove(family.name());
      case HISTOGRAM, GAUGEHISTOGRAM -> {
        if (s.name().equals(family.name() + "_bucket")) {
          labels.remove("le");
        }
      }
      default -> {}
    }
    return labels;
  }

  private static Map<String, String> labels(List<Sample.Label> labels) {
    Map<String, String> map = new HashMap<>();
    labels.forEach(l -> map.put(l.name(), l.value()));
    return map;
  }
}
