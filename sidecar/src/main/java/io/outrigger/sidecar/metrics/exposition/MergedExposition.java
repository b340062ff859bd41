package io.outrigger.sidecar.metrics.exposition;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The sidecar's own families and the app's, merged into one exposition: same-named families of the
 * same type are joined under one TYPE line (an exposition may not repeat a family), series
 * identical in both are kept once (the sidecar's), and an app family whose type conflicts with the
 * sidecar's is left out and counted rather than breaking the whole scrape.
 *
 * @param conflicts app families left out because their type conflicts with a sidecar family of the
 *     same name
 * @param duplicates app series left out because the sidecar exposes the very same series
 */
public record MergedExposition(List<MetricFamily> families, int conflicts, int duplicates) {

  public static MergedExposition merge(List<MetricFamily> own, List<MetricFamily> app) {
    Map<String, MetricFamily> byName = new LinkedHashMap<>();
    own.forEach(f -> byName.put(f.name(), f));
    int conflicts = 0;
    int duplicates = 0;
    for (MetricFamily family : app) {
      MetricFamily existing = byName.get(family.name());
      if (existing == null) {
        byName.put(family.name(), withHelp(family));
        continue;
      }
      if (existing.type() != family.type()) {
        conflicts++;
        continue;
      }
      Set<Sample.SeriesId> keys = new HashSet<>();
      existing.samples().forEach(s -> keys.add(s.seriesId()));
      List<Sample> samples = new ArrayList<>(existing.samples());
      for (Sample sample : family.samples()) {
        if (keys.add(sample.seriesId())) {
          samples.add(sample);
        } else {
          duplicates++;
        }
      }
      byName.put(
          family.name(),
          new MetricFamily(
              existing.name(),
              existing.type(),
              existing.help(),
              existing.unit(),
              List.copyOf(samples)));
    }
    return new MergedExposition(List.copyOf(byName.values()), conflicts, duplicates);
  }

  /**
   * Prometheus's lint wants help text on every family; an app that gave none gets a neutral one.
   */
  private static MetricFamily withHelp(MetricFamily family) {
    return family.help() != null
        ? family
        : new MetricFamily(
            family.name(),
            family.type(),
            "Exposed by the app without a description.",
            family.unit(),
            family.samples());
  }
}
