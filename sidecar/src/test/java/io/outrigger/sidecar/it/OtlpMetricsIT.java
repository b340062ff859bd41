package io.outrigger.sidecar.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * OTLP metrics leave the sidecar process and decode with opentelemetry-proto: types, attributes and
 * resource.
 */
class OtlpMetricsIT {
  private static final String APP =
      """
      # TYPE orders_total counter
      orders_total{status="paid"} 42
      # TYPE queue_depth gauge
      queue_depth 7
      # TYPE latency_seconds histogram
      latency_seconds_bucket{le="0.1"} 3
      latency_seconds_bucket{le="0.5"} 5
      latency_seconds_bucket{le="+Inf"} 6
      latency_seconds_sum 1.9
      latency_seconds_count 6
      """;

  @Test
  void theAppsAndSidecarsMetricsArriveAsOtlp() throws Exception {
    try (Backend app = new Backend();
        OtlpSink sink = new OtlpSink()) {
      app.handle(r -> r.response().end(r.path().equals("/metrics") ? APP : "ok"));
      try (SidecarProcess sidecar =
          SidecarProcess.start(
              "metrics:\n  scrape: {port: "
                  + app.port()
                  + ", interval: 1s}\n  otlp: {endpoint: \""
                  + sink.endpoint()
                  + "\", interval: 1s}\ntracing: {serviceName: checkout}\n",
              Map.of(
                  "OUTRIGGER_INBOUND_PORTS",
                  Integer.toString(app.port()),
                  "POD_NAME",
                  "checkout-1",
                  "POD_NAMESPACE",
                  "shop"),
              List.of("-Xmx64m"))) {
        await()
            .atMost(Duration.ofSeconds(20))
            .until(() -> find(sink, "latency_seconds").isPresent());
        assertThat(sink.rejected).isEmpty();
        ResourceMetrics batch =
            sink.metrics.stream()
                .filter(
                    r ->
                        r.getScopeMetrics(0).getMetricsList().stream()
                            .anyMatch(m -> m.getName().equals("orders")))
                .findFirst()
                .orElseThrow();
        Map<String, String> resource =
            batch.getResource().getAttributesList().stream()
                .collect(Collectors.toMap(KeyValue::getKey, a -> a.getValue().getStringValue()));
        assertThat(resource)
            .containsEntry("service.name", "checkout")
            .containsEntry("k8s.pod.name", "checkout-1");

        Metric orders = find(sink, "orders").orElseThrow();
        assertThat(orders.getSum().getIsMonotonic()).isTrue();
        assertThat(orders.getSum().getDataPoints(0).getAsDouble()).isEqualTo(42);
        assertThat(orders.getSum().getDataPoints(0).getAttributesList())
            .anyMatch(
                a -> a.getKey().equals("status") && a.getValue().getStringValue().equals("paid"))
            .anyMatch(
                a ->
                    a.getKey().equals("namespace") && a.getValue().getStringValue().equals("shop"));
        assertThat(
                find(sink, "queue_depth").orElseThrow().getGauge().getDataPoints(0).getAsDouble())
            .isEqualTo(7);
        var histogram = find(sink, "latency_seconds").orElseThrow().getHistogram().getDataPoints(0);
        assertThat(histogram.getExplicitBoundsList()).containsExactly(0.1, 0.5);
        assertThat(histogram.getBucketCountsList()).containsExactly(3L, 2L, 1L);
        assertThat(histogram.getCount()).isEqualTo(6);
        assertThat(histogram.getSum()).isEqualTo(1.9);
        assertThat(find(sink, "outrigger_app_scrape_up"))
            .as("the sidecar's own metrics too")
            .isPresent();
      }
    }
  }

  private static Optional<Metric> find(OtlpSink sink, String name) {
    return sink.metrics.stream()
        .flatMap(r -> r.getScopeMetricsList().stream())
        .flatMap(s -> s.getMetricsList().stream())
        .filter(m -> m.getName().equals(name))
        .reduce((first, later) -> later);
  }
}
