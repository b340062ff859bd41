package io.outrigger.sidecar.metrics.exposition;

import java.util.List;

/**
 * One sample line: name, labels (in the order given), value, optional timestamp and OpenMetrics
 * exemplar.
 *
 * @param timestampMillis null when the line carries none
 * @param exemplar the exemplar as written after {@code #} (labels, value, timestamp), or null
 */
public record Sample(
    String name, List<Label> labels, double value, Long timestampMillis, String exemplar) {

  /** A label pair. */
  public record Label(String name, String value) {}

  /** The series identity: name and label set, order-insensitive. */
  public SeriesId seriesId() {
    return new SeriesId(this);
  }

  /**
   * A sample's series identity for hash sets: equal when the names and label sets are, whatever the
   * label order. Compares in place instead of building a key string, since every sample of a scrape
   * goes through a set of these.
   */
  public static final class SeriesId {
    private final Sample sample;
    private final int hash;

    SeriesId(Sample sample) {
      this.sample = sample;
      this.hash = hash(sample);
    }

    static int hash(Sample sample) {
      int labelsHash = 0;
      List<Label> labels = sample.labels;
      for (int i = 0, n = labels.size(); i < n; i++) {
        Label label = labels.get(i);
        // A sum does not depend on the order.
        labelsHash += label.name().hashCode() * 31 + label.value().hashCode();
      }
      return sample.name.hashCode() * 31 + labelsHash;
    }

    /** Same name and label set, whatever the order. */
    static boolean same(Sample a, Sample b) {
      if (!a.name.equals(b.name) || a.labels.size() != b.labels.size()) {
        return false;
      }
      // Label names are unique within a sample, so equal sizes and containment mean equal sets.
      List<Label> labels = a.labels;
      for (int i = 0, n = labels.size(); i < n; i++) {
        Label label = labels.get(i);
        if (!label.value().equals(b.label(label.name()))) {
          return false;
        }
      }
      return true;
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof SeriesId that && that.hash == hash && same(sample, that.sample);
    }
  }

  public String label(String labelName) {
    for (int i = 0, n = labels.size(); i < n; i++) {
      Label label = labels.get(i);
      if (label.name().equals(labelName)) {
        return label.value();
      }
    }
    return null;
  }

  public Sample withLabels(List<Label> newLabels) {
    return new Sample(name, List.copyOf(newLabels), value, timestampMillis, exemplar);
  }
}
