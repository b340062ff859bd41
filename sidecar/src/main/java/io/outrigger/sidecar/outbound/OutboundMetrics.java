package io.outrigger.sidecar.outbound;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.outrigger.sidecar.metrics.ProxyMetrics;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The ambassador's metrics: requests go to the shared RED metrics with {@code direction="outbound"}
 * and a bounded {@code destination}; retries, circuit-breaker refusals and opaque TCP connections
 * get their own counters, labelled the same way.
 */
final class OutboundMetrics {
  private final ProxyMetrics red;
  private final MeterRegistry registry;
  private final DestinationLabels labels;
  private final String listener;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final Set<String> declared = ConcurrentHashMap.newKeySet();

  OutboundMetrics(ProxyMetrics red, DestinationLabels labels, int port) {
    this.red = red;
    this.registry = red.registry();
    this.labels = labels;
    this.listener = Integer.toString(port);
  }

  String label(OutboundTarget target) {
    return labels.label(target.host(), target.port());
  }

  void request(
      String destination,
      String method,
      int status,
      long nanos,
      long requestBytes,
      long responseBytes) {
    if (declared.add(destination)) {
      // At 0 from the destination's first request, so that rate() sees the first retry or refusal.
      retries(destination, "retried");
      retries(destination, "budget_exhausted");
      circuitRejections(destination);
    }
    red.record(
        "outbound",
        listener,
        destination,
        method,
        status,
        "other",
        nanos,
        requestBytes,
        responseBytes);
  }

  /**
   * A retry was sent ({@code outcome=retried}) or the budget refused one ({@code
   * budget_exhausted}).
   */
  void retry(String destination, String outcome) {
    retries(destination, outcome).increment();
  }

  /** A request was refused because the destination's circuit is open. */
  void circuitOpen(String destination) {
    circuitRejections(destination).increment();
  }

  /**
   * A non-HTTP connection: {@code outcome} is {@code passthrough}, {@code connect_failed} or {@code
   * no_destination}.
   */
  void tcp(String destination, String outcome) {
    counterOf(
            "outrigger.outbound.tcp.connections",
            "Opaque TCP connections through the ambassador",
            destination,
            "outcome",
            outcome)
        .increment();
  }

  private Counter retries(String destination, String outcome) {
    return counterOf(
        "outrigger.outbound.retries",
        "Retries of outbound requests",
        destination,
        "outcome",
        outcome);
  }

  private Counter circuitRejections(String destination) {
    return counterOf(
        "outrigger.outbound.circuit.rejections",
        "Outbound requests refused while the destination's circuit was open",
        destination,
        null,
        null);
  }

  private Counter counterOf(
      String name, String help, String destination, String key, String value) {
    String id = name + "|" + destination + "|" + value;
    return counters.computeIfAbsent(
        id,
        k -> {
          Counter.Builder builder =
              Counter.builder(name).description(help).tag("destination", destination);
          if (key != null) {
            builder.tag(key, value);
          }
          return builder.register(registry);
        });
  }
}
