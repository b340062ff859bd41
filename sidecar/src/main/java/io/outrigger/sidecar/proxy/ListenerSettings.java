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
  private volatile boolean draining;

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
              : new TokenBucket(rate.requestsPerSecond(), burst(rate), System.nanoTime());
    }
    if (previous == null || !previous.routePatterns().equals(next.routePatterns())) {
      this.routes = new RouteLabeler(next.routePatterns());
    }
    this.config = next;
  }

  /**
   * From now on every HTTP/1.x answer says {@code Connection: close}, so keep-alive clients open
   * their next connection where the Service now sends them, while this listener still accepts.
   */
  public void startDraining() {
    draining = true;
  }

  public boolean draining() {
    return draining;
  }

  /** A burst left out (0) is one second's worth, as the policy's schema documents. */
  static int burst(RateLimitConfig rate) {
    return rate.burst() > 0 ? rate.burst() : (int) Math.max(1, Math.ceil(rate.requestsPerSecond()));
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
