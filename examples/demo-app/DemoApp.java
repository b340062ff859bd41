import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

/**
 * The demo app `make run` puts behind the sidecar: a plain HTTP service that knows nothing about Outrigger. It
 * serves a few routes, writes one JSON log line per request (with the trace id it received, so logs and traces can
 * be joined), and exposes its own Prometheus metrics on /metrics. Runs from source: {@code java DemoApp.java}.
 *
 * <p>Environment: DEMO_PORT (8080), DEMO_BIND (127.0.0.1), DEMO_LOG_FILE (/tmp/outrigger-demo/app.log),
 * DEMO_ZIPKIN_URL (unset: no spans of its own), DEMO_SERVICE_NAME (demo-app) and DEMO_SHUTDOWN_DELAY_SECONDS (5: how
 * long it keeps serving after SIGTERM). With DEMO_ZIPKIN_URL set it
 * behaves as an app instrumented with a tracer: for each sampled request it reports one span of its own to that
 * Zipkin v2 endpoint, a child of the span in the traceparent it got (the sidecar's).
 */
public final class DemoApp {
  private static final Map<String, LongAdder> REQUESTS = new ConcurrentHashMap<>();
  private static final LongAdder LATENCY_MICROS = new LongAdder();
  private static final HttpClient SPANS = HttpClient.newHttpClient();
  private static final String ZIPKIN_URL = System.getenv("DEMO_ZIPKIN_URL");
  private static final String SERVICE_NAME = System.getenv().getOrDefault("DEMO_SERVICE_NAME", "demo-app");
  private static Writer log;

  public static void main(String[] args) throws IOException {
    int port = Integer.parseInt(System.getenv().getOrDefault("DEMO_PORT", "8080"));
    String bind = System.getenv().getOrDefault("DEMO_BIND", "127.0.0.1");
    Path logFile = Path.of(System.getenv().getOrDefault("DEMO_LOG_FILE", "/tmp/outrigger-demo/app.log"));
    Files.createDirectories(logFile.getParent());
    log = Files.newBufferedWriter(logFile, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);

    HttpServer server = HttpServer.create(new InetSocketAddress(bind, port), 128);
    server.createContext("/", DemoApp::handle);
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.start();
    // As a well-behaved app in a pod does: keep serving for a moment after SIGTERM, while the pod leaves
    // the Service's endpoints, then stop.
    long shutdownDelay = Long.parseLong(System.getenv().getOrDefault("DEMO_SHUTDOWN_DELAY_SECONDS", "5"));
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      sleep(shutdownDelay * 1000);
      server.stop(1);
    }));
    System.out.println("demo app listening on http://" + bind + ":" + port + ", logging to " + logFile);
  }

  private static void handle(HttpExchange exchange) throws IOException {
    long start = System.nanoTime();
    String path = exchange.getRequestURI().getPath();
    int status;
    String body;
    String type = "application/json";
    switch (path) {
      case "/metrics" -> {
        status = 200;
        body = metrics();
        type = "text/plain; version=0.0.4";
      }
      case "/healthz" -> {
        status = 200;
        body = "{\"status\":\"ok\"}";
      }
      case "/slow" -> {
        sleep(300);
        status = 200;
        body = "{\"slept_ms\":300}";
      }
      case "/fail" -> {
        status = 500;
        body = "{\"error\":\"the demo app fails here on purpose\"}";
      }
      default -> {
        if (path.startsWith("/orders/")) {
          status = 200;
          body = "{\"order\":\"" + path.substring(8) + "\",\"items\":" + ThreadLocalRandom.current().nextInt(1, 5) + "}";
        } else {
          status = 404;
          body = "{\"error\":\"no route " + path + "\"}";
        }
      }
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("content-type", type);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
    if (!path.equals("/metrics")) {
      REQUESTS.computeIfAbsent(exchange.getRequestMethod() + " " + status, k -> new LongAdder()).increment();
      LATENCY_MICROS.add((System.nanoTime() - start) / 1000);
      logLine(exchange, path, status, (System.nanoTime() - start) / 1_000_000.0);
      reportSpan(exchange.getRequestHeaders().getFirst("traceparent"), path, start);
    }
  }

  /** A span of the app's own code under the traceparent's span, when that one is sampled (flags bit 0). */
  private static void reportSpan(String traceparent, String path, long startNanos) {
    String[] parts = traceparent == null ? new String[0] : traceparent.split("-");
    if (ZIPKIN_URL == null || parts.length != 4 || (Integer.parseInt(parts[3], 16) & 1) == 0) {
      return;
    }
    long durationMicros = Math.max(1, (System.nanoTime() - startNanos) / 1000);
    long startMicros = Instant.now().toEpochMilli() * 1000 - durationMicros;
    String span =
        String.format(
            "[{\"traceId\":\"%s\",\"parentId\":\"%s\",\"id\":\"%016x\",\"name\":\"handle %s\","
                + "\"timestamp\":%d,\"duration\":%d,\"localEndpoint\":{\"serviceName\":\"%s\"}}]",
            parts[1], parts[2], ThreadLocalRandom.current().nextLong() | 1, path, startMicros, durationMicros,
            SERVICE_NAME);
    SPANS.sendAsync(
        HttpRequest.newBuilder(URI.create(ZIPKIN_URL))
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(span))
            .build(),
        HttpResponse.BodyHandlers.discarding());
  }

  /** One JSON line; trace_id/span_id/trace_flags come from the W3C traceparent the sidecar hands over. */
  private static synchronized void logLine(HttpExchange exchange, String path, int status, double millis)
      throws IOException {
    String traceparent = exchange.getRequestHeaders().getFirst("traceparent");
    String traceId = "";
    String spanId = "";
    String traceFlags = "";
    if (traceparent != null && traceparent.split("-").length == 4) {
      traceId = traceparent.split("-")[1];
      spanId = traceparent.split("-")[2];
      traceFlags = traceparent.split("-")[3];
    }
    String requestId = exchange.getRequestHeaders().getFirst("x-request-id");
    log.write(
        String.format(
            "{\"ts\":\"%s\",\"level\":\"%s\",\"msg\":\"handled request\",\"method\":\"%s\",\"path\":\"%s\","
                + "\"status\":%d,\"duration_ms\":%.2f,\"trace_id\":\"%s\",\"span_id\":\"%s\",\"trace_flags\":\"%s\","
                + "\"request_id\":\"%s\"}%n",
            Instant.now(), status >= 500 ? "error" : "info", exchange.getRequestMethod(), path, status, millis,
            traceId, spanId, traceFlags, requestId == null ? "" : requestId));
    log.flush();
  }

  private static String metrics() {
    StringBuilder out = new StringBuilder();
    out.append("# HELP demo_requests_total Requests the demo app handled.\n");
    out.append("# TYPE demo_requests_total counter\n");
    REQUESTS.forEach(
        (key, count) -> {
          String[] parts = key.split(" ");
          out.append("demo_requests_total{method=\"").append(parts[0]).append("\",code=\"").append(parts[1])
              .append("\"} ").append(count.sum()).append('\n');
        });
    out.append("# HELP demo_request_duration_microseconds_total Time spent handling requests.\n");
    out.append("# TYPE demo_request_duration_microseconds_total counter\n");
    out.append("demo_request_duration_microseconds_total ").append(LATENCY_MICROS.sum()).append('\n');
    return out.toString();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
