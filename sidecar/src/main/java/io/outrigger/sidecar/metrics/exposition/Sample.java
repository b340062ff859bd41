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
  public String seriesKey() {
    StringBuilder key = new StringBuilder(name).append('{');
    labels.stream()
        .sorted(java.util.Comparator.comparing(Label::name))
        .forEach(l -> key.append(l.name()).append('=').append(l.value()).append('\u0000'));
    return key.append('}').toString();
  }

  public String label(String labelName) {
    for (Label label : labels) {
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
