package io.outrigger.sidecar.metrics.exposition;

import io.outrigger.sidecar.metrics.exposition.ExpositionException.Rule;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The rules one OpenMetrics family's samples keep beyond the grammar, checked as they arrive: what
 * each type's values may be, where exemplars go, and how Metrics and MetricPoints follow each other
 * ("Metrics MUST NOT be interleaved", "MetricPoints MUST NOT be interleaved", "its MetricPoints
 * MUST have monotonically increasing timestamps"). A Metric is the samples of one label set, the
 * MetricPoint's own label aside ({@code le} of a bucket, {@code quantile}, a stateset's state). A
 * histogram's point is checked when it is complete.
 */
final class OpenMetricsRules {
  private final String family;
  private final MetricType type;

  /** Types with more than one sample name per Metric: a Metric seen before may not come back. */
  private final boolean multiSample;

  /** The Metric being read: a sample named after the family carrying its label set. */
  private Sample group;

  private Set<Sample.SeriesId> seenGroups;
  private boolean groupStamped;
  private long groupTimestamp;

  /** The current Metric's samples at its current timestamp, to tell a repeat from a new point. */
  private final List<Sample> atTimestamp = new ArrayList<>();

  private HistogramPoint point;

  OpenMetricsRules(String family, MetricType type) {
    this.family = family;
    this.type = type;
    this.multiSample =
        switch (type) {
          case COUNTER, HISTOGRAM, GAUGEHISTOGRAM, SUMMARY, STATESET -> true;
          default -> false;
        };
    if (type == MetricType.HISTOGRAM || type == MetricType.GAUGEHISTOGRAM) {
      point = new HistogramPoint();
    }
  }

  /**
   * Checks one sample read at {@code line}; {@code repeated} when its series was seen before.
   * Returns false for a sample that repeats one of the same MetricPoint (same series, same
   * timestamp): it is kept once, as the reference parser keeps it.
   */
  boolean check(Sample sample, boolean repeated, int line) throws ExpositionException {
    checkValue(sample, line);
    checkExemplar(sample, line);
    String pointLabel = pointLabel(sample);
    Long ts = sample.timestampMillis();
    if (group == null || !sameGroup(sample, pointLabel)) {
      if (repeated) {
        throw ts == null
            ? new ExpositionException(
                line, Rule.DUPLICATE_SERIES, "duplicate series " + sample.name() + sample.labels())
            : new ExpositionException(
                line,
                Rule.INTERLEAVED,
                "Metric "
                    + sample.name()
                    + sample.labels()
                    + " given again after another Metric: Metrics must not be interleaved");
      }
      finishPoint();
      Sample next = groupOf(sample, pointLabel);
      if (multiSample) {
        if (seenGroups == null) {
          seenGroups = new HashSet<>();
          if (group != null) {
            seenGroups.add(group.seriesId());
          }
        }
        if (!seenGroups.add(next.seriesId())) {
          throw new ExpositionException(
              line,
              Rule.INTERLEAVED,
              "Metric "
                  + family
                  + next.labels()
                  + " given again after another Metric: Metrics must not be interleaved");
        }
      }
      group = next;
      groupStamped = ts != null;
      groupTimestamp = ts == null ? 0 : ts;
      atTimestamp.clear();
    } else if ((ts != null) != groupStamped) {
      throw new ExpositionException(
          line, Rule.TIMESTAMP_ORDER, "samples of one Metric with and without timestamps");
    } else if (ts == null) {
      if (repeated) {
        throw new ExpositionException(
            line,
            Rule.DUPLICATE_SERIES,
            "duplicate series "
                + sample.name()
                + sample.labels()
                + " (a Metric's MetricPoints need increasing timestamps)");
      }
    } else if (ts < groupTimestamp) {
      throw new ExpositionException(
          line,
          Rule.TIMESTAMP_ORDER,
          "timestamps of Metric "
              + family
              + group.labels()
              + " go backwards: its MetricPoints must have increasing timestamps and not be interleaved");
    } else if (ts > groupTimestamp) {
      finishPoint();
      groupTimestamp = ts;
      atTimestamp.clear();
    } else if (repeated && seenAtTimestamp(sample)) {
      return false;
    }
    if (ts != null) {
      atTimestamp.add(sample);
    }
    if (point != null) {
      point.add(sample, line);
    }
    return true;
  }

  /** At the family's end: the last histogram point is complete. */
  void close() throws ExpositionException {
    finishPoint();
  }

  private void finishPoint() throws ExpositionException {
    if (point != null) {
      point.finish();
    }
  }

  private boolean seenAtTimestamp(Sample sample) {
    for (int i = 0, n = atTimestamp.size(); i < n; i++) {
      if (Sample.SeriesId.same(atTimestamp.get(i), sample)) {
        return true;
      }
    }
    return false;
  }

  /** The label naming the sample's place within its MetricPoint, or null. */
  private String pointLabel(Sample sample) {
    return switch (type) {
      case HISTOGRAM, GAUGEHISTOGRAM -> sample.name().endsWith("_bucket") ? "le" : null;
      case SUMMARY -> sample.name().length() == family.length() ? "quantile" : null;
      case STATESET -> family;
      default -> null;
    };
  }

  /** True when the sample's labels, {@code pointLabel} aside, are the current Metric's. */
  private boolean sameGroup(Sample sample, String pointLabel) {
    List<Sample.Label> labels = sample.labels();
    int n = 0;
    for (int i = 0, size = labels.size(); i < size; i++) {
      Sample.Label label = labels.get(i);
      if (label.name().equals(pointLabel)) {
        continue;
      }
      if (!label.value().equals(group.label(label.name()))) {
        return false;
      }
      n++;
    }
    return n == group.labels().size();
  }

  private Sample groupOf(Sample sample, String pointLabel) {
    List<Sample.Label> labels = sample.labels();
    if (pointLabel != null && sample.label(pointLabel) != null) {
      labels = new ArrayList<>(labels);
      labels.removeIf(l -> l.name().equals(pointLabel));
    }
    return new Sample(family, labels, 0, null, null);
  }

  private void checkValue(Sample sample, int line) throws ExpositionException {
    String name = sample.name();
    double value = sample.value();
    switch (type) {
      case COUNTER -> {
        if (name.endsWith("_total") && (Double.isNaN(value) || value < 0)) {
          throw new ExpositionException(
              line,
              Rule.COUNTER,
              "counter total " + name + " is " + value + ": a Total is a non-NaN and non-negative");
        }
      }
      case HISTOGRAM, GAUGEHISTOGRAM -> {
        if (name.endsWith("_bucket")) {
          String le = sample.label("le");
          if (le == null) {
            throw new ExpositionException(
                line, Rule.HISTOGRAM, "histogram bucket " + name + " without an le label");
          }
          double threshold = Numbers.openMetricsNumber(le, 0, le.length());
          if (Double.isNaN(threshold)) {
            throw new ExpositionException(
                line,
                Rule.HISTOGRAM,
                "bucket threshold le=\""
                    + le
                    + "\" is not a number: thresholds MUST NOT equal NaN");
          }
          if (threshold == Double.POSITIVE_INFINITY && !le.equals("+Inf")) {
            throw new ExpositionException(
                line,
                Rule.HISTOGRAM,
                "bucket threshold le=\"" + le + "\": positive infinity is written +Inf");
          }
          requireCount(value, name, line, "bucket values MUST be integers and not negative");
        } else if (name.endsWith("_count") || name.endsWith("_gcount")) {
          requireCount(value, name, line, "count values MUST be integers and not negative");
        } else if (name.endsWith("_gsum")) {
          if (Double.isNaN(value)) {
            throw new ExpositionException(
                line, Rule.HISTOGRAM, name + " is NaN: Gsum MUST NOT be NaN");
          }
        } else if (name.endsWith("_sum") && (Double.isNaN(value) || value < 0)) {
          throw new ExpositionException(
              line,
              Rule.HISTOGRAM,
              name + " is " + value + ": a histogram's sum MUST NOT be NaN or negative");
        }
      }
      case SUMMARY -> {
        if (name.length() == family.length()) {
          String quantile = sample.label("quantile");
          double q =
              quantile == null
                  ? Double.NaN
                  : Numbers.openMetricsNumber(quantile, 0, quantile.length());
          if (!(q >= 0 && q <= 1)) {
            throw new ExpositionException(
                line,
                Rule.SUMMARY,
                quantile == null
                    ? "summary sample " + name + " without a quantile label"
                    : "quantile=\"" + quantile + "\": quantiles MUST be between 0 and 1 inclusive");
          }
          if (value < 0) {
            throw new ExpositionException(
                line,
                Rule.SUMMARY,
                "quantile value " + value + ": quantile values MUST NOT be negative");
          }
        } else if (name.endsWith("_count")) {
          if (!isCount(value)) {
            throw new ExpositionException(
                line,
                Rule.SUMMARY,
                name + " is " + value + ": Count MUST be an integer, not NaN or negative");
          }
        } else if (name.endsWith("_sum") && (Double.isNaN(value) || value < 0)) {
          throw new ExpositionException(
              line, Rule.SUMMARY, name + " is " + value + ": Sum MUST NOT be NaN or negative");
        }
      }
      case STATESET -> {
        if (sample.label(family) == null) {
          throw new ExpositionException(
              line,
              Rule.STATESET,
              "stateset sample without the " + family + " label naming its state");
        }
        if (value != 0 && value != 1) {
          throw new ExpositionException(
              line,
              Rule.STATESET,
              "stateset value " + value + ": a state is 1 (true) or 0 (false)");
        }
      }
      case INFO -> {
        if (value != 1) {
          throw new ExpositionException(
              line, Rule.INFO, "info value " + value + ": the value MUST always be 1");
        }
      }
      default -> {}
    }
  }

  private static void requireCount(double value, String name, int line, String rule)
      throws ExpositionException {
    if (!isCount(value)) {
      throw new ExpositionException(line, Rule.HISTOGRAM, name + " is " + value + ": " + rule);
    }
  }

  private static boolean isCount(double value) {
    return value >= 0 && value == Math.rint(value) && !Double.isInfinite(value);
  }

  /**
   * "Exemplars MAY be attached to the MetricPoint's Total sample"; "Bucket values MAY have
   * exemplars".
   */
  private void checkExemplar(Sample sample, int line) throws ExpositionException {
    if (sample.exemplar() == null) {
      return;
    }
    boolean allowed =
        switch (type) {
          case COUNTER -> sample.name().endsWith("_total");
          case HISTOGRAM, GAUGEHISTOGRAM -> sample.name().endsWith("_bucket");
          default -> false;
        };
    if (!allowed) {
      throw new ExpositionException(
          line,
          Rule.EXEMPLAR,
          "an exemplar on "
              + sample.name()
              + ": only counter totals and histogram buckets have them");
    }
  }

  /**
   * One histogram MetricPoint as its samples arrive: buckets sorted by threshold and cumulative, a
   * +Inf bucket, the count equal to it and given if and only if the sum is, no sum with negative
   * thresholds (a gauge histogram's gsum negative only with them).
   */
  private final class HistogramPoint {
    private boolean open;
    private double lastThreshold;
    private double lastBucket;
    private boolean negativeThresholds;
    private double count;
    private boolean hasCount;
    private boolean hasSum;
    private boolean negativeSum;
    private int line;

    void add(Sample sample, int line) throws ExpositionException {
      if (!open) {
        open = true;
        lastThreshold = Double.NaN;
        lastBucket = 0;
        negativeThresholds = false;
        hasCount = false;
        hasSum = false;
        negativeSum = false;
      }
      this.line = line;
      String name = sample.name();
      if (name.endsWith("_bucket")) {
        String le = sample.label("le");
        double threshold = Numbers.openMetricsNumber(le, 0, le.length());
        if (threshold < 0) {
          negativeThresholds = true;
        }
        if (!Double.isNaN(lastThreshold) && threshold <= lastThreshold) {
          throw new ExpositionException(
              line,
              Rule.HISTOGRAM,
              "bucket le=\""
                  + le
                  + "\" after a higher or equal threshold: buckets MUST be sorted by le, thresholds unique");
        }
        if (sample.value() < lastBucket) {
          throw new ExpositionException(
              line,
              Rule.HISTOGRAM,
              "bucket le=\""
                  + le
                  + "\" holds less than the one before: buckets MUST be cumulative");
        }
        lastThreshold = threshold;
        lastBucket = sample.value();
      } else if (name.endsWith("_count") || name.endsWith("_gcount")) {
        hasCount = true;
        count = sample.value();
      } else if (name.endsWith("_sum") || name.endsWith("_gsum")) {
        hasSum = true;
        negativeSum = sample.value() < 0;
      }
    }

    void finish() throws ExpositionException {
      if (!open) {
        return;
      }
      open = false;
      if (lastThreshold != Double.POSITIVE_INFINITY) {
        throw new ExpositionException(
            line, Rule.HISTOGRAM, "histogram " + family + " point without a +Inf bucket");
      }
      if (hasCount && count != lastBucket) {
        throw new ExpositionException(
            line,
            Rule.HISTOGRAM,
            "histogram " + family + " count " + count + " is not its +Inf bucket's " + lastBucket);
      }
      if (hasSum != hasCount) {
        throw new ExpositionException(
            line,
            Rule.HISTOGRAM,
            "histogram "
                + family
                + (hasSum ? " has a sum without a count" : " has a count without a sum")
                + ": the count is given if and only if the sum is");
      }
      if (type == MetricType.HISTOGRAM && negativeThresholds && hasSum) {
        throw new ExpositionException(
            line,
            Rule.HISTOGRAM,
            "histogram "
                + family
                + " has negative thresholds and a sum: it MUST NOT contain a sum then");
      }
      if (type == MetricType.GAUGEHISTOGRAM && negativeSum && !negativeThresholds) {
        throw new ExpositionException(
            line,
            Rule.HISTOGRAM,
            "gauge histogram " + family + " has a negative gsum without negative thresholds");
      }
    }
  }
}
