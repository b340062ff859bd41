package io.outrigger.sidecar.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.Test;

class ZipkinJsonTest {
  @Test
  void mapsSpansToZipkinV2() throws Exception {
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    byte[] encoded;
    // Encode before the provider closes: closing shuts the in-memory exporter down, which empties
    // it.
    try (SdkTracerProvider provider =
        SdkTracerProvider.builder()
            .setResource(Resource.builder().put("service.name", "checkout").build())
            .addSpanProcessor(SimpleSpanProcessor.create(spans))
            .build()) {
      var parent = provider.get("t").spanBuilder("parent").startSpan();
      var child =
          provider
              .get("t")
              .spanBuilder("GET /users/{id}")
              .setParent(io.opentelemetry.context.Context.root().with(parent))
              .setSpanKind(SpanKind.SERVER)
              .setAttribute("http.response.status_code", 503L)
              .startSpan();
      child.addEvent("retry");
      child.setStatus(StatusCode.ERROR, "upstream_refused");
      child.end();
      parent.end();
      encoded = ZipkinJson.encode(spans.getFinishedSpanItems());
    }
    JsonNode json = new ObjectMapper().readTree(encoded);
    JsonNode child = json.get(0);
    JsonNode parent = json.get(1);
    assertThat(child.get("traceId").asText()).hasSize(32).isEqualTo(parent.get("traceId").asText());
    assertThat(child.get("parentId").asText()).isEqualTo(parent.get("id").asText());
    assertThat(parent.has("parentId")).isFalse();
    assertThat(child.get("kind").asText()).isEqualTo("SERVER");
    assertThat(parent.has("kind")).as("INTERNAL spans carry no kind").isFalse();
    assertThat(child.get("name").asText()).isEqualTo("GET /users/{id}");
    assertThat(child.at("/localEndpoint/serviceName").asText()).isEqualTo("checkout");
    assertThat(child.at("/tags/http.response.status_code").asText()).isEqualTo("503");
    assertThat(child.at("/tags/error").asText()).isEqualTo("upstream_refused");
    assertThat(child.at("/annotations/0/value").asText()).isEqualTo("retry");
    assertThat(child.get("timestamp").asLong()).isPositive();
    assertThat(child.get("duration").asLong()).isPositive();
  }
}
