package io.outrigger.sidecar.metrics.exposition;

import java.util.List;

/**
 * A parsed scrape.
 *
 * @param droppedSeries series beyond the per-scrape cap, left out
 * @param truncatedValues label values cut to the length cap
 */
public record Exposition(List<MetricFamily> families, int droppedSeries, int truncatedValues) {

  public int seriesCount() {
    return families.stream().mapToInt(f -> f.samples().size()).sum();
  }
}
