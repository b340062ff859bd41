package io.outrigger.sidecar.metrics.exposition;

import io.outrigger.sidecar.metrics.exposition.ExpositionParser.Format;
import java.util.List;
import java.util.Locale;

/**
 * Metric family types of the Prometheus text format and OpenMetrics, with the sample-name suffixes
 * each allows in each format.
 */
public enum MetricType {
  // The text format has no _created; its counter samples are named as the family (x or x_total).
  COUNTER(List.of("_total", "_created"), List.of("")),
  GAUGE(List.of(""), List.of("")),
  HISTOGRAM(List.of("_bucket", "_sum", "_count", "_created"), List.of("_bucket", "_sum", "_count")),
  GAUGEHISTOGRAM(List.of("_bucket", "_gsum", "_gcount"), List.of()),
  SUMMARY(List.of("", "_sum", "_count", "_created"), List.of("", "_sum", "_count")),
  INFO(List.of("_info"), List.of()),
  STATESET(List.of(""), List.of()),
  UNTYPED(List.of(""), List.of("")),
  UNKNOWN(List.of(""), List.of());

  /**
   * The types a TYPE line may name in each format (OpenMetrics has no untyped, text no info...).
   */
  private static final List<MetricType> OPENMETRICS_TYPES =
      List.of(COUNTER, GAUGE, HISTOGRAM, GAUGEHISTOGRAM, SUMMARY, INFO, STATESET, UNKNOWN);

  private static final List<MetricType> TEXT_TYPES =
      List.of(COUNTER, GAUGE, HISTOGRAM, SUMMARY, UNTYPED);

  private final List<String> suffixes;
  private final String[] openMetricsSuffixes;
  private final String[] textSuffixes;

  MetricType(List<String> openMetrics, List<String> text) {
    this.suffixes = openMetrics;
    this.openMetricsSuffixes = openMetrics.toArray(String[]::new);
    this.textSuffixes = text.toArray(String[]::new);
  }

  /** Suffixes an OpenMetrics sample name may add to the family name. */
  public List<String> suffixes() {
    return suffixes;
  }

  /**
   * True when {@code sampleName} is {@code familyName} plus one of this type's suffixes in {@code
   * format}; compares in place, because it runs for every sample of every scrape.
   */
  public boolean accepts(String familyName, String sampleName, Format format) {
    if (!sampleName.startsWith(familyName)) {
      return false;
    }
    int rest = sampleName.length() - familyName.length();
    for (String suffix : format == Format.OPENMETRICS ? openMetricsSuffixes : textSuffixes) {
      if (suffix.length() == rest && sampleName.endsWith(suffix)) {
        return true;
      }
    }
    return false;
  }

  /** The type a {@code # TYPE} line names in {@code format} (exact lower-case word), or null. */
  public static MetricType of(String word, Format format) {
    for (MetricType type : format == Format.OPENMETRICS ? OPENMETRICS_TYPES : TEXT_TYPES) {
      if (type.word().equals(word)) {
        return type;
      }
    }
    return null;
  }

  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }
}
