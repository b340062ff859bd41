package io.outrigger.sidecar.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.semconv.ErrorAttributes;
import io.opentelemetry.semconv.HttpAttributes;
import io.opentelemetry.semconv.NetworkAttributes;
import io.opentelemetry.semconv.ServerAttributes;
import io.opentelemetry.semconv.UrlAttributes;
import io.outrigger.config.SidecarConfig;
import io.outrigger.config.SidecarConfig.OutboundConfig;
import io.outrigger.config.SidecarConfig.TokenDestination;
import io.outrigger.sidecar.PodIdentity;
import io.outrigger.sidecar.it.Certificates;
import io.outrigger.sidecar.metrics.ProxyMetrics;
import io.outrigger.sidecar.tracing.Tracing;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.ProxyOptions;
import io.vertx.core.net.ProxyType;
import io.vertx.core.net.TrustOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The ambassador against real upstreams on loopback, called as an explicit proxy the way an app
 * with {@code HTTP_PROXY} calls it (absolute-form requests, CONNECT).
 */
@org.junit.jupiter.api.Timeout(20)
class AmbassadorTest {
  private final Vertx vertx = Vertx.vertx();
  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final AtomicInteger attempts = new AtomicInteger();
  private final List<HttpServerRequest> seen = new CopyOnWriteArrayList<>();
  private volatile Handler<HttpServerRequest> upstream = r -> r.response().end("ok");
  private int upstreamPort;
  private int proxyPort;
  private Tracing tracing;
  private HttpClient app;

  private void start(OutboundConfig config) {
    start(config, null);
  }

  private void start(OutboundConfig config, TrustOptions destinationTrust) {
    HttpServer server =
        join(
            vertx
                .createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
                .requestHandler(
                    r -> {
                      attempts.incrementAndGet();
                      seen.add(r);
                      upstream.handle(r);
                    })
                .listen());
    upstreamPort = server.actualPort();
    SidecarConfig defaults = SidecarConfig.defaults();
    tracing =
        new Tracing(
            defaults.tracing().withSamplingRatio(1.0),
            new PodIdentity("pod-1", "ns", "node-1", "uid-1", "demo", Map.of()),
            SimpleSpanProcessor.create(spans));
    OutboundProxy proxy =
        new OutboundProxy(vertx, tracing, new ProxyMetrics(registry), destinationTrust);
    proxyPort = join(proxy.start("127.0.0.1", 0, config, Duration.ofSeconds(1)));
    app =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setProxyOptions(
                    new ProxyOptions()
                        .setType(ProxyType.HTTP)
                        .setHost("127.0.0.1")
                        .setPort(proxyPort)));
  }

  private static OutboundConfig config(
      int maxRetries,
      double ratio,
      int breakerFailures,
      Duration open,
      Duration timeout,
      String token) {
    return new OutboundConfig(
        true, timeout, maxRetries, ratio, breakerFailures, open, token, List.of());
  }

  /** The token in a file, sent to {@code destinations} only. */
  private static OutboundConfig withToken(Path token, TokenDestination... destinations) {
    return new OutboundConfig(
        true,
        Duration.ofSeconds(5),
        2,
        0.2,
        1000,
        Duration.ofSeconds(30),
        token.toString(),
        List.of(destinations));
  }

  private static Path tokenFile(String token) throws Exception {
    Path file = Files.createTempFile("token", "");
    Files.writeString(file, token + "\n");
    return file;
  }

  private static OutboundConfig retrying() {
    return config(2, 0.2, 1000, Duration.ofSeconds(30), Duration.ofSeconds(5), null);
  }

  @AfterEach
  void close() {
    join(vertx.close());
  }

  @Test
  void getIsRetriedOn503AndTheRetriesAreCounted() {
    start(retrying());
    AtomicInteger calls = new AtomicInteger();
    upstream =
        r ->
            r.response()
                .setStatusCode(calls.incrementAndGet() <= 2 ? 503 : 200)
                .end("answer " + calls.get());
    Answer answer = call(HttpMethod.GET, "/retry", null);
    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.body()).isEqualTo("answer 3");
    assertThat(attempts).hasValue(3);
    assertThat(counter("outrigger_outbound_retries_total", "outcome", "retried")).isEqualTo(2.0);
  }

  /** The HTTP conventions: one client span per request sent, a resend counting its attempt. */
  @Test
  void eachAttemptIsItsOwnClientSpanCarryingItsResendCount() {
    start(retrying());
    AtomicInteger calls = new AtomicInteger();
    upstream = r -> r.response().setStatusCode(calls.incrementAndGet() <= 2 ? 503 : 200).end();
    String trace = "4bf92f3577b34da6a3ce929d0e0e4736";
    HttpClientResponse response =
        join(
            app.request(
                    new RequestOptions()
                        .setHost("127.0.0.1")
                        .setPort(upstreamPort)
                        .setURI("/retry")
                        .putHeader("traceparent", "00-" + trace + "-00f067aa0ba902b7-01"))
                .compose(r -> r.send()));
    assertThat(response.statusCode()).isEqualTo(200);

    await().atMost(Duration.ofSeconds(5)).until(() -> spans.getFinishedSpanItems().size() == 3);
    List<SpanData> attempts = spans.getFinishedSpanItems();
    assertThat(attempts)
        .extracting(a -> a.getAttributes().get(HttpAttributes.HTTP_REQUEST_RESEND_COUNT))
        .containsExactly(null, 1L, 2L);
    assertThat(attempts)
        .extracting(a -> a.getAttributes().get(HttpAttributes.HTTP_RESPONSE_STATUS_CODE))
        .containsExactly(503L, 503L, 200L);
    assertThat(attempts)
        .extracting(a -> a.getAttributes().get(ErrorAttributes.ERROR_TYPE))
        .containsExactly("503", "503", null);
    for (int i = 0; i < 3; i++) {
      assertThat(seen.get(i).getHeader("traceparent"))
          .as("attempt %d carries its own span as the upstream's parent", i)
          .contains(attempts.get(i).getSpanId());
    }
    assertThat(attempts)
        .extracting(SpanData::getTraceId)
        .containsOnly(attempts.get(0).getTraceId());
  }

  /** {@code http.client.request.duration} per request sent, as the HTTP conventions define it. */
  @Test
  void eachAttemptIsMeasuredAsTheConventionsClientDuration() {
    start(retrying());
    tracing.httpMetrics().recording(true);
    AtomicInteger calls = new AtomicInteger();
    upstream = r -> r.response().setStatusCode(calls.incrementAndGet() == 1 ? 503 : 200).end();
    assertThat(call(HttpMethod.GET, "/retry", null).status()).isEqualTo(200);

    Attributes common =
        Attributes.builder()
            .put(HttpAttributes.HTTP_REQUEST_METHOD, "GET")
            .put(ServerAttributes.SERVER_ADDRESS, "127.0.0.1")
            .put(ServerAttributes.SERVER_PORT, (long) upstreamPort)
            .put(UrlAttributes.URL_SCHEME, "http")
            .build();
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> {
              MetricData duration =
                  tracing.httpMetrics().collect().stream()
                      .filter(m -> m.getName().equals("http.client.request.duration"))
                      .findFirst()
                      .orElseThrow();
              assertThat(duration.getUnit()).isEqualTo("s");
              assertThat(duration.getHistogramData().getPoints())
                  .extracting(HistogramPointData::getAttributes)
                  .containsExactlyInAnyOrder(
                      common.toBuilder()
                          .put(HttpAttributes.HTTP_RESPONSE_STATUS_CODE, 503L)
                          .put(ErrorAttributes.ERROR_TYPE, "503")
                          .build(),
                      common.toBuilder()
                          .put(HttpAttributes.HTTP_RESPONSE_STATUS_CODE, 200L)
                          .build());
            });
  }

  @Test
  void aFourHundredIsAnErrorOnTheClientSide() {
    start(retrying());
    upstream = r -> r.response().setStatusCode(404).end();
    assertThat(call(HttpMethod.GET, "/missing", null).status()).isEqualTo(404);

    SpanData span = clientSpan();
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(span.getAttributes().get(ErrorAttributes.ERROR_TYPE)).isEqualTo("404");
    assertThat(span.getAttributes().get(HttpAttributes.HTTP_RESPONSE_STATUS_CODE)).isEqualTo(404L);
  }

  @Test
  void anUnknownMethodIsOtherAndTheClientSpanIsNamedHttp() {
    start(retrying());
    assertThat(call(HttpMethod.valueOf("PROPFIND"), "/dav", null).status()).isEqualTo(200);

    SpanData span = clientSpan();
    assertThat(span.getName()).isEqualTo("HTTP");
    assertThat(span.getAttributes().get(HttpAttributes.HTTP_REQUEST_METHOD)).isEqualTo("_OTHER");
    assertThat(span.getAttributes().get(HttpAttributes.HTTP_REQUEST_METHOD_ORIGINAL))
        .isEqualTo("PROPFIND");
  }

  @Test
  void aClientSpanNamesTheDestinationAndRedactsSignaturesInItsUrl() {
    start(retrying());
    assertThat(call(HttpMethod.GET, "/files/a?sig=s3cr3t&size=2", null).status()).isEqualTo(200);

    SpanData span = clientSpan();
    assertThat(span.getName()).isEqualTo("GET");
    assertThat(span.getAttributes().get(UrlAttributes.URL_FULL))
        .isEqualTo("http://127.0.0.1:" + upstreamPort + "/files/a?sig=REDACTED&size=2");
    assertThat(span.getAttributes().get(ServerAttributes.SERVER_ADDRESS)).isEqualTo("127.0.0.1");
    assertThat(span.getAttributes().get(ServerAttributes.SERVER_PORT))
        .isEqualTo((long) upstreamPort);
    assertThat(span.getAttributes().get(NetworkAttributes.NETWORK_PEER_PORT))
        .isEqualTo((long) upstreamPort);
  }

  @Test
  void aChunkedAnswerOfUnknownLengthArrivesWhole() {
    start(retrying());
    upstream =
        r -> {
          r.response().setChunked(true).write("first ");
          vertx.setTimer(50, t -> r.response().end("second"));
        };
    Answer answer = call(HttpMethod.GET, "/stream", null);
    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.body()).isEqualTo("first second");
  }

  @Test
  void postIsNeverRetried() {
    start(retrying());
    upstream = r -> r.response().setStatusCode(503).end("busy");
    Answer answer = call(HttpMethod.POST, "/orders", "{\"id\":1}");
    assertThat(answer.status()).isEqualTo(503);
    assertThat(answer.body()).isEqualTo("busy");
    assertThat(attempts).hasValue(1);
    assertThat(counter("outrigger_outbound_retries_total", "outcome", "retried")).isZero();
  }

  @Test
  void aRefusedConnectionIsRetriedThenAnsweredBySidecar() throws Exception {
    start(retrying());
    // Port 1 (tcpmux): nothing listens there. A just-closed ephemeral port would not do: the
    // ambassador's own outgoing connection may get it as its source port and connect to itself.
    int closed = 1;
    try (java.net.Socket probe = new java.net.Socket()) {
      probe.connect(new java.net.InetSocketAddress("127.0.0.1", closed), 1000);
      throw new AssertionError("something listens on 127.0.0.1:1; this test needs it closed");
    } catch (java.net.ConnectException expected) {
      // refused, as it should be
    }
    // The body is read in the same callback as the response: read later, it may be gone.
    Answer answer =
        join(
            app.request(new RequestOptions().setHost("127.0.0.1").setPort(closed).setURI("/x"))
                .compose(r -> r.send())
                .compose(AmbassadorTest::answer));
    assertThat(answer.status()).isEqualTo(503);
    assertThat(answer.error()).isEqualTo("upstream_refused");
    assertThat(answer.body())
        .startsWith("outrigger sidecar: the connection to 127.0.0.1:" + closed);
    assertThat(counter("outrigger_outbound_retries_total", "outcome", "retried")).isEqualTo(2.0);
  }

  /**
   * The destination answered nothing: each attempt's span has no status code (the 503 is the
   * sidecar's own) and names the failure.
   */
  @Test
  void anAttemptTheDestinationNeverAnsweredHasNoStatusCode() throws Exception {
    start(config(0, 0.2, 1000, Duration.ofSeconds(30), Duration.ofSeconds(5), null));
    Answer answer =
        join(
            app.request(new RequestOptions().setHost("127.0.0.1").setPort(1).setURI("/x"))
                .compose(r -> r.send())
                .compose(AmbassadorTest::answer));
    assertThat(answer.status()).isEqualTo(503);

    SpanData span = clientSpan();
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(span.getAttributes().get(HttpAttributes.HTTP_RESPONSE_STATUS_CODE)).isNull();
    assertThat(span.getAttributes().get(ErrorAttributes.ERROR_TYPE)).isEqualTo("upstream_refused");
  }

  @Test
  void retriesStayWithinTheBudget() {
    start(retrying());
    upstream = r -> r.response().setStatusCode(503).end();
    int requests = 10;
    for (int i = 0; i < requests; i++) {
      assertThat(call(HttpMethod.GET, "/always-failing", null).status()).isEqualTo(503);
    }
    double retried = counter("outrigger_outbound_retries_total", "outcome", "retried");
    // Linkerd-style budget: 0.2 × requests + a floor of 3 per window (Destinations.MIN_RETRIES).
    assertThat(retried).isEqualTo(0.2 * requests + Destinations.MIN_RETRIES);
    assertThat(attempts).hasValue(requests + (int) retried);
    assertThat(counter("outrigger_outbound_retries_total", "outcome", "budget_exhausted"))
        .isPositive();
  }

  @Test
  void theCircuitOpensAfterConsecutiveFailuresAndHalfOpensForOneProbe() {
    start(config(0, 0.2, 3, Duration.ofMillis(400), Duration.ofSeconds(5), null));
    upstream = r -> r.response().setStatusCode(503).end();
    for (int i = 0; i < 3; i++) {
      assertThat(call(HttpMethod.GET, "/flaky", null).status()).isEqualTo(503);
    }
    Answer refused = call(HttpMethod.GET, "/flaky", null);
    assertThat(refused.status()).isEqualTo(503);
    assertThat(refused.error()).isEqualTo("circuit_open");
    assertThat(attempts).as("the open circuit kept the upstream out of it").hasValue(3);

    // The upstream recovers but answers slowly, so the probe is still running when a second
    // request comes.
    upstream = r -> vertx.setTimer(300, t -> r.response().end("recovered"));
    await().pollDelay(Duration.ofMillis(450)).atMost(Duration.ofSeconds(2)).until(() -> true);
    Future<Answer> probe = callAsync(HttpMethod.GET, "/flaky", null);
    await().atMost(Duration.ofSeconds(2)).until(() -> attempts.get() == 4);
    Answer during = call(HttpMethod.GET, "/flaky", null);
    assertThat(during.error()).as("only one probe while half-open").isEqualTo("circuit_open");
    assertThat(join(probe).status()).isEqualTo(200);
    assertThat(call(HttpMethod.GET, "/flaky", null).status()).as("closed again").isEqualTo(200);
    assertThat(attempts).hasValue(5);
    assertThat(counter("outrigger_outbound_circuit_rejections_total", null, null)).isEqualTo(2.0);
  }

  @Test
  void aSlowUpstreamTimesOutWith504AndIsNotRetried() {
    start(config(2, 0.2, 1000, Duration.ofSeconds(30), Duration.ofMillis(300), null));
    upstream = r -> vertx.setTimer(3000, t -> r.response().end("late"));
    Answer answer = call(HttpMethod.GET, "/slow", null);
    assertThat(answer.status()).isEqualTo(504);
    assertThat(answer.error()).isEqualTo("upstream_timeout");
    assertThat(answer.body()).contains("did not answer within 300ms");
    assertThat(attempts).as("the request may have been processed: not sent again").hasValue(1);
  }

  @Test
  void connectTunnelsBytesUntouched() throws Exception {
    start(retrying());
    NetServer echo =
        join(
            vertx
                .createNetServer()
                .connectHandler(socket -> socket.handler(socket::write))
                .listen(0, "127.0.0.1"));
    byte[] every = new byte[512];
    for (int i = 0; i < every.length; i++) {
      every[i] = (byte) i;
    }
    // CONNECT written by hand on a plain socket, as a client library would: the bytes after the
    // 200 go through the tunnel and come back from the echo server.
    try (Socket app = new Socket("127.0.0.1", proxyPort)) {
      app.setSoTimeout(5000);
      String target = "127.0.0.1:" + echo.actualPort();
      OutputStream out = app.getOutputStream();
      out.write(
          ("CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = app.getInputStream();
      assertThat(responseHead(in)).startsWith("HTTP/1.1 200");
      out.write(every);
      out.flush();
      assertThat(in.readNBytes(every.length)).isEqualTo(every);
    }
    assertThat(
            counterWith(
                "outrigger_requests_total",
                Map.of("direction", "outbound", "method", "CONNECT", "status_code", "200")))
        .isEqualTo(1.0);
  }

  @Test
  void theClientSpanContinuesTheAppsTraceAndItsHeadersReachTheUpstream() {
    start(retrying());
    String parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    HttpClientResponse response =
        join(
            app.request(
                    new RequestOptions()
                        .setHost("127.0.0.1")
                        .setPort(upstreamPort)
                        .setURI("/traced")
                        .putHeader("traceparent", parent))
                .compose(r -> r.send()));
    assertThat(response.statusCode()).isEqualTo(200);
    SpanData span = clientSpan();
    assertThat(span.getKind()).isEqualTo(SpanKind.CLIENT);
    assertThat(span.getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(span.getParentSpanId()).isEqualTo("00f067aa0ba902b7");
    String sent = seen.get(0).getHeader("traceparent");
    assertThat(sent).isEqualTo("00-4bf92f3577b34da6a3ce929d0e0e4736-" + span.getSpanId() + "-01");
    assertThat(
            counterWith(
                "outrigger_requests_total",
                Map.of(
                    "direction",
                    "outbound",
                    "destination",
                    "127.0.0.1:" + upstreamPort,
                    "status_code",
                    "200")))
        .isEqualTo(1.0);
  }

  @Test
  void aBearerTokenFromAFileIsAddedAndFollowsRotation() throws Exception {
    Path token = tokenFile("first");
    start(withToken(token, new TokenDestination("127.0.0.1", null, true)));
    call(HttpMethod.GET, "/auth", null);
    assertThat(seen.get(0).getHeader("authorization")).isEqualTo("Bearer first");
    Files.writeString(token, "second-token\n");
    // The file is checked once a second; the margin is for a loaded machine, where one call
    // inside the wait can take seconds.
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              call(HttpMethod.GET, "/auth", null);
              assertThat(seen.get(seen.size() - 1).getHeader("authorization"))
                  .isEqualTo("Bearer second-token");
            });
    // The app's own credentials win.
    join(
        app.request(
                new RequestOptions()
                    .setHost("127.0.0.1")
                    .setPort(upstreamPort)
                    .setURI("/own")
                    .putHeader("authorization", "Basic YXBwOnNlY3JldA=="))
            .compose(r -> r.send()));
    assertThat(seen.get(seen.size() - 1).getHeader("authorization"))
        .isEqualTo("Basic YXBwOnNlY3JldA==");
  }

  @Test
  void theTokenReachesANamedHttpsDestination() throws Exception {
    List<String> authorizations = new CopyOnWriteArrayList<>();
    Path cert = httpsDestination("IP:127.0.0.1", authorizations);
    int port = secure.actualPort();
    start(
        withToken(tokenFile("s3cret"), new TokenDestination("127.0.0.1", port, false)),
        new PemTrustOptions().addCertPath(cert.toString()));
    Answer answer = viaAmbassador("https://127.0.0.1:" + port + "/secure");
    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.body()).isEqualTo("secure");
    assertThat(authorizations).containsExactly("Bearer s3cret");
  }

  @Test
  void anHttpsDestinationWhoseCertificateNamesAnotherHostGetsNoRequest() throws Exception {
    List<String> authorizations = new CopyOnWriteArrayList<>();
    // Signed by a trusted CA (itself), but for 127.0.0.2: the host name check must refuse it.
    Path cert = httpsDestination("IP:127.0.0.2", authorizations);
    int port = secure.actualPort();
    start(
        withToken(tokenFile("s3cret"), new TokenDestination("127.0.0.1", port, false)),
        new PemTrustOptions().addCertPath(cert.toString()));
    Answer answer = viaAmbassador("https://127.0.0.1:" + port + "/secure");
    assertThat(answer.status()).isEqualTo(502);
    assertThat(answer.body())
        .startsWith("outrigger sidecar: the TLS handshake with 127.0.0.1:" + port + " failed");
    assertThat(authorizations).as("no request, so no token, reached it").isEmpty();
    assertThat(counter("outrigger_outbound_retries_total", "outcome", "retried"))
        .as("a certificate that does not verify is not tried again")
        .isZero();
  }

  private HttpServer secure;

  /** An HTTPS server with a self-signed certificate for {@code subjectAltName}; its cert file. */
  private Path httpsDestination(String subjectAltName, List<String> authorizations)
      throws Exception {
    Path dir = Files.createTempDirectory("tls");
    Path cert = dir.resolve("tls.crt");
    Path key = dir.resolve("tls.key");
    Certificates.selfSigned(dir, "destination", cert, key, subjectAltName);
    secure =
        join(
            vertx
                .createHttpServer(
                    new HttpServerOptions()
                        .setHost("127.0.0.1")
                        .setPort(0)
                        .setSsl(true)
                        .setKeyCertOptions(
                            new PemKeyCertOptions()
                                .setCertPath(cert.toString())
                                .setKeyPath(key.toString())))
                .requestHandler(
                    r -> {
                      authorizations.add(String.valueOf(r.getHeader("authorization")));
                      r.response().end("secure");
                    })
                .listen());
    return cert;
  }

  @Test
  void theTokenDoesNotReachADestinationThePolicyDoesNotName() throws Exception {
    start(
        withToken(
            tokenFile("s3cret"),
            new TokenDestination("api.example.com", null, true),
            new TokenDestination("127.0.0.1", 1, true)));
    assertThat(call(HttpMethod.GET, "/elsewhere", null).status()).isEqualTo(200);
    assertThat(seen.get(0).getHeader("authorization"))
        .as("neither the host nor the host and port are named")
        .isNull();
  }

  @Test
  void noDestinationNamedMeansTheTokenGoesNowhere() throws Exception {
    start(withToken(tokenFile("s3cret")));
    assertThat(call(HttpMethod.GET, "/anywhere", null).status()).isEqualTo(200);
    assertThat(seen.get(0).getHeader("authorization")).isNull();
  }

  @Test
  void theTokenDoesNotGoOverPlainHttpToANamedDestinationWithoutTheFlag() throws Exception {
    start(withToken(tokenFile("s3cret"), new TokenDestination("127.0.0.1", null, false)));
    assertThat(call(HttpMethod.GET, "/in-clear", null).status()).isEqualTo(200);
    assertThat(seen.get(0).getHeader("authorization"))
        .as("named, but plain HTTP was not allowed for it")
        .isNull();
  }

  /** A request the way an app with {@code HTTPS} in an absolute URI sends it to its proxy. */
  private Answer viaAmbassador(String absoluteUri) {
    return join(
        vertx
            .createHttpClient()
            .request(
                new RequestOptions().setHost("127.0.0.1").setPort(proxyPort).setURI(absoluteUri))
            .compose(r -> r.send())
            .compose(AmbassadorTest::answer));
  }

  /** The response head up to the blank line, read byte by byte so no tunnelled byte is taken. */
  private static String responseHead(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new AssertionError("the ambassador closed the connection after: " + head);
      }
      head.append((char) b);
    }
    return head.toString();
  }

  private record Answer(int status, String body, String error) {}

  private Answer call(HttpMethod method, String path, String body) {
    return join(callAsync(method, path, body));
  }

  private Future<Answer> callAsync(HttpMethod method, String path, String body) {
    return app.request(
            new RequestOptions()
                .setMethod(method)
                .setHost("127.0.0.1")
                .setPort(upstreamPort)
                .setURI(path))
        .compose(r -> body == null ? r.send() : r.send(body))
        .compose(AmbassadorTest::answer);
  }

  private static Future<Answer> answer(HttpClientResponse response) {
    return response
        .body()
        .map(
            b ->
                new Answer(
                    response.statusCode(), b.toString(), response.getHeader("x-outrigger-error")));
  }

  private SpanData clientSpan() {
    await().atMost(Duration.ofSeconds(5)).until(() -> !spans.getFinishedSpanItems().isEmpty());
    return spans.getFinishedSpanItems().get(spans.getFinishedSpanItems().size() - 1);
  }

  private double counter(String name, String label, String value) {
    return registry.getPrometheusRegistry().scrape().stream()
        .filter(m -> m.getMetadata().getPrometheusName().equals(name.replace("_total", "")))
        .flatMap(m -> m.getDataPoints().stream())
        .filter(p -> label == null || value.equals(p.getLabels().get(label)))
        .mapToDouble(
            p ->
                ((io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot) p)
                    .getValue())
        .sum();
  }

  private double counterWith(String name, Map<String, String> labels) {
    return registry.getPrometheusRegistry().scrape().stream()
        .filter(m -> m.getMetadata().getPrometheusName().equals(name.replace("_total", "")))
        .flatMap(m -> m.getDataPoints().stream())
        .filter(
            p ->
                labels.entrySet().stream()
                    .allMatch(e -> e.getValue().equals(p.getLabels().get(e.getKey()))))
        .mapToDouble(
            p ->
                ((io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot) p)
                    .getValue())
        .sum();
  }

  /** Waits at most 15 s: a lost answer fails the test instead of hanging the build. */
  private static <T> T join(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("no result within 15 s: " + e, e);
    }
  }
}
