package io.outrigger.sidecar.it;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A real Zipkin server (io.zipkin:zipkin-server:3.6.1 exec jar, in-memory storage) on a free
 * loopback port.
 */
public final class ZipkinServer implements AutoCloseable {
  public final int port;
  private final Process process;
  private final Path log;

  private ZipkinServer(int port, Process process, Path log) {
    this.port = port;
    this.process = process;
    this.log = log;
  }

  public static ZipkinServer start() throws Exception {
    Path jar = Path.of(System.getProperty("outrigger.zipkinJar", "target/it/zipkin-server.jar"));
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Path log = Files.createTempFile("zipkin", ".log");
    ProcessBuilder builder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-jar",
                jar.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.environment().put("QUERY_PORT", Integer.toString(port));
    builder.environment().put("STORAGE_TYPE", "mem");
    builder.environment().put("COLLECTOR_SCRIBE_ENABLED", "false");
    ZipkinServer zipkin = new ZipkinServer(port, stoppedWithTheJvm(builder.start()), log);
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (true) {
      try {
        HttpResponse<String> health =
            http.send(
                HttpRequest.newBuilder(zipkin.uri("/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (health.statusCode() == 200) {
          return zipkin;
        }
      } catch (java.io.IOException notYet) {
        // still starting
      }
      if (!zipkin.process.isAlive() || System.nanoTime() > deadline) {
        String out = Files.readString(log);
        zipkin.close();
        throw new IllegalStateException("zipkin did not start:\n" + out);
      }
      Thread.sleep(250);
    }
  }

  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  public String spansEndpoint() {
    return uri("/api/v2/spans").toString();
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
