package io.outrigger.sidecar.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The proxy's RED metrics. Every label is bounded: method (known verbs, else {@code _OTHER}),
 * status code, listener (one per app port), route (configured templates, else "other"), direction,
 * and destination ({@code app} inbound; a capped set of {@code host:port} outbound). Meters are
 * cached per label set so the hot path does one map lookup, not a registry lookup.
 */
public final class ProxyMetrics {
  private static final Set<String> METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");

  /** Buckets from 1 ms to 10 s: where request latencies of services behind a sidecar live. */
  private static final Duration[] BUCKETS = {
    Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
    Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
    Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
    Duration.ofSeconds(10)
  };

  /** The {@code destination} of inbound requests: the app behind the listener. */
  public static final String APP = "app";

  private record Key(
      String direction,
      String listener,
      String destination,
      String method,
      String status,
      String route) {}

  private record Meters(
      Counter requests, Timer duration, Counter requestBytes, Counter responseBytes) {}

  private final MeterRegistry registry;
  private final Map<Key, Meters> meters = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> activeConnections = new ConcurrentHashMap<>();
  private final Map<String, Counter> upstreamFailures = new ConcurrentHashMap<>();

  public ProxyMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** One finished inbound request (destination: the app). */
  public void record(
      String direction,
      String listener,
      String method,
      int status,
      String route,
      long durationNanos,
      long requestBytes,
      long responseBytes) {
    record(
        direction,
        listener,
        APP,
        method,
        status,
        route,
        durationNanos,
        requestBytes,
        responseBytes);
  }

  /**
   * One finished request to {@code destination} (a bounded label: the ambassador's {@code
   * host:port} or {@code _other}).
   */
  public void record(
      String direction,
      String listener,
      String destination,
      String method,
      int status,
      String route,
      long durationNanos,
      long requestBytes,
      long responseBytes) {
    Key key =
        new Key(
            direction, listener, destination, boundedMethod(method), statusLabel(status), route);
    Meters m = meters.computeIfAbsent(key, this::register);
    m.requests().increment();
    m.duration().record(durationNanos, TimeUnit.NANOSECONDS);
    m.requestBytes().increment(requestBytes);
    m.responseBytes().increment(responseBytes);
  }

  public void connectionOpened(String listener) {
    connections(listener).incrementAndGet();
  }

  public void connectionClosed(String listener) {
    connections(listener).decrementAndGet();
  }

  /** The app could not be reached or failed; {@code reason} is an {@code UpstreamFailure} code. */
  public void upstreamFailure(String listener, String reason) {
    upstreamFailureCounter(listener, reason).increment();
  }

  /**
   * Shows a failure counter at 0 before its first failure: Prometheus's {@code rate()} sees the
   * first failure only as an increase from a sample it already has, and a panel of failures shows
   * 0, not "no data", while there are none.
   */
  public void declareUpstreamFailure(String listener, String reason) {
    upstreamFailureCounter(listener, reason);
  }

  private Counter upstreamFailureCounter(String listener, String reason) {
    return upstreamFailures.computeIfAbsent(
        listener + "|" + reason,
        k ->
            Counter.builder("outrigger.upstream.failures")
                .description("Requests the app could not answer, by reason")
                .tag("listener", listener)
                .tag("reason", reason)
                .register(registry));
  }

  /** Status labels made once: a new string per request would be hashed again for every lookup. */
  private static final String[] STATUS_LABELS = new String[600];

  static {
    for (int i = 0; i < STATUS_LABELS.length; i++) {
      STATUS_LABELS[i] = Integer.toString(i);
    }
  }

  private static String statusLabel(int status) {
    return status >= 0 && status < STATUS_LABELS.length
        ? STATUS_LABELS[status]
        : Integer.toString(status);
  }

  static String boundedMethod(String method) {
    return METHODS.contains(method) ? method : "_OTHER";
  }

  private AtomicInteger connections(String listener) {
    return activeConnections.computeIfAbsent(
        listener,
        l -> {
          AtomicInteger count = new AtomicInteger();
          io.micrometer.core.instrument.Gauge.builder(
                  "outrigger.active.connections", count, AtomicInteger::get)
              .description("Open client connections to the sidecar's listener")
              .tags("listener", l, "direction", "inbound")
              .register(registry);
          return count;
        });
  }

  private Meters register(Key key) {
    String[] tags = {
      "direction", key.direction(),
      "listener", key.listener(),
      "destination", key.destination(),
      "method", key.method(),
      "status_code", key.status(),
      "route", key.route()
    };
    return new Meters(
        Counter.builder("outrigger.requests")
            .description("Requests through the sidecar")
            .tags(tags)
            .register(registry),
        Timer.builder("outrigger.request.duration")
            .description("Time from the request's arrival to the end of the response")
            .tags(tags)
            .serviceLevelObjectives(BUCKETS)
            .register(registry),
        // Counters, not summaries: a byte rate is what dashboards show, and it costs one add per
        // request.
        Counter.builder("outrigger.request.bytes")
            .description("Request bytes received from clients")
            .tags(tags)
            .register(registry),
        Counter.builder("outrigger.response.bytes")
            .description("Response bytes sent to clients")
            .tags(tags)
            .register(registry));
  }
}
