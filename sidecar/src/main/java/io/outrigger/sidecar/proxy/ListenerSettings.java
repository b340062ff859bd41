package io.outrigger.sidecar.proxy;

import io.outrigger.config.SidecarConfig.ProxyConfig;
import io.outrigger.config.SidecarConfig.RateLimitConfig;
import java.util.Objects;

/**
 * The settings one listener reads per request. Replaced as a whole on hot reload, so a request sees
 * either the old or the new settings, never a mix, and open connections are untouched.
 */
public final class ListenerSettings {
  private volatile ProxyConfig config;
  private volatile TokenBucket bucket;
  private volatile RouteLabeler routes;

  public ListenerSettings(ProxyConfig config) {
    apply(config);
  }

  public void apply(ProxyConfig next) {
    ProxyConfig previous = this.config;
    if (previous == null || !Objects.equals(previous.rateLimit(), next.rateLimit())) {
      RateLimitConfig rate = next.rateLimit();
      this.bucket =
          rate == null
              ? null
              : new TokenBucket(rate.requestsPerSecond(), rate.burst(), System.nanoTime());
    }
    if (previous == null || !previous.routePatterns().equals(next.routePatterns())) {
      this.routes = new RouteLabeler(next.routePatterns());
    }
    this.config = next;
  }

  public ProxyConfig config() {
    return config;
  }

  /** The rate limiter, or null when there is none. */
  public TokenBucket bucket() {
    return bucket;
  }

  public RouteLabeler routes() {
    return routes;
  }
}
