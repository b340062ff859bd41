package io.outrigger.sidecar.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The proxy's server spans follow the HTTP semantic conventions' span rules (names, methods,
 * attributes at creation, server and client addresses, status and error.type), checked on spans of
 * real requests through the real proxy, each test one rule.
 */
class ServerSpanConventionsTest {

  private static ProxyHarness harness() {
    return new ProxyHarness(
        c -> ProxyHarness.withProxy(c, p -> p.routes(List.of("/users/{id}", "/files/{name}"))));
  }

  private static String request(ProxyHarness h, String requestLineAndHeaders) throws Exception {
    return RawHttp.exchange(h.proxyPort(), requestLineAndHeaders + "Connection: close\r\n\r\n");
  }

  private static SpanData serverSpan(ProxyHarness h) {
    await().atMost(Duration.ofSeconds(5)).until(() -> h.spans.getFinishedSpanItems().size() == 1);
    SpanData span = h.spans.getFinishedSpanItems().get(0);
    assertThat(span.getKind()).isEqualTo(SpanKind.SERVER);
    return span;
  }

  private static Map<String, Object> attributes(Attributes attributes) {
    return attributes.asMap().entrySet().stream()
        .collect(Collectors.toMap(e -> e.getKey().getKey(), Map.Entry::getValue));
  }

  @Test
  void anUnknownMethodIsOtherAndTheSpanIsNamedHttp() throws Exception {
    try (ProxyHarness h = harness()) {
      request(h, "PROPFIND /files/report HTTP/1.1\r\nHost: files.svc\r\n");

      SpanData span = serverSpan(h);
      assertThat(span.getName()).isEqualTo("HTTP /files/{name}");
      assertThat(attributes(span.getAttributes()))
          .containsEntry("http.request.method", "_OTHER")
          .containsEntry("http.request.method_original", "PROPFIND");
    }
  }

  @Test
  void aKnownMethodHasNoOriginalMethod() throws Exception {
    try (ProxyHarness h = harness()) {
      request(h, "DELETE /users/7 HTTP/1.1\r\nHost: users.svc\r\n");

      SpanData span = serverSpan(h);
      assertThat(span.getName()).isEqualTo("DELETE /users/{id}");
      assertThat(attributes(span.getAttributes()))
          .containsEntry("http.request.method", "DELETE")
          .doesNotContainKey("http.request.method_original");
    }
  }

  @Test
  void aPathNoRouteMatchesNamesTheSpanByItsMethodAloneAndHasNoRoute() throws Exception {
    try (ProxyHarness h = harness()) {
      request(h, "GET /health/deep HTTP/1.1\r\nHost: users.svc\r\n");

      SpanData span = serverSpan(h);
      assertThat(span.getName()).isEqualTo("GET");
      assertThat(attributes(span.getAttributes())).doesNotContainKey("http.route");
    }
  }

  @Test
  void theAttributesASamplerMayReadAndTheRouteAreGivenAtCreation() throws Exception {
    try (ProxyHarness h = harness()) {
      request(h, "GET /users/42?page=2 HTTP/1.1\r\nHost: users.svc:8080\r\nUser-Agent: curl/8\r\n");

      serverSpan(h);
      assertThat(h.atStart).hasSize(1);
      assertThat(attributes(h.atStart.get(0)))
          .containsEntry("http.request.method", "GET")
          .containsEntry("url.path", "/users/42")
          .containsEntry("url.query", "page=2")
          .containsEntry("url.scheme", "http")
          .containsEntry("server.address", "users.svc")
          .containsEntry("server.port", 8080L)
          .containsEntry("client.address", "127.0.0.1")
          .containsEntry("user_agent.original", "curl/8")
          .containsEntry("http.route", "/users/{id}");
    }
  }

  @Test
  void serverAddressAndPortAreTheOnesTheClientNamedNotTheListenersSocket() throws Exception {
    try (ProxyHarness h = harness()) {
      request(h, "GET /users/1 HTTP/1.1\r\nHost: checkout.shop.svc:8080\r\n");

      Map<String, Object> attributes = attributes(serverSpan(h).getAttributes());
      assertThat(attributes)
          .containsEntry("server.address", "checkout.shop.svc")
          .containsEntry("server.port", 8080L)
          .containsEntry("network.peer.address", "127.0.0.1")
          .containsEntry("network.protocol.version", "1.1");
    }
  }

  @Test
  void aHostWithoutAPortHasTheSchemesDefaultPort() throws Exception {
    try (ProxyHarness h = harness()) {
      request(h, "GET /users/1 HTTP/1.1\r\nHost: checkout.shop.svc\r\n");

      assertThat(attributes(serverSpan(h).getAttributes())).containsEntry("server.port", 80L);
    }
  }

  @Test
  void aProxyInFrontNamesTheOriginalClientSchemeAndHost() throws Exception {
    try (ProxyHarness h = harness()) {
      request(
          h,
          "GET /users/1 HTTP/1.1\r\nHost: checkout.shop.svc:8080\r\n"
              + "X-Forwarded-For: 203.0.113.9, 10.0.0.2\r\nX-Forwarded-Proto: https\r\n"
              + "X-Forwarded-Host: shop.example.com\r\n");

      assertThat(attributes(serverSpan(h).getAttributes()))
          .containsEntry("client.address", "203.0.113.9")
          .containsEntry("url.scheme", "https")
          .containsEntry("server.address", "shop.example.com")
          .containsEntry("server.port", 443L)
          .containsEntry("network.peer.address", "127.0.0.1");
    }
  }

  @Test
  void signatureValuesInTheQueryAreRedacted() throws Exception {
    try (ProxyHarness h = harness()) {
      request(h, "GET /files/a?X-Goog-Signature=s3cr3t&size=2 HTTP/1.1\r\nHost: files.svc\r\n");

      assertThat(attributes(serverSpan(h).getAttributes()))
          .containsEntry("url.query", "X-Goog-Signature=REDACTED&size=2");
    }
  }

  @Test
  void theRequestIdIsRecordedAsAHeaderAttributeOfStrings() throws Exception {
    try (ProxyHarness h = harness()) {
      request(h, "GET /users/1 HTTP/1.1\r\nHost: users.svc\r\nX-Request-Id: req-1\r\n");

      assertThat(
              serverSpan(h)
                  .getAttributes()
                  .get(AttributeKey.stringArrayKey("http.request.header.x-request-id")))
          .containsExactly("req-1");
    }
  }

  @Test
  void aFourHundredLeavesAServerSpansStatusUnset() throws Exception {
    try (ProxyHarness h = harness()) {
      h.backend(r -> r.response().setStatusCode(404).end());
      request(h, "GET /users/404 HTTP/1.1\r\nHost: users.svc\r\n");

      SpanData span = serverSpan(h);
      assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
      assertThat(attributes(span.getAttributes()))
          .containsEntry("http.response.status_code", 404L)
          .doesNotContainKey("error.type");
    }
  }

  @Test
  void aFiveHundredIsAnErrorWithTheStatusAsErrorTypeAndNoDescription() throws Exception {
    try (ProxyHarness h = harness()) {
      h.backend(r -> r.response().setStatusCode(500).end());
      request(h, "GET /users/500 HTTP/1.1\r\nHost: users.svc\r\n");

      SpanData span = serverSpan(h);
      assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
      assertThat(span.getStatus().getDescription()).isEmpty();
      assertThat(attributes(span.getAttributes())).containsEntry("error.type", "500");
    }
  }

  @Test
  void theSidecarsOwnFailureAnswerNamesItsFailureAsErrorType() throws Exception {
    try (ProxyHarness h = harness()) {
      h.backend(r -> r.connection().close());
      request(h, "GET /users/1 HTTP/1.1\r\nHost: users.svc\r\n");

      SpanData span = serverSpan(h);
      assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
      assertThat(attributes(span.getAttributes()))
          .containsEntry("http.response.status_code", 502L)
          .containsEntry("error.type", "upstream_reset");
    }
  }

  @Test
  void aResponseThatBreaksAfterItsHeadersIsAnError() throws Exception {
    try (ProxyHarness h = harness()) {
      h.backend(
          r -> {
            r.response().setChunked(true).write("partial");
            h.vertx.setTimer(100, t -> r.connection().close());
          });
      request(h, "GET /users/1 HTTP/1.1\r\nHost: users.svc\r\n");

      SpanData span = serverSpan(h);
      assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
      assertThat(attributes(span.getAttributes()))
          .containsEntry("http.response.status_code", 200L)
          .containsEntry("error.type", "upstream_reset");
    }
  }

  @Test
  void aClientThatLeavesBeforeAnyAnswerGotNoStatusAndFailed() throws Exception {
    try (ProxyHarness h = harness()) {
      h.backend(r -> {}); // never answers
      try (Socket socket = new Socket("127.0.0.1", h.proxyPort())) {
        OutputStream out = socket.getOutputStream();
        out.write(
            "GET /users/1 HTTP/1.1\r\nHost: users.svc\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        await().atMost(Duration.ofSeconds(5)).until(() -> h.atStart.size() == 1);
      }

      SpanData span = serverSpan(h);
      assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
      assertThat(attributes(span.getAttributes()))
          .doesNotContainKey("http.response.status_code")
          .containsEntry("error.type", "client_closed");
    }
  }
}
