package io.outrigger.sidecar.metrics.exposition;

import java.util.List;
import java.util.Locale;

/**
 * Metric family types of the Prometheus text format and OpenMetrics, with the sample-name suffixes
 * each allows.
 */
public enum MetricType {
  COUNTER(List.of("_total", "_created", "")),
  GAUGE(List.of("")),
  HISTOGRAM(List.of("_bucket", "_sum", "_count", "_created")),
  GAUGEHISTOGRAM(List.of("_bucket", "_gsum", "_gcount")),
  SUMMARY(List.of("", "_sum", "_count", "_created")),
  INFO(List.of("_info")),
  STATESET(List.of("")),
  UNTYPED(List.of("")),
  UNKNOWN(List.of(""));

  private final List<String> suffixes;
  private final String[] suffixArray;

  MetricType(List<String> suffixes) {
    this.suffixes = suffixes;
    this.suffixArray = suffixes.toArray(String[]::new);
  }

  /** Suffixes a sample name may add to the family name. */
  public List<String> suffixes() {
    return suffixes;
  }

  /**
   * True when {@code sampleName} is {@code familyName} plus one of this type's suffixes; compares
   * in place, because it runs for every sample of every scrape.
   */
  public boolean accepts(String familyName, String sampleName) {
    if (!sampleName.startsWith(familyName)) {
      return false;
    }
    int rest = sampleName.length() - familyName.length();
    for (String suffix : suffixArray) {
      if (suffix.length() == rest && sampleName.endsWith(suffix)) {
        return true;
      }
    }
    return false;
  }

  /** The type named in a {@code # TYPE} line, or null when the name is not a type. */
  public static MetricType parse(String word) {
    try {
      return valueOf(word.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }
}
