package io.outrigger.sidecar.outbound;

import io.outrigger.config.SidecarConfig.OutboundConfig;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Per-destination resilience state: a circuit breaker and a retry budget for each {@code host:port}
 * the app calls. A new config (live reload) starts every destination afresh.
 */
final class Destinations {
  /** Retries a destination may get per window whatever its traffic (Linkerd's floor, per 10 s). */
  static final int MIN_RETRIES = 3;

  static final Duration BUDGET_WINDOW = Duration.ofSeconds(10);

  /** One destination's breaker and budget. */
  record State(CircuitBreaker breaker, RetryBudget budget) {}

  private final LongSupplier clock;
  private volatile OutboundConfig config;
  private volatile Map<String, State> states = new ConcurrentHashMap<>();

  Destinations(OutboundConfig config, LongSupplier clock) {
    this.config = config;
    this.clock = clock;
  }

  State of(String hostPort) {
    OutboundConfig current = config;
    return states.computeIfAbsent(
        hostPort,
        k ->
            new State(
                new CircuitBreaker(
                    current.circuitBreakerFailures(), current.circuitBreakerOpenDuration(), clock),
                new RetryBudget(current.retryBudgetRatio(), MIN_RETRIES, BUDGET_WINDOW, clock)));
  }

  void apply(OutboundConfig next) {
    if (!next.equals(config)) {
      config = next;
      states = new ConcurrentHashMap<>();
    }
  }

  OutboundConfig config() {
    return config;
  }

  /** Destinations whose breaker is open right now (for /status and a gauge). */
  long open() {
    return states.values().stream()
        .filter(s -> s.breaker().state() == CircuitBreaker.State.OPEN)
        .count();
  }
}
