package io.outrigger.sidecar.metrics;

import io.outrigger.config.Defaults;
import io.outrigger.config.DurationText;
import io.outrigger.config.Scheme;
import io.outrigger.config.SidecarConfig.MetricsConfig;
import io.outrigger.config.SidecarConfig.ScrapeConfig;
import io.outrigger.config.SidecarEnvironment;
import java.time.Duration;
import java.util.Map;

/**
 * Where the app's metrics are: the policy's {@code metrics.scrape} when it names a port, else what
 * the webhook found for this pod ({@code OUTRIGGER_SCRAPE_PORT}/{@code OUTRIGGER_SCRAPE_PATH}: the
 * metrics annotations or the pod's original {@code prometheus.io/*}), else nothing to scrape.
 */
public final class ScrapeTarget {
  private ScrapeTarget() {}

  /** The target, or null when the app exposes no metrics the sidecar knows of. */
  public static ScrapeConfig resolve(MetricsConfig metrics, Map<String, String> env) {
    ScrapeConfig configured = metrics.scrape();
    if (configured != null && configured.port() > 0) {
      return configured;
    }
    Integer number = SidecarEnvironment.scrapePort(env);
    if (number == null) {
      return null;
    }
    String path = env.getOrDefault(SidecarEnvironment.SCRAPE_PATH, Defaults.METRICS_PATH);
    Duration interval =
        configured != null ? configured.interval() : DurationText.parse(Defaults.SCRAPE_INTERVAL);
    Duration timeout =
        configured != null ? configured.timeout() : DurationText.parse(Defaults.SCRAPE_TIMEOUT);
    Scheme scheme = configured != null ? configured.scheme() : Scheme.HTTP;
    return new ScrapeConfig(
        number, path.isBlank() ? Defaults.METRICS_PATH : path, scheme, interval, timeout);
  }
}
