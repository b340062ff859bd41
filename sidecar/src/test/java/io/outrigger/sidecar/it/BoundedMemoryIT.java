package io.outrigger.sidecar.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.outrigger.config.Defaults;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every input path of the sidecar flooded while it runs as a pod runs it (through its launcher,
 * with the heap it derives from the default memory limit): it stays up, keeps answering, and its
 * heap after a collection stays well inside its cap. The JVM is told to exit on an out-of-memory
 * error, so a path without a bound ends the test with a dead process.
 */
class BoundedMemoryIT {
  private static final long DEFAULT_LIMIT = mebibytes(Defaults.SIDECAR_MEMORY_LIMIT);

  /** 127.0.0.1 and ::ffff:127.0.0.1 as /proc/net/udp and udp6 write them. */
  private static final List<String> LOOPBACK =
      List.of("0100007F", "0000000000000000FFFF00000100007F");

  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  @Test
  void aStatsdFloodOfSeriesAndSetMembersIsCappedAndTheListenerStaysOnLoopback() throws Exception {
    int port;
    try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    try (SidecarProcess sidecar =
            SidecarProcess.startThroughLauncher(
                "metrics: {maxSeries: 5000, statsd: {port: " + port + "}}\n",
                // Listening on every interface, as in a pod: StatsD still binds only loopback.
                Map.of("OUTRIGGER_BIND", "0.0.0.0"),
                DEFAULT_LIMIT);
        DatagramSocket client = new DatagramSocket()) {
      long bound = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (udpListeners(port).isEmpty() && System.nanoTime() < bound) {
        Thread.sleep(100);
      }
      assertThat(udpListeners(port))
          .as("StatsD bound to the pod's loopback only (/proc/net/udp, /proc/net/udp6)")
          .isNotEmpty()
          .allMatch(LOOPBACK::contains);
      String padding = "x".repeat(900);
      InetAddress loopback = InetAddress.getLoopbackAddress();
      // 300,000 distinct set members of ~1 KB each (300 MB if kept as sent) and 100,000 series.
      for (int i = 0; i < 300_000; i++) {
        byte[] member = ("users.seen:" + padding + i + "|s").getBytes(StandardCharsets.US_ASCII);
        client.send(new DatagramPacket(member, member.length, loopback, port));
        if (i % 3 == 0) {
          byte[] series =
              ("requests.by.id:1|c|#id:" + i + padding).getBytes(StandardCharsets.US_ASCII);
          client.send(new DatagramPacket(series, series.length, loopback, port));
        }
        if (i % 2_000 == 0) {
          Thread.sleep(1); // UDP drops what the socket buffer cannot hold; pace it a little
        }
      }
      Thread.sleep(1_000);
      String metrics = get(sidecar, "/metrics");
      assertThat(value(metrics, "outrigger_statsd_set_members_dropped_total"))
          .as("members past the cap are counted, not kept")
          .isGreaterThan(0);
      assertThat(value(metrics, "users_seen")).isLessThanOrEqualTo(5_000);
      assertThat(value(metrics, "outrigger_statsd_series_dropped_total")).isGreaterThan(0);
      assertStillServingWithBoundedHeap(sidecar);
    }
  }

  @Test
  void anExpositionTooLargeForTheHeapIsRefusedAndCountedNotParsed() throws Exception {
    // 56 MiB of valid series: under the old fixed 64 MiB cap, and as large as the whole heap the
    // launcher gives at the default limit.
    long bodyBytes = 56L * 1024 * 1024;
    HttpServer app = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    app.createContext(
        "/metrics",
        exchange -> {
          exchange.getResponseHeaders().set("content-type", "text/plain; version=0.0.4");
          exchange.sendResponseHeaders(200, 0); // chunked: the cap is checked as bytes arrive
          try (OutputStream out = exchange.getResponseBody()) {
            byte[] head = "# TYPE big gauge\n".getBytes(StandardCharsets.US_ASCII);
            out.write(head);
            long written = head.length;
            for (long i = 0; written < bodyBytes; i++) {
              byte[] line =
                  ("big{id=\"" + i + "\",pad=\"" + "p".repeat(60) + "\"} 1\n")
                      .getBytes(StandardCharsets.US_ASCII);
              out.write(line);
              written += line.length;
            }
          } catch (IOException e) {
            // The sidecar stops reading at its cap and resets the stream.
          }
        });
    app.start();
    try (SidecarProcess sidecar =
        SidecarProcess.startThroughLauncher(
            "metrics: {scrape: {port: " + app.getAddress().getPort() + ", interval: 2s}}\n",
            Map.of(),
            DEFAULT_LIMIT)) {
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      double refused = 0;
      while (refused < 3 && System.nanoTime() < deadline) {
        Thread.sleep(500);
        refused =
            value(
                get(sidecar, "/metrics"), "outrigger_app_scrape_errors_total{reason=\"too_large\"");
      }
      assertThat(refused).as("three scrapes refused as too large").isGreaterThanOrEqualTo(3);
      assertStillServingWithBoundedHeap(sidecar);
    } finally {
      app.stop(0);
    }
  }

  @Test
  void clientsThatStopReadingMetricsHoldAChunkEachAndOthersAreStillAnswered() throws Exception {
    // An app with 30,000 series, about 5.5 MB: just under the body cap at a 384Mi limit (96 MiB
    // heap). The answers must be larger than what the kernel's socket buffers take in (about 4 MB
    // per connection on loopback), or a stalled reader would cost the sidecar nothing anyway.
    StringBuilder exposition = new StringBuilder("# TYPE wide gauge\n");
    for (int i = 0; i < 30_000; i++) {
      exposition.append("wide{id=\"").append(i).append("\",pad=\"").append("q".repeat(160));
      exposition.append("\"} ").append(i).append('\n');
    }
    byte[] body = exposition.toString().getBytes(StandardCharsets.US_ASCII);
    HttpServer app = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    app.createContext(
        "/metrics",
        exchange -> {
          exchange.getResponseHeaders().set("content-type", "text/plain; version=0.0.4");
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    app.start();
    List<Socket> stalled = new ArrayList<>();
    try (SidecarProcess sidecar =
        SidecarProcess.startThroughLauncher(
            "metrics: {scrape: {port: " + app.getAddress().getPort() + ", interval: 2s}}\n",
            Map.of(),
            384L << 20)) {
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (!get(sidecar, "/metrics").contains("wide{id=\"29999\"")) {
        assertThat(System.nanoTime()).as("the app's series scraped").isLessThan(deadline);
        Thread.sleep(200);
      }
      int port = sidecar.telemetryPort();
      // Thirty clients ask, then never read: without backpressure what the kernel does not take
      // of each answer would sit in the sidecar's heap (30 × ~2 MB beyond a 96 MiB heap's room).
      for (int i = 0; i < 30; i++) {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.connect(new InetSocketAddress("127.0.0.1", port));
        socket
            .getOutputStream()
            .write(
                "GET /metrics HTTP/1.1\r\nhost: sidecar\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
        stalled.add(socket);
        Thread.sleep(100);
      }
      Thread.sleep(2_000);
      assertStillServingWithBoundedHeap(sidecar);
      // A well-behaved scraper still gets the whole exposition while they stall (or a 503 while
      // every render slot is held, then the answer once the stalled ones time out).
      long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      boolean answered = false;
      while (!answered && System.nanoTime() < until) {
        HttpResponse<String> answer;
        try {
          answer =
              HTTP.send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                      .timeout(Duration.ofSeconds(20))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
          throw new AssertionError(
              "the scraper could not get /metrics (alive: "
                  + sidecar.process.isAlive()
                  + "):\n"
                  + tail(sidecar),
              e);
        }
        answered = answer.statusCode() == 200 && answer.body().contains("wide{id=\"29999\"");
        if (!answered) {
          assertThat(answer.statusCode()).as("busy, said so").isEqualTo(503);
          Thread.sleep(1_000);
        }
      }
      assertThat(answered).as("a reading scraper gets the whole exposition").isTrue();
    } finally {
      for (Socket socket : stalled) {
        socket.close();
      }
      app.stop(0);
    }
  }

  /** Alive, answering, and its heap after a full collection under half its cap. */
  private static void assertStillServingWithBoundedHeap(SidecarProcess sidecar) throws Exception {
    assertThat(sidecar.process.isAlive())
        .as("still running (it exits on an out-of-memory error):\n%s", tail(sidecar))
        .isTrue();
    assertThat(get(sidecar, "/healthz")).isEqualTo("ok\n");
    String pid = Long.toString(sidecar.process.pid());
    jcmd(pid, "GC.run");
    long usedKib = 0;
    for (String line : jcmd(pid, "GC.heap_info").split("\n")) {
      Matcher used = Pattern.compile("generation\\s+total \\d+K, used (\\d+)K").matcher(line);
      if (used.find()) {
        usedKib += Long.parseLong(used.group(1));
      }
    }
    Matcher max = Pattern.compile("MaxHeapSize=(\\d+)").matcher(jcmd(pid, "VM.flags"));
    assertThat(max.find()).as("the launcher's heap cap").isTrue();
    long maxKib = Long.parseLong(max.group(1)) / 1024;
    System.out.printf(
        "[bounded] heap after GC %d KiB of %d KiB, RSS %d KiB%n",
        usedKib, maxKib, sidecar.rssKib());
    assertThat(usedKib).as("live heap after the flood (KiB)").isPositive().isLessThan(maxKib / 2);
  }

  private static String get(SidecarProcess sidecar, String path) throws Exception {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sidecar.telemetryPort() + path))
                .timeout(Duration.ofSeconds(20))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  /** The value of the first sample whose line starts with {@code prefix}; 0 when there is none. */
  private static double value(String exposition, String prefix) {
    for (String line : exposition.split("\n")) {
      if (line.startsWith(prefix)
          && (prefix.endsWith("\"") || " {".indexOf(line.charAt(prefix.length())) >= 0)) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return 0;
  }

  private static double sum(String exposition, String name, String label) {
    double total = 0;
    for (String line : exposition.split("\n")) {
      if (line.startsWith(name + "{") && line.contains(label)) {
        total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return total;
  }

  /** The local addresses (hex, as /proc/net/udp writes them) bound to {@code port}. */
  private static List<String> udpListeners(int port) throws IOException {
    List<String> addresses = new ArrayList<>();
    Pattern local = Pattern.compile("^\\s*\\d+: ([0-9A-F]{8}|[0-9A-F]{32}):([0-9A-F]{4}) ");
    for (String table : List.of("/proc/net/udp", "/proc/net/udp6")) {
      for (String line : Files.readAllLines(Path.of(table))) {
        Matcher m = local.matcher(line);
        if (m.find() && Integer.parseInt(m.group(2), 16) == port) {
          addresses.add(m.group(1));
        }
      }
    }
    return addresses;
  }

  /** The default limit as bytes ("192Mi"); only the binary suffixes a default would use. */
  private static long mebibytes(String quantity) {
    if (quantity.endsWith("Gi")) {
      return Long.parseLong(quantity.replace("Gi", "")) << 30;
    }
    if (quantity.endsWith("Mi")) {
      return Long.parseLong(quantity.replace("Mi", "")) << 20;
    }
    throw new IllegalArgumentException("not a Mi or Gi quantity: " + quantity);
  }

  /** A diagnostic command of the JDK running these tests, against the sidecar's JVM. */
  private static String jcmd(String pid, String command) throws Exception {
    String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    Process process = new ProcessBuilder(jcmd, pid, command).redirectErrorStream(true).start();
    String out;
    try (InputStream stream = process.getInputStream()) {
      out = new String(stream.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertThat(process.waitFor()).as("jcmd %s: %s", command, out).isZero();
    return out;
  }

  private static String tail(SidecarProcess sidecar) {
    List<String> lines = sidecar.output();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
  }
}
