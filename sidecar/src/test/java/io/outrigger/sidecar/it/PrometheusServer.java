package io.outrigger.sidecar.it;

import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A real Prometheus (Debian's /usr/bin/prometheus, installed by hack/test-deps.sh) on a free
 * loopback port.
 */
public final class PrometheusServer implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  public final int port;
  private final Process process;

  private PrometheusServer(int port, Process process) {
    this.port = port;
    this.process = process;
  }

  /** Starts Prometheus scraping {@code target} (host:port) every second as job {@code job}. */
  static PrometheusServer scraping(String job, String target) throws Exception {
    return withScrapeConfigs(
        "  - job_name: " + job + "\n" + "    static_configs: [{targets: ['" + target + "']}]\n");
  }

  /**
   * Starts Prometheus with these {@code scrape_configs} entries (YAML list items, indented by two),
   * scraping every second.
   */
  public static PrometheusServer withScrapeConfigs(String scrapeConfigs) throws Exception {
    Path dir = Files.createTempDirectory("prometheus");
    Path config = dir.resolve("prometheus.yml");
    Files.writeString(
        config,
        "global: {scrape_interval: 1s, evaluation_interval: 1s}\n"
            + "scrape_configs:\n"
            + scrapeConfigs);
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Process process =
        new ProcessBuilder(
                "/usr/bin/prometheus",
                "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("prometheus.log").toFile())
            .start();
    PrometheusServer prometheus = new PrometheusServer(port, stoppedWithTheJvm(process));
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      try {
        if (HTTP.send(
                    HttpRequest.newBuilder(prometheus.uri("/-/ready")).build(),
                    HttpResponse.BodyHandlers.discarding())
                .statusCode()
            == 200) {
          return prometheus;
        }
      } catch (java.io.IOException notYet) {
        // starting
      }
      if (!process.isAlive() || System.nanoTime() > deadline) {
        prometheus.close();
        throw new IllegalStateException(
            "prometheus did not start: " + Files.readString(dir.resolve("prometheus.log")));
      }
      Thread.sleep(200);
    }
  }

  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  /** The JSON answer of an instant PromQL query. */
  public String query(String promql) throws Exception {
    return HTTP.send(
            HttpRequest.newBuilder(
                    uri("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  /**
   * Stopped with the JVM too, so a test that fails before {@link #close} leaves no process behind.
   */
  private static Process stoppedWithTheJvm(Process process) {
    Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
    return process;
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
