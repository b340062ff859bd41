package io.outrigger.sidecar.metrics.exposition;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Adds the pod's identity to every series (namespace, pod, node, container, workload and the pod
 * labels the policy lists), the way Prometheus applies target labels with {@code honor_labels:
 * false}: when the app already uses one of these names, the app's label is kept as {@code
 * exported_<name>} and the target's value wins.
 */
public final class Enrichment {
  private static final Pattern INVALID = Pattern.compile("[^a-zA-Z0-9_]");

  private final Map<String, String> targetLabels;
  // Shared by every enriched sample: one Label object per target label, not one per sample.
  private final List<Sample.Label> targetLabelList;
  private final String targetLabelsText;

  /**
   * @param targetLabels label names (already valid Prometheus names) and values to add
   */
  public Enrichment(Map<String, String> targetLabels) {
    // Insertion order kept: identity labels first, then pod labels, in every series.
    this.targetLabels = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(targetLabels));
    this.targetLabelList =
        this.targetLabels.entrySet().stream()
            .map(e -> new Sample.Label(e.getKey(), e.getValue()))
            .toList();
    StringBuilder text = new StringBuilder();
    for (Sample.Label label : targetLabelList) {
      if (!text.isEmpty()) {
        text.append(',');
      }
      ExpositionWriter.appendLabel(label, text);
    }
    this.targetLabelsText = text.isEmpty() ? null : text.toString();
  }

  /**
   * The target labels for a pod: the fixed identity labels, then each chosen pod label under a
   * sanitised name ({@code app.kubernetes.io/name} becomes {@code app_kubernetes_io_name}), when
   * the pod has it.
   */
  public static Map<String, String> targetLabels(
      String namespace,
      String pod,
      String node,
      String container,
      String workload,
      Map<String, String> podLabels,
      List<String> chosen) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("namespace", namespace);
    labels.put("pod", pod);
    labels.put("node", node);
    labels.put("container", container);
    labels.put("workload", workload);
    for (String key : chosen) {
      String value = podLabels.get(key);
      if (value != null) {
        labels.putIfAbsent(sanitise(key), value);
      }
    }
    return labels;
  }

  /** A pod label key as a Prometheus label name. */
  public static String sanitise(String key) {
    String name = INVALID.matcher(key).replaceAll("_");
    return Character.isDigit(name.charAt(0)) ? "_" + name : name;
  }

  /**
   * The family with the target labels on every sample. The samples are enriched as they are read (a
   * view over the family's, which must not change): a scrape's series are kept once, and the
   * exposition writer adds the target labels as one piece of text.
   */
  public MetricFamily apply(MetricFamily family) {
    return new MetricFamily(
        family.name(),
        family.type(),
        family.help(),
        family.unit(),
        new Enriched(family.samples(), this));
  }

  /** {@code sample} with the target labels. */
  Sample apply(Sample sample) {
    return new Sample(
        sample.name(),
        enrich(sample.labels()),
        sample.value(),
        sample.timestampMillis(),
        sample.exemplar());
  }

  /**
   * The target labels as they are written in an exposition ({@code name="value",...}, values
   * escaped), or null when there are none.
   */
  String targetLabelsText() {
    return targetLabelsText;
  }

  /** A family's samples, enriched when read. */
  static final class Enriched extends java.util.AbstractList<Sample>
      implements java.util.RandomAccess {
    final List<Sample> raw;
    final Enrichment enrichment;

    Enriched(List<Sample> raw, Enrichment enrichment) {
      this.raw = raw;
      this.enrichment = enrichment;
    }

    @Override
    public Sample get(int index) {
      return enrichment.apply(raw.get(index));
    }

    @Override
    public int size() {
      return raw.size();
    }
  }

  List<Sample.Label> enrich(List<Sample.Label> labels) {
    if (!collides(labels)) {
      // The common case: the app's labels, then the target's, as a view over both (no copy).
      return Labels.concat(labels, targetLabelList);
    }
    Set<String> taken = new HashSet<>();
    labels.forEach(l -> taken.add(l.name()));
    taken.addAll(targetLabels.keySet());
    List<Sample.Label> result = new ArrayList<>(labels.size() + targetLabels.size());
    for (Sample.Label label : labels) {
      if (targetLabels.containsKey(label.name())) {
        String exported = "exported_" + label.name();
        while (taken.contains(exported)) {
          exported = "exported_" + exported;
        }
        taken.add(exported);
        result.add(new Sample.Label(exported, label.value()));
      } else {
        result.add(label);
      }
    }
    result.addAll(targetLabelList);
    return List.copyOf(result);
  }

  /** True when the app's labels use a target label's name (and so need renaming). */
  boolean collides(List<Sample.Label> labels) {
    for (int i = 0, n = labels.size(); i < n; i++) {
      if (targetLabels.containsKey(labels.get(i).name())) {
        return true;
      }
    }
    return false;
  }
}
