package io.outrigger.sidecar.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.trace.v1.Span;
import io.outrigger.sidecar.logs.sink.ForwardSink;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo app (examples/demo-app, run from source as its own process) behind the packaged sidecar
 * writes a JSON log line while serving a proxied request; the line the sidecar forwards (Forward
 * protocol, decoded with msgpack-core) carries the trace id of the server span the sidecar exported
 * (OTLP, decoded with opentelemetry-proto), and the span id the app was handed, which is that
 * span's.
 */
class LogTraceCorrelationIT {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @TempDir Path dir;

  @Test
  void theAppsLogLineCarriesTheTraceIdOfTheProxysSpan() throws Exception {
    Path logs = Files.createDirectories(dir.resolve("logs"));
    int appPort = freePort();
    Path demo = Path.of("../examples/demo-app/DemoApp.java").toAbsolutePath().normalize();
    assertThat(demo).exists();
    Path appOut = dir.resolve("demo-app.out");
    Files.createFile(appOut);
    Process app = startDemo(demo, appPort, logs.resolve("app.log"), appOut);
    try (ForwardSink forward = ForwardSink.start();
        OtlpSink otlp = new OtlpSink()) {
      String config =
          "tracing:\n"
              + "  samplingRatio: 1.0\n"
              + "  serviceName: demo\n"
              + "  exporter: {protocol: otlp-http, endpoint: \""
              + otlp.endpoint()
              + "\"}\n"
              + "logs:\n"
              + "  enabled: true\n"
              + "  directory: "
              + logs
              + "\n"
              + "  paths: ['*.log']\n"
              + "  parser: {format: json, timeField: ts}\n"
              + "  outputs:\n"
              + "    stdout: false\n"
              + "    forward: {host: 127.0.0.1, port: "
              + forward.port()
              + "}\n";
      try (SidecarProcess sidecar =
          SidecarProcess.start(
              config,
              Map.of(
                  "OUTRIGGER_INBOUND_PORTS",
                  Integer.toString(appPort),
                  "POD_NAME",
                  "demo-1",
                  "POD_NAMESPACE",
                  "shop"),
              List.of("-Xmx64m"))) {
        HttpResponse<String> response =
            HTTP.send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + sidecar.inboundPort(0) + "/orders/42"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(20)).until(() -> !otlp.received.isEmpty());
        await().atMost(Duration.ofSeconds(20)).until(() -> forward.eventCount() >= 1);
        assertThat(otlp.rejected).isEmpty();
        assertThat(forward.errors()).isEmpty();
        Span span = otlp.received.get(0).getScopeSpans(0).getSpans(0);
        assertThat(span.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_SERVER);
        Map<String, Object> line = forward.events().get(0).record();
        System.out.println(
            "LogTraceCorrelationIT span trace_id="
                + hex(span.getTraceId())
                + " span_id="
                + hex(span.getSpanId())
                + "; forwarded line "
                + line);
        assertThat(line)
            .containsEntry("message", "handled request")
            .containsEntry("path", "/orders/42")
            .containsEntry("k8s.pod.name", "demo-1");
        assertThat(line.get("trace_id")).isEqualTo(hex(span.getTraceId()));
        assertThat(line.get("span_id")).isEqualTo(hex(span.getSpanId()));
      }
    } finally {
      app.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
  }

  private static Process startDemo(Path demo, int port, Path logFile, Path out) throws Exception {
    ProcessBuilder builder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), demo.toString())
            .redirectErrorStream(true)
            .redirectOutput(out.toFile());
    builder.environment().put("DEMO_PORT", Integer.toString(port));
    builder.environment().put("DEMO_BIND", "127.0.0.1");
    builder.environment().put("DEMO_LOG_FILE", logFile.toString());
    Process process = builder.start();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!Files.readString(out).contains("demo app listening")) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        throw new IllegalStateException("the demo app did not start:\n" + Files.readString(out));
      }
      Thread.sleep(50);
    }
    return process;
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static String hex(ByteString bytes) {
    return HexFormat.of().formatHex(bytes.toByteArray());
  }
}
