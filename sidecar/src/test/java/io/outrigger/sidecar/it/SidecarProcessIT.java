package io.outrigger.sidecar.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The packaged sidecar as a process: bodies stream through a small fixed heap, and SIGTERM exits
 * cleanly.
 */
class SidecarProcessIT {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static final long HUNDRED_MB = 100L * 1024 * 1024;

  /**
   * How heap use is measured: the sidecar runs with {@code -Xmx24m}, a quarter of the body, and
   * {@code -XX:+ExitOnOutOfMemoryError}. Buffering either body whole would kill it; it must stream
   * 100 MB up and 100 MB down and still be alive. The peak heap it reports on /metrics is printed
   * for the record.
   */
  @Test
  void hundredMegabytesStreamBothWaysThroughA24MegabyteHeap() throws Exception {
    try (Backend app = new Backend()) {
      AtomicLong received = new AtomicLong();
      app.handle(
          r -> {
            if (r.path().equals("/up")) {
              r.handler(chunk -> received.addAndGet(chunk.length()));
              r.endHandler(v -> r.response().end("stored " + received.get()));
            } else {
              r.response().putHeader("content-length", Long.toString(HUNDRED_MB));
              io.vertx.core.buffer.Buffer chunk =
                  io.vertx.core.buffer.Buffer.buffer(new byte[64 * 1024]);
              long[] left = {HUNDRED_MB};
              Runnable[] pump = new Runnable[1];
              pump[0] =
                  () -> {
                    while (left[0] > 0 && !r.response().writeQueueFull()) {
                      r.response().write(chunk);
                      left[0] -= chunk.length();
                    }
                    if (left[0] > 0) {
                      r.response().drainHandler(v -> pump[0].run());
                    } else {
                      r.response().end();
                    }
                  };
              pump[0].run();
            }
          });
      try (SidecarProcess sidecar =
          SidecarProcess.start(
              "proxy: {requestTimeout: 60s}\n",
              Map.of("OUTRIGGER_INBOUND_PORTS", Integer.toString(app.port())),
              List.of("-Xmx24m", "-XX:+ExitOnOutOfMemoryError"))) {
        URI base = URI.create("http://127.0.0.1:" + sidecar.inboundPort(0));

        HttpResponse<String> up =
            HTTP.send(
                HttpRequest.newBuilder(base.resolve("/up"))
                    .timeout(Duration.ofMinutes(2))
                    .POST(
                        HttpRequest.BodyPublishers.ofInputStream(() -> new ZeroStream(HUNDRED_MB)))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(up.statusCode()).isEqualTo(200);
        assertThat(up.body()).isEqualTo("stored " + HUNDRED_MB);

        HttpResponse<InputStream> down =
            HTTP.send(
                HttpRequest.newBuilder(base.resolve("/down"))
                    .timeout(Duration.ofMinutes(2))
                    .build(),
                HttpResponse.BodyHandlers.ofInputStream());
        long total = 0;
        try (InputStream in = down.body()) {
          byte[] buffer = new byte[64 * 1024];
          for (int n; (n = in.read(buffer)) != -1; ) {
            total += n;
          }
        }
        assertThat(total).isEqualTo(HUNDRED_MB);
        assertThat(sidecar.process.isAlive()).as("no OutOfMemoryError with -Xmx24m").isTrue();

        String metrics =
            HTTP.send(
                    HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + sidecar.telemetryPort() + "/metrics"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .body();
        System.out.printf(
            "[SidecarProcessIT] 2 x 100 MiB streamed with -Xmx24m; RSS %d KiB; heap now: %s%n",
            sidecar.rssKib(),
            metrics
                .lines()
                .filter(l -> l.startsWith("jvm_memory_used_bytes{area=\"heap\""))
                .toList());
      }
    }
  }

  @Test
  void sigtermExitsWithStatusZeroAfterDraining() throws Exception {
    try (Backend app = new Backend();
        SidecarProcess sidecar =
            SidecarProcess.start(
                "proxy: {drainTimeout: 2s}\n",
                Map.of("OUTRIGGER_INBOUND_PORTS", Integer.toString(app.port())),
                List.of("-Xmx32m"))) {
      HttpResponse<String> ok =
          HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sidecar.inboundPort(0) + "/"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(ok.statusCode()).isEqualTo(200);

      long start = System.nanoTime();
      int status = sidecar.terminate(Duration.ofSeconds(15));
      System.out.printf(
          "[SidecarProcessIT] SIGTERM -> exit %d after %d ms%n",
          status, (System.nanoTime() - start) / 1_000_000);
      assertThat(status).isZero();
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(
              () -> assertThat(sidecar.output()).anyMatch(l -> l.contains("\"sidecar stopped\"")));
    }
  }

  @Test
  void aBrokenConfigFileStopsStartupWithTheFieldNamed() throws Exception {
    java.nio.file.Path config = java.nio.file.Files.createTempFile("broken", ".yaml");
    java.nio.file.Files.writeString(config, "proxy:\n  requestTimeout: soon\n");
    Process process =
        new ProcessBuilder(
                java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                System.getProperty("outrigger.sidecarJar"),
                "--config",
                config.toString())
            .redirectErrorStream(true)
            .start();
    String out =
        new String(
            process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(process.waitFor()).isEqualTo(2);
    assertThat(out)
        .contains("invalid configuration")
        .contains("field 'proxy.requestTimeout'")
        .contains("not a duration: 'soon'");
  }

  /** {@code size} zero bytes without allocating them. */
  private static final class ZeroStream extends InputStream {
    private long left;

    ZeroStream(long size) {
      this.left = size;
    }

    @Override
    public int read() {
      if (left == 0) {
        return -1;
      }
      left--;
      return 0;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (left == 0) {
        return -1;
      }
      int n = (int) Math.min(len, left);
      java.util.Arrays.fill(b, off, off + n, (byte) 0);
      left -= n;
      return n;
    }
  }
}
