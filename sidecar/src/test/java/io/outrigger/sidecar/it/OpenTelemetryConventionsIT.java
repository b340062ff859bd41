package io.outrigger.sidecar.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sidecar process, as the webhook starts it in a Deployment's pod, exports spans and metrics
 * with the OpenTelemetry conventions' names and attributes, decoded at a test OTLP receiver with
 * the official opentelemetry-proto schema: HTTP span names (an unknown method named {@code HTTP}),
 * span attributes, the resource of the Kubernetes conventions, and {@code
 * http.server.request.duration} in place of the Prometheus request families.
 */
class OpenTelemetryConventionsIT {

  @Test
  void spansMetricsAndTheResourceFollowTheConventions(@TempDir Path podinfo) throws Exception {
    Files.writeString(
        podinfo.resolve("labels"),
        "app.kubernetes.io/name=\"checkout\"\napp.kubernetes.io/instance=\"checkout-eu\"\n"
            + "app.kubernetes.io/version=\"2.3.1\"\npod-template-hash=\"7d9f5c\"\n");
    Files.writeString(
        podinfo.resolve("annotations"),
        "resource.opentelemetry.io/deployment.environment.name=\"prod\"\n");
    try (Backend app = new Backend();
        OtlpSink sink = new OtlpSink()) {
      app.handle(r -> r.response().setStatusCode(r.path().startsWith("/fail") ? 503 : 200).end());
      Map<String, String> env = new HashMap<>();
      env.put("OUTRIGGER_INBOUND_PORTS", Integer.toString(app.port()));
      env.put("POD_NAME", "checkout-7d9f5c-x2x7q");
      env.put("POD_NAMESPACE", "shop");
      env.put("NODE_NAME", "node-a");
      env.put("POD_UID", "uid-1");
      env.put("OUTRIGGER_WORKLOAD", "checkout");
      env.put("OUTRIGGER_WORKLOAD_KIND", "Deployment");
      env.put("OUTRIGGER_APP_CONTAINERS", "web");
      env.put("OUTRIGGER_PODINFO_DIR", podinfo.toString());
      try (SidecarProcess sidecar =
          SidecarProcess.start(
              "proxy:\n  routePatterns: [\"/users/{id}\"]\n"
                  + "metrics:\n  otlp: {endpoint: \""
                  + sink.endpoint()
                  + "\", interval: 1s, naming: opentelemetry}\n"
                  + "tracing:\n  samplingRatio: 1.0\n  wellKnownLabels: true\n"
                  + "  exporter: {protocol: otlp-http, endpoint: \""
                  + sink.endpoint()
                  + "\"}\n",
              env,
              List.of("-Xmx64m"))) {
        int port = sidecar.inboundPort(0);
        send(port, "GET /users/42?sig=secret&page=2 HTTP/1.1\r\nHost: checkout.shop.svc:8080\r\n");
        send(port, "PROPFIND /files/a HTTP/1.1\r\nHost: checkout.shop.svc:8080\r\n");
        send(port, "GET /fail HTTP/1.1\r\nHost: checkout.shop.svc:8080\r\n");

        await().atMost(Duration.ofSeconds(20)).until(() -> spans(sink).size() >= 3);
        await()
            .atMost(Duration.ofSeconds(20))
            .until(
                () ->
                    duration(sink)
                        .map(m -> m.getHistogram().getDataPointsList().size() >= 3)
                        .orElse(false));
        assertThat(sink.rejected).isEmpty();

        Map<String, Span> byName =
            spans(sink).stream().collect(Collectors.toMap(Span::getName, s -> s, (a, b) -> a));
        assertThat(byName).containsOnlyKeys("GET /users/{id}", "HTTP", "GET");
        assertThat(attributes(byName.get("GET /users/{id}").getAttributesList()))
            .containsEntry("http.request.method", "GET")
            .containsEntry("http.route", "/users/{id}")
            .containsEntry("url.path", "/users/42")
            .containsEntry("url.query", "sig=REDACTED&page=2")
            .containsEntry("url.scheme", "http")
            .containsEntry("server.address", "checkout.shop.svc")
            .containsEntry("server.port", "8080")
            .containsEntry("client.address", "127.0.0.1")
            .containsEntry("network.protocol.version", "1.1")
            .containsEntry("http.response.status_code", "200")
            .doesNotContainKey("error.type");
        assertThat(attributes(byName.get("HTTP").getAttributesList()))
            .containsEntry("http.request.method", "_OTHER")
            .containsEntry("http.request.method_original", "PROPFIND");
        assertThat(attributes(byName.get("GET").getAttributesList()))
            .containsEntry("error.type", "503");
        assertThat(byName.get("GET").getStatus().getCode())
            .isEqualTo(io.opentelemetry.proto.trace.v1.Status.StatusCode.STATUS_CODE_ERROR);

        ResourceSpans resourceSpans = sink.received.get(0);
        assertThat(resourceSpans.getSchemaUrl())
            .isEqualTo("https://opentelemetry.io/schemas/1.39.0");
        assertThat(attributes(resourceSpans.getResource().getAttributesList()))
            .containsEntry("service.name", "checkout-eu")
            .containsEntry("service.namespace", "shop")
            .containsEntry("service.version", "2.3.1")
            .containsEntry("service.instance.id", "shop.checkout-7d9f5c-x2x7q.web")
            .containsEntry("k8s.namespace.name", "shop")
            .containsEntry("k8s.pod.name", "checkout-7d9f5c-x2x7q")
            .containsEntry("k8s.pod.uid", "uid-1")
            .containsEntry("k8s.node.name", "node-a")
            .containsEntry("k8s.container.name", "web")
            .containsEntry("k8s.deployment.name", "checkout")
            .containsEntry("k8s.replicaset.name", "checkout-7d9f5c")
            .containsEntry("deployment.environment.name", "prod");

        Metric duration = duration(sink).orElseThrow();
        assertThat(duration.getUnit()).isEqualTo("s");
        HistogramDataPoint routed =
            duration.getHistogram().getDataPointsList().stream()
                .filter(
                    p -> "/users/{id}".equals(attributes(p.getAttributesList()).get("http.route")))
                .findFirst()
                .orElseThrow();
        assertThat(routed.getExplicitBoundsList())
            .containsExactly(
                0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0);
        assertThat(attributes(routed.getAttributesList()))
            .containsOnlyKeys(
                "http.request.method",
                "http.response.status_code",
                "http.route",
                "url.scheme",
                "network.protocol.version")
            .containsEntry("http.request.method", "GET")
            .containsEntry("http.response.status_code", "200");
        assertThat(duration.getHistogram().getDataPointsList())
            .extracting(p -> attributes(p.getAttributesList()))
            .anyMatch(a -> "_OTHER".equals(a.get("http.request.method")))
            .anyMatch(a -> "503".equals(a.get("error.type")));
        ResourceMetrics withDuration =
            sink.metrics.stream()
                .filter(r -> metricsOf(r).anyMatch(m -> m.getName().equals(duration.getName())))
                .findFirst()
                .orElseThrow();
        assertThat(attributes(withDuration.getResource().getAttributesList()))
            .containsEntry("service.name", "checkout-eu")
            .containsEntry("k8s.deployment.name", "checkout");
        assertThat(sink.metrics.stream().flatMap(OpenTelemetryConventionsIT::metricsOf))
            .extracting(Metric::getName)
            .as("the Prometheus request families are replaced, the rest stay")
            .doesNotContain("outrigger_requests", "outrigger_request_duration_seconds")
            .contains("outrigger_request_bytes");
      }
    }
  }

  /** One request on its own connection; an unknown method needs a client that sends it as is. */
  private static void send(int port, String requestLineAndHeaders) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket
          .getOutputStream()
          .write(
              (requestLineAndHeaders + "Connection: close\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      socket.getInputStream().readAllBytes();
    }
  }

  private static List<Span> spans(OtlpSink sink) {
    return sink.received.stream()
        .flatMap(r -> r.getScopeSpansList().stream())
        .flatMap(s -> s.getSpansList().stream())
        .toList();
  }

  private static java.util.stream.Stream<Metric> metricsOf(ResourceMetrics resource) {
    return resource.getScopeMetricsList().stream().flatMap(s -> s.getMetricsList().stream());
  }

  /** The latest export's {@code http.server.request.duration} (sums are cumulative). */
  private static Optional<Metric> duration(OtlpSink sink) {
    return sink.metrics.stream()
        .flatMap(OpenTelemetryConventionsIT::metricsOf)
        .filter(m -> m.getName().equals("http.server.request.duration"))
        .reduce((first, later) -> later);
  }

  private static Map<String, String> attributes(List<KeyValue> attributes) {
    return attributes.stream()
        .collect(Collectors.toMap(KeyValue::getKey, a -> text(a.getValue()), (a, b) -> a));
  }

  private static String text(AnyValue value) {
    return switch (value.getValueCase()) {
      case STRING_VALUE -> value.getStringValue();
      case INT_VALUE -> Long.toString(value.getIntValue());
      case BOOL_VALUE -> Boolean.toString(value.getBoolValue());
      case DOUBLE_VALUE -> Double.toString(value.getDoubleValue());
      default -> value.toString();
    };
  }
}
