package io.outrigger.sidecar.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

/**
 * Hot reload under load, through a kubelet-style ConfigMap volume: sampling and the rate limit
 * change while requests flow; not one request fails; the new values show in exported spans and
 * 429s; a broken file leaves the running config in place and {@code /status} names the error.
 */
class HotReloadIT {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void samplingAndRateLimitChangeUnderLoadWithoutAFailedRequest() throws Exception {
    try (Backend app = new Backend();
        OtlpSink sink = new OtlpSink()) {
      String exporter =
          "  exporter: {protocol: otlp-http, endpoint: \"" + sink.endpoint() + "\"}\n";
      KubeletConfigDir config =
          new KubeletConfigDir("sidecar.yaml", "tracing:\n  samplingRatio: 0.0\n" + exporter);
      try (SidecarProcess sidecar =
          SidecarProcess.start(
              config.file(),
              Map.of(
                  "OUTRIGGER_INBOUND_PORTS",
                  Integer.toString(app.port()),
                  "OUTRIGGER_CONFIG_POLL_MS",
                  "200"),
              List.of("-Xmx64m"))) {
        Load load =
            new Load(URI.create("http://127.0.0.1:" + sidecar.inboundPort(0) + "/orders/1"), 8);
        try {
          await()
              .atMost(Duration.ofSeconds(10))
              .until(() -> load.statuses.getOrDefault(200, new LongAdder()).sum() > 200);
          Thread.sleep(1500);
          assertThat(sink.received).as("sampling 0: no spans").isEmpty();

          config.update(
              "proxy:\n  rateLimit: {requestsPerSecond: 50, burst: 50}\ntracing:\n  samplingRatio: 1.0\n"
                  + exporter);
          await()
              .atMost(Duration.ofSeconds(10))
              .until(() -> status(sidecar).at("/config/reloads").asInt() == 1);
          await().atMost(Duration.ofSeconds(10)).until(() -> !sink.received.isEmpty());
          await().atMost(Duration.ofSeconds(10)).until(() -> load.statuses.containsKey(429));
          assertThat(status(sidecar).at("/config/restartRequired").size()).isZero();

          config.update("tracing:\n  samplingRatio: lots\n");
          await()
              .atMost(Duration.ofSeconds(10))
              .until(() -> status(sidecar).at("/config/lastError").isTextual());
          JsonNode status = status(sidecar);
          assertThat(status.at("/config/lastError").asText())
              .contains("field 'tracing.samplingRatio'")
              .contains("sidecar.yaml");
          assertThat(status.at("/config/reloads").asInt())
              .as("the broken file was not applied")
              .isEqualTo(1);
          assertThat(status.at("/errors/0/component").asText()).isEqualTo("config");
          long limitedBefore = load.statuses.get(429).sum();
          Thread.sleep(1000);
          assertThat(load.statuses.get(429).sum())
              .as("the running rate limit still applies")
              .isGreaterThan(limitedBefore);
        } finally {
          load.stop();
        }
        System.out.printf(
            "[HotReloadIT] statuses %s, client errors %d, spans %d%n",
            load.statuses, load.errors.sum(), sink.received.size());
        assertThat(load.errors.sum()).as("no request failed at the connection level").isZero();
        assertThat(load.statuses.keySet()).containsOnly(200, 429);
        assertThat(sink.rejected).isEmpty();
      }
    }
  }

  private static JsonNode status(SidecarProcess sidecar) throws Exception {
    return JSON.readTree(
        HTTP.send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + sidecar.portBase + "/status"))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body());
  }

  /**
   * A steady closed-loop load: {@code clients} threads, each sending the next request when the last
   * answered.
   */
  static final class Load {
    final Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
    final LongAdder errors = new LongAdder();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final ExecutorService pool;

    Load(URI target, int clients) {
      pool = Executors.newFixedThreadPool(clients);
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      for (int i = 0; i < clients; i++) {
        pool.submit(
            () -> {
              while (running.get()) {
                try {
                  int status =
                      client
                          .send(
                              HttpRequest.newBuilder(target).build(),
                              HttpResponse.BodyHandlers.discarding())
                          .statusCode();
                  statuses.computeIfAbsent(status, s -> new LongAdder()).increment();
                } catch (Exception e) {
                  errors.increment();
                }
              }
            });
      }
    }

    void stop() throws InterruptedException {
      running.set(false);
      pool.shutdown();
      pool.awaitTermination(10, TimeUnit.SECONDS);
    }
  }
}
