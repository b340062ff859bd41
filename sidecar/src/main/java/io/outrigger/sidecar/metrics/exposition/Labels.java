package io.outrigger.sidecar.metrics.exposition;

import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;

/**
 * Immutable label lists without the copies of {@link List#copyOf}: the parser's array taken as is,
 * and an enriched series' labels as a view of the app's labels followed by the target's (shared by
 * every series), so enriching a series allocates no array.
 */
final class Labels {
  private Labels() {}

  /** A list over {@code labels}, which nobody may change afterwards. */
  static List<Sample.Label> ofTrusted(Sample.Label[] labels) {
    return labels.length == 0 ? List.of() : new ArrayLabels(labels);
  }

  /** {@code first} then {@code second}; both must be immutable. */
  static List<Sample.Label> concat(List<Sample.Label> first, List<Sample.Label> second) {
    if (first.isEmpty()) {
      return second;
    }
    if (second.isEmpty()) {
      return first;
    }
    return new Concat(first, second);
  }

  private static final class ArrayLabels extends AbstractList<Sample.Label>
      implements RandomAccess {
    private final Sample.Label[] labels;

    ArrayLabels(Sample.Label[] labels) {
      this.labels = labels;
    }

    @Override
    public Sample.Label get(int index) {
      return labels[index];
    }

    @Override
    public int size() {
      return labels.length;
    }
  }

  private static final class Concat extends AbstractList<Sample.Label> implements RandomAccess {
    private final List<Sample.Label> first;
    private final List<Sample.Label> second;
    private final int split;

    Concat(List<Sample.Label> first, List<Sample.Label> second) {
      this.first = first;
      this.second = second;
      this.split = first.size();
    }

    @Override
    public Sample.Label get(int index) {
      return index < split ? first.get(index) : second.get(index - split);
    }

    @Override
    public int size() {
      return split + second.size();
    }
  }
}
