package io.outrigger.sidecar.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.outrigger.config.Propagator;
import io.vertx.core.MultiMap;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each propagator continues an incoming trace and starts one when there is none; bad headers start
 * a new one.
 */
class TraceContextPropagationTest {
  private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String SPAN = "00f067aa0ba902b7";
  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  /**
   * A propagator, the headers a caller in that format sends, and how to read trace and parent ids
   * back.
   */
  record Format(
      Propagator propagator,
      Map<String, String> incoming,
      Function<MultiMap, String> traceIdSeenByApp,
      Function<MultiMap, String> parentSeenByApp) {}

  static Stream<Arguments> formats() {
    return Stream.of(
        format(
            Propagator.TRACECONTEXT,
            Map.of("traceparent", "00-" + TRACE + "-" + SPAN + "-01"),
            h -> h.get("traceparent").split("-")[1],
            h -> h.get("traceparent").split("-")[2]),
        format(
            Propagator.B3,
            Map.of("b3", TRACE + "-" + SPAN + "-1"),
            h -> h.get("b3").split("-")[0],
            h -> h.get("b3").split("-")[1]),
        format(
            Propagator.B3MULTI,
            Map.of("X-B3-TraceId", TRACE, "X-B3-SpanId", SPAN, "X-B3-Sampled", "1"),
            h -> h.get("X-B3-TraceId"),
            h -> h.get("X-B3-SpanId")),
        format(
            Propagator.JAEGER,
            Map.of("uber-trace-id", TRACE + ":" + SPAN + ":0:1"),
            h -> h.get("uber-trace-id").split(":")[0],
            h -> h.get("uber-trace-id").split(":")[1]),
        format(
            Propagator.XTRACE,
            Map.of("x-trace-id", TRACE, "x-span-id", SPAN),
            h -> h.get("x-trace-id"),
            h -> h.get("x-span-id")));
  }

  private static Arguments format(
      Propagator p,
      Map<String, String> in,
      Function<MultiMap, String> trace,
      Function<MultiMap, String> parent) {
    return Arguments.of(p, new Format(p, in, trace, parent));
  }

  @ParameterizedTest(name = "{0} continues the caller's trace")
  @MethodSource("formats")
  void continuesAnIncomingTrace(Propagator name, Format format) throws Exception {
    try (ProxyHarness h =
        new ProxyHarness(c -> ProxyHarness.withPropagators(c, List.of(format.propagator())))) {
      MultiMap seen = callThrough(h, format.incoming());

      SpanData server = onlyServerSpan(h);
      assertThat(server.getTraceId()).isEqualTo(TRACE);
      assertThat(server.getParentSpanId())
          .as("the sidecar's span is the caller's child")
          .isEqualTo(SPAN);
      assertThat(server.getParentSpanContext().isRemote()).isTrue();
      assertThat(format.traceIdSeenByApp().apply(seen)).isEqualTo(TRACE);
      assertThat(format.parentSeenByApp().apply(seen))
          .as("the app's parent is the sidecar's span, so its own spans join the trace")
          .isEqualTo(server.getSpanId());
    }
  }

  @ParameterizedTest(name = "{0} starts a trace when the caller sent none")
  @MethodSource("formats")
  void startsATraceWhenAbsent(Propagator name, Format format) throws Exception {
    try (ProxyHarness h =
        new ProxyHarness(c -> ProxyHarness.withPropagators(c, List.of(format.propagator())))) {
      MultiMap seen = callThrough(h, Map.of());

      SpanData server = onlyServerSpan(h);
      assertThat(server.getParentSpanContext().isValid()).isFalse();
      assertThat(format.traceIdSeenByApp().apply(seen)).isEqualTo(server.getTraceId());
      assertThat(format.parentSeenByApp().apply(seen)).isEqualTo(server.getSpanId());
    }
  }

  @Test
  void xtraceAlsoNamesTheCallersSpanAsParentSpan() throws Exception {
    try (ProxyHarness h =
        new ProxyHarness(c -> ProxyHarness.withPropagators(c, List.of(Propagator.XTRACE)))) {
      MultiMap seen = callThrough(h, Map.of("x-trace-id", TRACE, "x-span-id", SPAN));
      assertThat(seen.get("x-parent-span")).isEqualTo(SPAN);
    }
  }

  @Test
  void aMalformedTraceparentStartsANewTraceWithoutAnError() throws Exception {
    try (ProxyHarness h = new ProxyHarness()) {
      CompletableFuture<MultiMap> seen = new CompletableFuture<>();
      h.backend(
          r -> {
            seen.complete(MultiMap.caseInsensitiveMultiMap().addAll(r.headers()));
            r.response().end("ok");
          });
      HttpResponse<String> response =
          CLIENT.send(
              HttpRequest.newBuilder(h.uri("/"))
                  .header("traceparent", "00-not-a-trace-id-01")
                  .build(),
              HttpResponse.BodyHandlers.ofString());

      assertThat(response.statusCode()).isEqualTo(200);
      SpanData server = onlyServerSpan(h);
      assertThat(server.getParentSpanContext().isValid()).isFalse();
      assertThat(seen.get(5, TimeUnit.SECONDS).get("traceparent")).contains(server.getTraceId());
    }
  }

  @Test
  void theServerSpanCarriesHttpSemanticConventions() throws Exception {
    try (ProxyHarness h =
        new ProxyHarness(c -> ProxyHarness.withProxy(c, p -> p.routes(List.of("/users/{id}"))))) {
      h.backend(r -> r.response().setStatusCode(201).end());
      CLIENT.send(
          HttpRequest.newBuilder(h.uri("/users/42?x=1")).header("user-agent", "it/1").build(),
          HttpResponse.BodyHandlers.discarding());

      SpanData span = onlyServerSpan(h);
      assertThat(span.getName()).isEqualTo("GET /users/{id}");
      assertThat(span.getAttributes().asMap())
          .extractingFromEntries(e -> e.getKey().getKey() + "=" + e.getValue())
          .contains(
              "http.request.method=GET",
              "http.route=/users/{id}",
              "url.path=/users/42",
              "url.query=x=1",
              "http.response.status_code=201",
              "user_agent.original=it/1",
              "url.scheme=http",
              "server.port=" + h.proxyPort(),
              // The JDK client upgrades to h2c, which the listener accepts.
              "network.protocol.version=2");
    }
  }

  private static MultiMap callThrough(ProxyHarness h, Map<String, String> headers)
      throws Exception {
    CompletableFuture<MultiMap> seen = new CompletableFuture<>();
    h.backend(
        r -> {
          seen.complete(MultiMap.caseInsensitiveMultiMap().addAll(r.headers()));
          r.response().end("ok");
        });
    HttpRequest.Builder request =
        HttpRequest.newBuilder(h.uri("/orders")).timeout(Duration.ofSeconds(10));
    headers.forEach(request::header);
    HttpResponse<String> response =
        CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return seen.get(5, TimeUnit.SECONDS);
  }

  private static SpanData onlyServerSpan(ProxyHarness h) {
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> h.spans.getFinishedSpanItems().size() == 1);
    SpanData span = h.spans.getFinishedSpanItems().get(0);
    assertThat(span.getKind()).isEqualTo(SpanKind.SERVER);
    return span;
  }
}
