package io.outrigger.sidecar.metrics.statsd;

import io.outrigger.sidecar.metrics.exposition.Enrichment;
import io.outrigger.sidecar.metrics.exposition.MetricFamily;
import io.outrigger.sidecar.metrics.exposition.MetricType;
import io.outrigger.sidecar.metrics.exposition.Sample;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Keeps what arrives by StatsD as Prometheus series, the way statsd_exporter maps it: counters
 * (scaled up by the sample rate) become {@code <name>_total}, gauges keep the last value (or apply
 * {@code +}/{@code -} deltas), timings become a summary in seconds with count and sum, sets count
 * distinct values. Dots and dashes in names become underscores; DogStatsD tags become labels.
 *
 * <p>Memory is bounded against a chatty or hostile client: the series cap counts series, the same
 * cap counts set members over all sets (a member is kept as a 64-bit hash, so a long value costs no
 * more than a short one), and tag values are cut to the label value cap as scraped ones are.
 */
public final class StatsdAggregator {
  private static final Pattern INVALID = Pattern.compile("[^a-zA-Z0-9_:]");

  private record Key(String name, List<Sample.Label> labels) {}

  private volatile int maxSeries;
  private final Map<Key, double[]> counters = new ConcurrentHashMap<>();
  private final Map<Key, double[]> gauges = new ConcurrentHashMap<>();
  private final Map<Key, double[]> timings = new ConcurrentHashMap<>();
  private final Map<Key, Set<Long>> sets = new ConcurrentHashMap<>();
  private volatile int maxLabelValueLength;
  private int members;
  private volatile int dropped;
  private volatile int droppedMembers;
  private volatile int rejected;

  public StatsdAggregator(int maxSeries, int maxLabelValueLength) {
    this.maxSeries = maxSeries;
    this.maxLabelValueLength = maxLabelValueLength;
  }

  public StatsdAggregator(int maxSeries) {
    this(maxSeries, Integer.MAX_VALUE);
  }

  /** The label value cap from now on ({@code metrics.maxLabelValueLength} changes live). */
  public void maxLabelValueLength(int cap) {
    this.maxLabelValueLength = cap;
  }

  /** The series cap from now on ({@code metrics.maxSeries} changes live). */
  public void maxSeries(int cap) {
    this.maxSeries = cap;
  }

  /**
   * Takes one datagram (several lines separated by newlines); bad lines are counted and skipped.
   */
  public synchronized void accept(String datagram) {
    for (String line : datagram.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      StatsdLine parsed;
      try {
        parsed = StatsdLine.parse(line.strip());
      } catch (IllegalArgumentException e) {
        rejected++;
        continue;
      }
      record(parsed);
    }
  }

  private void record(StatsdLine line) {
    Key key = new Key(promName(line.name()), labels(line.tags(), maxLabelValueLength));
    if (!known(key) && seriesCount() >= maxSeries) {
      dropped++;
      return;
    }
    switch (line.type()) {
      case "c" ->
          counters.computeIfAbsent(key, k -> new double[1])[0] += line.value() / line.sampleRate();
      case "g" -> {
        double[] gauge = gauges.computeIfAbsent(key, k -> new double[1]);
        gauge[0] = line.delta() ? gauge[0] + line.value() : line.value();
      }
      case "s" -> addMember(sets.computeIfAbsent(key, k -> new HashSet<>()), line.rawValue());
      default -> {
        double[] timing = timings.computeIfAbsent(key, k -> new double[2]);
        double seconds = line.type().equals("ms") ? line.value() / 1000 : line.value();
        timing[0] += 1 / line.sampleRate();
        timing[1] += seconds / line.sampleRate();
      }
    }
  }

  private void addMember(Set<Long> set, String member) {
    long hash = fnv1a64(member);
    if (set.contains(hash)) {
      return;
    }
    if (members >= maxSeries) {
      droppedMembers++;
      return;
    }
    set.add(hash);
    members++;
  }

  /** FNV-1a over the UTF-16 code units: distinct members collide with odds of about n²/2⁶⁵. */
  static long fnv1a64(String value) {
    long hash = 0xcbf29ce484222325L;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      hash = (hash ^ (c & 0xff)) * 0x100000001b3L;
      hash = (hash ^ (c >>> 8)) * 0x100000001b3L;
    }
    return hash;
  }

  private boolean known(Key key) {
    return counters.containsKey(key)
        || gauges.containsKey(key)
        || timings.containsKey(key)
        || sets.containsKey(key);
  }

  private int seriesCount() {
    return counters.size() + gauges.size() + timings.size() + sets.size();
  }

  public int dropped() {
    return dropped;
  }

  public int rejected() {
    return rejected;
  }

  /** Set members left uncounted because the cap was reached. */
  public int droppedMembers() {
    return droppedMembers;
  }

  /** The current values as families, enriched with the pod's identity. */
  public synchronized List<MetricFamily> families(Enrichment enrichment) {
    Map<String, List<Sample>> counterSamples = new TreeMap<>();
    counters.forEach(
        (k, v) ->
            counterSamples
                .computeIfAbsent(k.name(), n -> new ArrayList<>())
                .add(new Sample(k.name() + "_total", k.labels(), v[0], null, null)));
    Map<String, List<Sample>> gaugeSamples = new TreeMap<>();
    gauges.forEach(
        (k, v) ->
            gaugeSamples
                .computeIfAbsent(k.name(), n -> new ArrayList<>())
                .add(new Sample(k.name(), k.labels(), v[0], null, null)));
    sets.forEach(
        (k, v) ->
            gaugeSamples
                .computeIfAbsent(k.name(), n -> new ArrayList<>())
                .add(new Sample(k.name(), k.labels(), v.size(), null, null)));
    Map<String, List<Sample>> timingSamples = new TreeMap<>();
    timings.forEach(
        (k, v) -> {
          List<Sample> samples =
              timingSamples.computeIfAbsent(k.name() + "_seconds", n -> new ArrayList<>());
          samples.add(new Sample(k.name() + "_seconds_count", k.labels(), v[0], null, null));
          samples.add(new Sample(k.name() + "_seconds_sum", k.labels(), v[1], null, null));
        });
    List<MetricFamily> families = new ArrayList<>();
    counterSamples.forEach(
        (name, samples) ->
            families.add(
                family(
                    name,
                    MetricType.COUNTER,
                    "StatsD counter " + name + ".",
                    samples,
                    enrichment)));
    gaugeSamples.forEach(
        (name, samples) ->
            families.add(
                family(
                    name,
                    MetricType.GAUGE,
                    "StatsD gauge or set " + name + ".",
                    samples,
                    enrichment)));
    timingSamples.forEach(
        (name, samples) ->
            families.add(
                family(
                    name, MetricType.SUMMARY, "StatsD timing " + name + ".", samples, enrichment)));
    return families;
  }

  private static MetricFamily family(
      String name, MetricType type, String help, List<Sample> samples, Enrichment enrichment) {
    MetricFamily family = new MetricFamily(name, type, help, null, List.copyOf(samples));
    return enrichment == null ? family : enrichment.apply(family);
  }

  static String promName(String statsdName) {
    String name = INVALID.matcher(statsdName).replaceAll("_");
    return Character.isDigit(name.charAt(0)) ? "_" + name : name;
  }

  private static List<Sample.Label> labels(List<String[]> tags, int maxValueLength) {
    TreeMap<String, String> sorted = new TreeMap<>();
    for (String[] tag : tags) {
      String name = INVALID.matcher(tag[0]).replaceAll("_").replace(":", "_");
      if (!name.isEmpty() && !Character.isDigit(name.charAt(0))) {
        String value = tag[1];
        sorted.put(
            name, value.length() > maxValueLength ? value.substring(0, maxValueLength) : value);
      }
    }
    List<Sample.Label> labels = new ArrayList<>();
    sorted.forEach((k, v) -> labels.add(new Sample.Label(k, v)));
    return List.copyOf(labels);
  }
}
