package io.outrigger.sidecar.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM during load: every request that reached the app is answered, the process exits 0, and the
 * spans of all answered requests reach the exporter (flushed on the way out).
 */
class ShutdownIT {
  private static final int REQUESTS = 400;
  private static final int CLIENTS = 32;

  @Test
  void sigtermUnderLoadCompletesEveryInFlightRequestAndFlushesSpans() throws Exception {
    try (Backend app = new Backend();
        OtlpSink sink = new OtlpSink()) {
      Set<String> reachedApp = ConcurrentHashMap.newKeySet();
      // Slow answers, so that many requests are in flight when the signal comes.
      app.handle(
          r -> {
            reachedApp.add(r.getHeader("x-test-id"));
            app.vertx.setTimer(300, t -> r.response().end("ok"));
          });
      try (SidecarProcess sidecar =
          SidecarProcess.start(
              "proxy: {drainTimeout: 10s}\ntracing:\n  samplingRatio: 1.0\n  exporter: {protocol: otlp-http, endpoint: \""
                  + sink.endpoint()
                  + "\"}\n",
              Map.of("OUTRIGGER_INBOUND_PORTS", Integer.toString(app.port())),
              List.of("-Xmx64m"))) {
        URI target = URI.create("http://127.0.0.1:" + sidecar.inboundPort(0) + "/work");
        Map<String, Integer> answered = new ConcurrentHashMap<>();
        Map<String, String> failed = new ConcurrentHashMap<>();
        AtomicInteger next = new AtomicInteger();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        for (int c = 0; c < CLIENTS; c++) {
          clients.submit(
              () -> {
                for (int id; (id = next.getAndIncrement()) < REQUESTS; ) {
                  String key = Integer.toString(id);
                  try {
                    HttpResponse<String> response =
                        http.send(
                            HttpRequest.newBuilder(target).header("x-test-id", key).build(),
                            HttpResponse.BodyHandlers.ofString());
                    answered.put(key, response.statusCode());
                  } catch (Exception e) {
                    failed.put(key, e.toString());
                  }
                }
              });
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> answered.size() >= 64);
        int inFlightAtSignal = reachedApp.size() - answered.size();
        long signalled = System.nanoTime();
        int exit = sidecar.terminate(Duration.ofSeconds(30));
        long exitMillis = (System.nanoTime() - signalled) / 1_000_000;
        clients.shutdown();
        assertThat(clients.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

        System.out.printf(
            "[ShutdownIT] exit %d after %d ms; in flight at SIGTERM ~%d; reached the app %d, answered %d, refused after close %d%n",
            exit, exitMillis, inFlightAtSignal, reachedApp.size(), answered.size(), failed.size());
        assertThat(exit).isZero();
        assertThat(inFlightAtSignal)
            .as("the signal came while requests were in flight")
            .isPositive();
        for (String id : reachedApp) {
          assertThat(answered.get(id))
              .as(
                  "request %s reached the app, so it must be answered 200 (failure: %s)",
                  id, failed.get(id))
              .isEqualTo(200);
        }
        assertThat(answered.values()).containsOnly(200);
        long spans =
            sink.received.stream()
                .flatMap(r -> r.getScopeSpansList().stream())
                .mapToLong(s -> s.getSpansCount())
                .sum();
        assertThat(spans)
            .as("one span per answered request, flushed before exit")
            .isEqualTo(answered.size());
      }
    }
  }

  /**
   * In a pod the Service keeps sending new connections for a moment after SIGTERM (every node's
   * kube-proxy has to drop the pod first): they are still answered, each with {@code Connection:
   * close}, for the drain timeout; only then does the sidecar stop accepting and exit.
   */
  @Test
  void inAPodNewConnectionsAfterSigtermAreStillAnsweredForTheDrainTimeout() throws Exception {
    try (Backend app = new Backend()) {
      app.handle(r -> r.response().end("ok"));
      try (SidecarProcess sidecar =
          SidecarProcess.start(
              "proxy: {drainTimeout: 3s}\n",
              Map.of(
                  "OUTRIGGER_INBOUND_PORTS",
                  Integer.toString(app.port()),
                  "KUBERNETES_SERVICE_HOST",
                  "203.0.113.129"),
              List.of("-Xmx64m"))) {
        URI target = URI.create("http://127.0.0.1:" + sidecar.inboundPort(0) + "/late");
        sidecar.signalTerm();
        Thread.sleep(1_000);
        HttpClient fresh = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<String> late =
            fresh.send(
                HttpRequest.newBuilder(target).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(late.statusCode()).as("a new connection 1 s after SIGTERM").isEqualTo(200);
        assertThat(late.headers().firstValue("connection")).hasValue("close");
        assertThat(sidecar.awaitExit(Duration.ofSeconds(20))).isZero();
      }
    }
  }
}
