package io.outrigger.sidecar.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.outrigger.sidecar.tracing.HeaderCarrier;
import io.outrigger.sidecar.tracing.ZipkinSpanExporter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Spans leave the sidecar process and arrive where they should: a test OTLP receiver decoding with
 * opentelemetry-proto (HTTP/protobuf and gRPC), and a real Zipkin server read back through its API.
 */
class TraceExportIT {
  private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String CALLER_SPAN = "00f067aa0ba902b7";
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static final Map<String, String> POD =
      Map.of(
          "POD_NAME",
          "checkout-7d9f",
          "POD_NAMESPACE",
          "shop",
          "NODE_NAME",
          "node-a",
          "POD_UID",
          "uid-1");

  @ParameterizedTest(name = "OTLP over {0}")
  @ValueSource(strings = {"otlp-http", "otlp-grpc"})
  void otlpSpansDecodeWithTheOfficialSchema(String protocol) throws Exception {
    try (Backend app = new Backend();
        OtlpSink sink = new OtlpSink();
        SidecarProcess sidecar =
            SidecarProcess.start(
                "tracing:\n  samplingRatio: 1.0\n  serviceName: checkout\n  exporter: {protocol: "
                    + protocol
                    + ", endpoint: \""
                    + sink.endpoint()
                    + "\"}\n",
                withPorts(app.port()),
                List.of("-Xmx64m"))) {
      call(sidecar, Map.of("traceparent", "00-" + TRACE + "-" + CALLER_SPAN + "-01"));

      await().atMost(Duration.ofSeconds(15)).until(() -> !sink.received.isEmpty());
      assertThat(sink.rejected).isEmpty();
      ResourceSpans resourceSpans = sink.received.get(0);
      Map<String, String> resource = strings(resourceSpans.getResource().getAttributesList());
      assertThat(resource)
          .containsEntry("service.name", "checkout")
          .containsEntry("k8s.pod.name", "checkout-7d9f")
          .containsEntry("k8s.namespace.name", "shop")
          .containsEntry("k8s.node.name", "node-a");
      io.opentelemetry.proto.trace.v1.Span span = resourceSpans.getScopeSpans(0).getSpans(0);
      assertThat(hex(span.getTraceId())).isEqualTo(TRACE);
      assertThat(hex(span.getParentSpanId())).isEqualTo(CALLER_SPAN);
      assertThat(span.getKind())
          .isEqualTo(io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_SERVER);
      assertThat(span.getAttributesList())
          .anyMatch(
              a ->
                  a.getKey().equals("http.response.status_code")
                      && a.getValue().getIntValue() == 200);
    }
  }

  @Test
  void zipkinStoresTheSidecarsSpanAndTheAppsChildWithTheRightLinks() throws Exception {
    try (ZipkinServer zipkin = ZipkinServer.start();
        Backend app = new Backend();
        SdkTracerProvider appTracing =
            SdkTracerProvider.builder()
                .setResource(
                    Resource.getDefault()
                        .merge(Resource.builder().put("service.name", "demo-app").build()))
                .addSpanProcessor(
                    SimpleSpanProcessor.create(
                        new ZipkinSpanExporter(
                            zipkin.spansEndpoint(), Map.of(), Duration.ofSeconds(5))))
                .build();
        SidecarProcess sidecar =
            SidecarProcess.start(
                "tracing:\n  samplingRatio: 1.0\n  serviceName: checkout\n  exporter: {protocol: zipkin, endpoint: \""
                    + zipkin.spansEndpoint()
                    + "\"}\n",
                withPorts(app.port()),
                List.of("-Xmx64m"))) {
      // The app continues the context the sidecar hands it, as an instrumented app would.
      app.handle(
          r -> {
            Context parent =
                W3CTraceContextPropagator.getInstance()
                    .extract(Context.root(), r.headers(), HeaderCarrier.GETTER);
            Span own =
                appTracing
                    .get("demo")
                    .spanBuilder("load order")
                    .setParent(parent)
                    .setSpanKind(SpanKind.INTERNAL)
                    .startSpan();
            own.end();
            r.response().end("ok");
          });
      call(sidecar, Map.of("traceparent", "00-" + TRACE + "-" + CALLER_SPAN + "-01"));

      ObjectMapper json = new ObjectMapper();
      JsonNode[] trace = new JsonNode[1];
      await()
          .atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(300))
          .until(
              () -> {
                HttpResponse<String> response =
                    HTTP.send(
                        HttpRequest.newBuilder(zipkin.uri("/api/v2/trace/" + TRACE)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 200) {
                  return false;
                }
                trace[0] = json.readTree(response.body());
                return trace[0].size() == 2;
              });
      Map<String, JsonNode> byService =
          java.util.stream.StreamSupport.stream(trace[0].spliterator(), false)
              .collect(Collectors.toMap(s -> s.at("/localEndpoint/serviceName").asText(), s -> s));
      JsonNode sidecarSpan = byService.get("checkout");
      JsonNode appSpan = byService.get("demo-app");
      assertThat(sidecarSpan.get("parentId").asText())
          .as("the sidecar continues the caller")
          .isEqualTo(CALLER_SPAN);
      assertThat(sidecarSpan.get("kind").asText()).isEqualTo("SERVER");
      assertThat(sidecarSpan.at("/tags/http.response.status_code").asText()).isEqualTo("200");
      assertThat(appSpan.get("parentId").asText())
          .as("the app's span is the sidecar's child")
          .isEqualTo(sidecarSpan.get("id").asText());
    }
  }

  private static Map<String, String> withPorts(int appPort) {
    Map<String, String> env = new java.util.HashMap<>(POD);
    env.put("OUTRIGGER_INBOUND_PORTS", Integer.toString(appPort));
    return env;
  }

  private static void call(SidecarProcess sidecar, Map<String, String> headers) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + sidecar.inboundPort(0) + "/orders"));
    headers.forEach(request::header);
    assertThat(HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString()).statusCode())
        .isEqualTo(200);
  }

  private static Map<String, String> strings(List<KeyValue> attributes) {
    return attributes.stream()
        .filter(a -> a.getValue().hasStringValue())
        .collect(Collectors.toMap(KeyValue::getKey, a -> a.getValue().getStringValue()));
  }

  private static String hex(ByteString bytes) {
    return HexFormat.of().formatHex(bytes.toByteArray());
  }
}
