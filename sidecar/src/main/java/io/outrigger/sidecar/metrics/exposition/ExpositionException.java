package io.outrigger.sidecar.metrics.exposition;

/**
 * An exposition that cannot be used, with the line (1-based), the rule it breaks and the reason.
 * The whole scrape is refused.
 */
public final class ExpositionException extends Exception {
  /**
   * The rule a refused exposition breaks, a bounded set: its {@link #reason()} is the {@code
   * reason} label of {@code outrigger_app_scrape_errors_total}, so an operator sees which rule the
   * app's exposition broke without reading logs.
   */
  public enum Rule {
    /** The body is not UTF-8. */
    INVALID_UTF8("invalid_utf8"),
    /** OpenMetrics: no {@code # EOF} at the end, or something after it. */
    EOF("eof"),
    /** OpenMetrics: an empty line. */
    EMPTY_LINE("empty_line"),
    /** OpenMetrics: a {@code #} line that is not HELP, TYPE, UNIT or EOF. */
    COMMENT("comment"),
    /**
     * A HELP, TYPE or UNIT line of the wrong shape: spacing, type word, escapes, unit characters.
     */
    METADATA("metadata"),
    /** A second HELP, TYPE or UNIT for a family, or one after the family's samples. */
    METADATA_ORDER("metadata_order"),
    /** A metric name outside {@code [a-zA-Z_:][a-zA-Z0-9_:]*}. */
    METRIC_NAME("metric_name"),
    /** A label set: names, quotes, commas, a name given twice. */
    LABELS("labels"),
    /** The shape of a sample line: separators, a missing value, text after the timestamp. */
    SAMPLE("sample"),
    /** A sample value that is not a number of the format, or out of the float64 range. */
    VALUE("value"),
    /** A timestamp that is not one of the format. */
    TIMESTAMP("timestamp"),
    /** An exemplar: its shape, length, or on a sample that may not have one. */
    EXEMPLAR("exemplar"),
    /** The same series twice (without the increasing timestamps OpenMetrics allows). */
    DUPLICATE_SERIES("duplicate_series"),
    /** A family, Metric or MetricPoint not given as one uninterrupted group. */
    INTERLEAVED("interleaved"),
    /** OpenMetrics: a family whose sample names could clash with another family's. */
    NAME_CLASH("name_clash"),
    /**
     * OpenMetrics: timestamps of a Metric going backwards, or given on some of its samples only.
     */
    TIMESTAMP_ORDER("timestamp_order"),
    /** OpenMetrics: a unit that is not the name's suffix, or one on an info or stateset. */
    UNIT("unit"),
    /** A counter's total NaN or negative. */
    COUNTER("counter"),
    /** A histogram's buckets, count or sum breaking the histogram rules. */
    HISTOGRAM("histogram"),
    /** A summary's quantiles, count or sum breaking the summary rules. */
    SUMMARY("summary"),
    /** A stateset sample without its state label or with a value other than 0 and 1. */
    STATESET("stateset"),
    /** An info sample whose value is not 1. */
    INFO("info");

    private final String reason;

    Rule(String reason) {
      this.reason = reason;
    }

    /** The metric's {@code reason} label value. */
    public String reason() {
      return reason;
    }
  }

  private final int line;
  private final Rule rule;
  private final String reason;

  public ExpositionException(int line, Rule rule, String reason) {
    super(line > 0 ? "line " + line + ": " + reason : reason, null, false, false);
    this.line = line;
    this.rule = rule;
    this.reason = reason;
  }

  public int line() {
    return line;
  }

  public Rule rule() {
    return rule;
  }

  /** What is wrong, in words (the message without the line). */
  public String reason() {
    return reason;
  }
}
