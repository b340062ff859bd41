package io.outrigger.webhook;

import io.outrigger.config.Ports;
import java.util.Map;

/**
 * Points a pod's {@code prometheus.io/*} annotations at the sidecar's merged endpoint (15020,
 * {@code /metrics}: the app's enriched series plus the sidecar's), so a Prometheus that discovers
 * pods by annotation scrapes one endpoint, and keeps each value it replaced under {@code
 * outrigger.io/original-prometheus-<key>}. A pod that says {@code prometheus.io/scrape: "false"} is
 * left alone.
 */
final class PrometheusRewrite {
  private PrometheusRewrite() {}

  static final String SCRAPE = InjectedNames.PROMETHEUS_PREFIX + "scrape";
  static final String PORT = InjectedNames.PROMETHEUS_PREFIX + "port";
  static final String PATH = InjectedNames.PROMETHEUS_PREFIX + "path";
  static final String SCHEME = InjectedNames.PROMETHEUS_PREFIX + "scheme";

  /** Rewrites {@code annotations} in place. */
  static void rewrite(Map<String, String> annotations) {
    if ("false".equals(annotations.get(SCRAPE))) {
      return;
    }
    set(annotations, SCRAPE, "true");
    set(annotations, PORT, String.valueOf(Ports.TELEMETRY));
    set(annotations, PATH, "/metrics");
    // The merged endpoint is plain HTTP; only touch the scheme when the pod named one.
    if (annotations.containsKey(SCHEME)) {
      set(annotations, SCHEME, "http");
    }
  }

  private static void set(Map<String, String> annotations, String key, String value) {
    String original = annotations.get(key);
    if (original != null && !original.equals(value)) {
      annotations.put(
          InjectedNames.originalPrometheusAnnotation(key.substring(key.indexOf('/') + 1)),
          original);
    }
    annotations.put(key, value);
  }
}
