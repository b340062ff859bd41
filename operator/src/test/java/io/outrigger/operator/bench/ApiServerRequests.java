package io.outrigger.operator.bench;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The API server's own count of the requests it served ({@code apiserver_request_total} on its
 * {@code /metrics}), summed by verb and resource; the difference of two snapshots is what happened
 * in between, whoever sent it.
 */
record ApiServerRequests(Map<String, Double> byVerbAndResource) {

  /** Verbs that change something (TokenReview is a POST too, though nothing is stored). */
  static final Set<String> WRITE_VERBS = Set.of("POST", "PUT", "PATCH", "DELETE", "APPLY");

  private static final String METRIC = "apiserver_request_total{";
  private static final Pattern LABEL = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  static ApiServerRequests scrape(KubernetesClient admin) {
    return parse(admin.raw("/metrics"));
  }

  /**
   * Sums the series of {@code apiserver_request_total} by {@code "VERB resource[/subresource]"}.
   */
  static ApiServerRequests parse(String exposition) {
    Map<String, Double> sums = new TreeMap<>();
    for (String line : exposition.split("\n")) {
      if (!line.startsWith(METRIC)) {
        continue;
      }
      int close = line.lastIndexOf('}');
      Map<String, String> labels = new TreeMap<>();
      Matcher m = LABEL.matcher(line.substring(METRIC.length(), close));
      while (m.find()) {
        labels.put(m.group(1), m.group(2));
      }
      String resource = labels.getOrDefault("resource", "");
      String sub = labels.getOrDefault("subresource", "");
      String key =
          labels.getOrDefault("verb", "?") + " " + resource + (sub.isEmpty() ? "" : "/" + sub);
      double value = Double.parseDouble(line.substring(close + 1).strip());
      sums.merge(key, value, Double::sum);
    }
    return new ApiServerRequests(sums);
  }

  /** What was served between {@code before} and this snapshot. */
  ApiServerRequests since(ApiServerRequests before) {
    Map<String, Double> diff = new TreeMap<>();
    byVerbAndResource.forEach(
        (k, v) -> {
          double d = v - before.byVerbAndResource.getOrDefault(k, 0.0);
          if (d > 0) {
            diff.put(k, d);
          }
        });
    return new ApiServerRequests(diff);
  }

  /** Only the write verbs. */
  Map<String, Double> writes() {
    Map<String, Double> writes = new TreeMap<>();
    byVerbAndResource.forEach(
        (k, v) -> {
          if (WRITE_VERBS.contains(k.substring(0, k.indexOf(' ')))) {
            writes.put(k, v);
          }
        });
    return writes;
  }

  double get(String verbAndResource) {
    return byVerbAndResource.getOrDefault(verbAndResource, 0.0);
  }
}
