package io.outrigger.sidecar.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.outrigger.sidecar.telemetry.TelemetryServer;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.NetServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The kubelet's view: {@code /app-health/...} on the telemetry port runs the app's original HTTP,
 * TCP and gRPC probes against real servers that go unhealthy and come back; {@code /readyz} follows
 * the app's readiness.
 */
class AppHealthTest {
  private static final HttpClient KUBELET = HttpClient.newHttpClient();

  private Vertx vertx;
  private final AtomicBoolean httpHealthy = new AtomicBoolean(true);
  private final AtomicInteger grpcStatus = new AtomicInteger(1);
  private HttpServer httpApp;
  private HttpServer grpcApp;
  private NetServer tcpApp;
  private int tcpPort;
  private TelemetryServer telemetry;
  private PrometheusMeterRegistry registry;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    httpApp =
        join(
            vertx
                .createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
                .requestHandler(
                    r -> {
                      boolean ok = httpHealthy.get() && "yes".equals(r.getHeader("x-probe"));
                      r.response().setStatusCode(ok ? 200 : 500).end(ok ? "fine" : "broken");
                    })
                .listen());
    grpcApp =
        join(
            vertx
                .createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
                .requestHandler(
                    r ->
                        r.body()
                            .onSuccess(
                                body -> {
                                  // HealthCheckResponse { status = grpcStatus } in a gRPC frame.
                                  Buffer message =
                                      Buffer.buffer()
                                          .appendByte((byte) 0x08)
                                          .appendByte((byte) grpcStatus.get());
                                  r.response()
                                      .putHeader("content-type", "application/grpc")
                                      .putTrailer("grpc-status", "0")
                                      .end(
                                          Buffer.buffer()
                                              .appendByte((byte) 0)
                                              .appendInt(message.length())
                                              .appendBuffer(message));
                                }))
                .listen());
    startTcp(0);
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    AppProbes probes =
        AppProbes.parse(
            "{\"web/readyz\": {\"httpGet\": {\"path\": \"/ready\", \"port\": "
                + httpApp.actualPort()
                + ", \"httpHeaders\": [{\"name\": \"x-probe\", \"value\": \"yes\"}]}},"
                + " \"web/livez\": {\"tcpSocket\": {\"port\": "
                + tcpPort
                + "}},"
                + " \"grpc/startupz\": {\"grpc\": {\"port\": "
                + grpcApp.actualPort()
                + "}}}",
            Duration.ofSeconds(1));
    telemetry =
        new TelemetryServer(
            vertx,
            registry,
            () -> true,
            new AppHealth(probes, new ProbeRunner(vertx), registry),
            true);
    join(telemetry.start("127.0.0.1", 0));
  }

  private void startTcp(int port) {
    tcpApp =
        join(
            vertx
                .createNetServer()
                .connectHandler(socket -> socket.close())
                .listen(port, "127.0.0.1"));
    tcpPort = tcpApp.actualPort();
  }

  @AfterEach
  void stop() {
    join(vertx.close());
  }

  @Test
  void httpProbeFollowsTheAppDownAndBackUp() throws Exception {
    assertThat(get("/app-health/web/readyz")).isEqualTo("200 HTTP 200 from /ready");
    httpHealthy.set(false);
    assertThat(get("/app-health/web/readyz")).isEqualTo("503 HTTP 500 from /ready");
    assertThat(get("/readyz")).isEqualTo("503 not ready: app");
    httpHealthy.set(true);
    assertThat(get("/app-health/web/readyz")).isEqualTo("200 HTTP 200 from /ready");
    assertThat(get("/readyz")).isEqualTo("200 ready");
  }

  @Test
  void tcpProbeFailsWhileNothingListensAndRecovers() throws Exception {
    assertThat(get("/app-health/web/livez")).isEqualTo("200 connected to port " + tcpPort);
    int port = tcpPort;
    join(tcpApp.close());
    // The listening socket goes away asynchronously after close completes.
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(get("/app-health/web/livez"))
                    .startsWith("503 ")
                    .contains("Connection refused"));
    startTcp(port);
    assertThat(get("/app-health/web/livez")).isEqualTo("200 connected to port " + port);
  }

  @Test
  void grpcHealthProbeReadsTheServingStatus() throws Exception {
    assertThat(get("/app-health/grpc/startupz")).isEqualTo("200 gRPC health SERVING");
    grpcStatus.set(2);
    assertThat(get("/app-health/grpc/startupz")).isEqualTo("503 gRPC health NOT_SERVING");
    grpcStatus.set(1);
    assertThat(get("/app-health/grpc/startupz")).isEqualTo("200 gRPC health SERVING");
  }

  @Test
  void unknownProbesAndKindsAreClear() throws Exception {
    assertThat(get("/app-health/nobody/livez"))
        .isEqualTo("404 no livez probe for container 'nobody'");
    assertThat(get("/app-health/web/alive")).startsWith("404 unknown probe kind 'alive'");
  }

  @Test
  void probeResultsAreMetrics() throws Exception {
    get("/app-health/web/readyz");
    httpHealthy.set(false);
    get("/app-health/web/readyz");
    assertThat(registry.scrape())
        .contains(
            "outrigger_app_probe_total{container=\"web\",kind=\"readyz\",result=\"healthy\"} 1.0")
        .contains(
            "outrigger_app_probe_total{container=\"web\",kind=\"readyz\",result=\"unhealthy\"} 1.0")
        .contains("outrigger_app_probe_healthy{container=\"web\",kind=\"readyz\"} 0.0");
  }

  private String get(String path) throws Exception {
    HttpResponse<String> response =
        KUBELET.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + telemetry.port() + path))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return response.statusCode() + " " + response.body().strip();
  }

  private static <T> T join(io.vertx.core.Future<T> future) {
    return future.toCompletionStage().toCompletableFuture().join();
  }
}
