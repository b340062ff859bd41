package io.outrigger.sidecar.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.outrigger.config.SidecarConfig;
import io.outrigger.sidecar.PortLayout;
import io.outrigger.sidecar.Sidecar;
import io.outrigger.sidecar.config.ConfigSource;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.net.NetServer;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.net.DatagramSocket;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every field of {@link SidecarConfig}, changed in the file of a sidecar running in this JVM, is
 * either applied (an effect seen from outside: a request, {@code /metrics}, {@code /status}, what a
 * sink receives) or reported in {@code /status} {@code config.restartRequired} with its running
 * value kept. The fields are found by reflection, so a new field without a case here fails.
 *
 * <p>Each case gets a fresh sidecar started with the same base config, so one case's leftovers (an
 * output that never acknowledges) cannot decide another's.
 */
class EveryFieldReloadIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();
  private static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
  private static final String SPAN_ID = "b7ad6b7169203331";

  private static Vertx vertx;
  private static Recorder sink;
  private static Recorder app;
  private static Recorder otherApp;
  private static NetServer forward;
  private static final List<String> forwardBytes = new CopyOnWriteArrayList<>();
  private static final java.io.ByteArrayOutputStream stdout = new java.io.ByteArrayOutputStream();
  private static java.io.PrintStream originalOut;
  private static Path caFile;

  @TempDir static Path dir;

  @BeforeAll
  static void servers() throws Exception {
    // The stdout log output writes to System.out as it is when the output is made.
    originalOut = System.out;
    System.setOut(new java.io.PrintStream(new TeeStream(originalOut, stdout), true));
    caFile = dir.resolve("ca.pem");
    Certificates.selfSigned(dir, "localhost", caFile, dir.resolve("ca.key"));
    vertx = Vertx.vertx();
    sink = new Recorder(vertx, 0);
    app = new Recorder(vertx, 0);
    otherApp = new Recorder(vertx, 0);
    forward =
        vertx
            .createNetServer()
            .connectHandler(
                socket ->
                    socket.handler(
                        bytes -> forwardBytes.add(bytes.toString(StandardCharsets.ISO_8859_1))))
            .listen(0, "127.0.0.1")
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stopServers() throws Exception {
    System.setOut(originalOut);
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  // ---------------------------------------------------------------------------------------------
  // The cases: one per leaf field. `restart` fields must be reported; `live` ones must show.

  private Map<String, Case> cases() {
    Map<String, Case> c = new LinkedHashMap<>();
    c.put("schemaVersion", rejected("schemaVersion", "99"));
    c.put(
        "policy", live("policy", "\"ns/changed\"", r -> r.status("/policy").equals("ns/changed")));

    restart(c, "proxy.enabled", "false");
    restart(c, "proxy.appPorts", "[1]");
    restart(c, "proxy.skipPorts", "[" + app.port + "]");
    c.put("proxy.connectTimeout", live("proxy.connectTimeout", "\"7s\"", configShows("7s")));
    c.put(
        "proxy.requestTimeout",
        live("proxy.requestTimeout", "\"100ms\"", r -> r.proxied("/slow") == 504));
    restart(c, "proxy.idleTimeout", "\"17s\"");
    // Read from the running config when shutdown begins.
    c.put("proxy.drainTimeout", live("proxy.drainTimeout", "\"3s\"", configShows("3s")));
    restart(c, "proxy.maxHeaderBytes", "4096");
    restart(c, "proxy.maxConnectionsPerPort", "7");
    String limit = "{\"requestsPerSecond\": 0.001, \"burst\": 1}";
    Probe throttled = r -> r.proxied("/a") + r.proxied("/a") + r.proxied("/a") >= 429;
    c.put("proxy.rateLimit.requestsPerSecond", live("proxy.rateLimit", limit, throttled));
    c.put("proxy.rateLimit.burst", live("proxy.rateLimit", limit, throttled));
    restart(c, "proxy.tls.certFile", "proxy.tls", "{\"certFile\": \"/c\", \"keyFile\": \"/k\"}");
    restart(c, "proxy.tls.keyFile", "proxy.tls", "{\"certFile\": \"/c\", \"keyFile\": \"/k\"}");
    c.put(
        "proxy.routePatterns",
        live(
            "proxy.routePatterns",
            "[\"/orders/{id}\"]",
            r -> r.proxied("/orders/7") == 200 && r.metrics().contains("route=\"/orders/{id}\"")));
    for (String field :
        List.of(
            "enabled",
            "timeout",
            "maxRetries",
            "retryBudgetRatio",
            "circuitBreakerFailures",
            "circuitBreakerOpenDuration",
            "bearerTokenFile",
            "bearerTokenDestinations")) {
      Object value =
          switch (field) {
            case "enabled" -> "true";
            case "timeout", "circuitBreakerOpenDuration" -> "\"9s\"";
            case "maxRetries", "circuitBreakerFailures" -> "9";
            case "retryBudgetRatio" -> "0.9";
            case "bearerTokenFile" -> "\"/token\"";
            default -> "[{\"host\": \"api\"}]";
          };
      restart(c, "proxy.outbound." + field, "proxy.outbound." + field, (String) value);
    }

    c.put(
        "metrics.enabled",
        live(
            "metrics.enabled",
            "false",
            r ->
                r.status("/components/metrics/state").equals("disabled")
                    && r.quiet("/pg/", Duration.ofSeconds(1))));
    c.put(
        "metrics.scrape.port",
        live(
            "metrics.scrape.port",
            Integer.toString(otherApp.port),
            r -> r.metrics().contains("other_app_up")));
    c.put(
        "metrics.scrape.path",
        live("metrics.scrape.path", "\"/metrics2\"", r -> r.metrics().contains("second_path_up")));
    c.put(
        "metrics.scrape.scheme",
        live(
            "metrics.scrape.scheme",
            "\"https\"",
            r -> r.status("/components/metrics/state").equals("degraded")));
    c.put(
        "metrics.scrape.interval",
        live(
            "metrics.scrape.interval",
            "\"50ms\"",
            r -> r.countWithin(app, "/metrics", Duration.ofSeconds(1)) >= 6));
    c.put(
        "metrics.scrape.timeout",
        live(
            "metrics.scrape.timeout",
            "\"250ms\"",
            r ->
                app.since(r.changedAt, "/metrics").stream()
                    .anyMatch(
                        q -> "0.25".equals(q.headers.get("x-prometheus-scrape-timeout-seconds")))));
    c.put(
        "metrics.podLabels",
        live("metrics.podLabels", "[\"team\"]", r -> r.metrics().contains("team=\"checkout\"")));
    c.put(
        "metrics.maxSeries",
        live(
            "metrics.maxSeries",
            "1",
            r -> counter(r.metrics(), "outrigger_app_scrape_series_dropped_total") > 0));
    c.put(
        "metrics.maxLabelValueLength",
        live(
            "metrics.maxLabelValueLength",
            "3",
            r -> counter(r.metrics(), "outrigger_app_scrape_label_values_truncated_total") > 0));
    c.put(
        "metrics.pushgateway.url",
        live("metrics.pushgateway.url", sinkUrl("/pg2"), r -> r.received("/pg2/")));
    c.put(
        "metrics.pushgateway.job",
        live(
            "metrics.pushgateway.job",
            "\"other-job\"",
            r -> r.received("/pg/metrics/job/other-job")));
    c.put(
        "metrics.pushgateway.interval",
        live(
            "metrics.pushgateway.interval",
            "\"100ms\"",
            r -> r.countWithin(sink, "/pg/", Duration.ofSeconds(1)) >= 4));
    c.put(
        "metrics.remoteWrite.url",
        live("metrics.remoteWrite.url", sinkUrl("/rw2"), r -> r.received("/rw2")));
    c.put(
        "metrics.remoteWrite.interval",
        live(
            "metrics.remoteWrite.interval",
            "\"100ms\"",
            r -> r.countWithin(sink, "/rw", Duration.ofSeconds(1)) >= 4));
    // The queue is re-sized by re-arming the exporter with the new settings: a send right away.
    c.put(
        "metrics.remoteWrite.queueCapacity",
        live("metrics.remoteWrite.queueCapacity", "50", r -> r.received("/rw")));
    c.put(
        "metrics.otlp.endpoint",
        live("metrics.otlp.endpoint", sinkUrl("/otlp2"), r -> r.received("/otlp2/v1/metrics")));
    c.put(
        "metrics.otlp.interval",
        live(
            "metrics.otlp.interval",
            "\"100ms\"",
            r -> r.countWithin(sink, "/otlp/v1/metrics", Duration.ofSeconds(1)) >= 4));
    // With the base's hourly interval the export right after the change comes before any request:
    // exports every 100 ms show a request made after the change under the conventions' name.
    c.put(
        "metrics.otlp.naming",
        live(
            "metrics.otlp",
            "{\"endpoint\": "
                + sinkUrl("/otlp")
                + ", \"interval\": \"100ms\", \"naming\": \"opentelemetry\"}",
            r ->
                r.proxied("/named") == 200
                    && sink.since(r.changedAt, "/otlp/v1/metrics").stream()
                        .anyMatch(q -> q.body.contains("http.server.request.duration"))));
    restart(c, "metrics.statsd.port", Integer.toString(freeUdpPort()));
    restart(c, "metrics.statsd.listen", "\"pod\"");

    restart(c, "logs.enabled", "false");
    restart(c, "logs.directory", "\"/elsewhere\"");
    restart(c, "logs.maxLineBytes", "100");
    restart(c, "logs.bufferLines", "10");
    c.put(
        "logs.paths",
        live("logs.paths", "[\"*.txt\"]", r -> r.logged("case.txt", "{\"message\":\"M\"}", "M")));
    restart(c, "logs.readFrom", "\"end\"");
    String joined = "START M\\n  tail-M";
    String startPattern =
        "{\"startPattern\": \"^START\", \"flushTimeout\": \"200ms\", \"maxLines\": 20}";
    String continuation =
        "{\"continuationPattern\": \"^\\\\s\", \"flushTimeout\": \"200ms\", \"maxLines\": 20}";
    Probe multiline = r -> r.logged("multi.log", "START M\n  tail-M", joined);
    c.put("logs.multiline.startPattern", live("logs.multiline", startPattern, multiline));
    c.put("logs.multiline.continuationPattern", live("logs.multiline", continuation, multiline));
    c.put("logs.multiline.flushTimeout", live("logs.multiline", startPattern, multiline));
    c.put("logs.multiline.maxLines", live("logs.multiline", startPattern, multiline));
    c.put(
        "logs.parser.format",
        live(
            "logs.parser.format",
            "\"logfmt\"",
            r -> r.logged("fmt.log", "level=warn msg=M", "\"level\":\"warn\"")));
    c.put(
        "logs.parser.pattern",
        live(
            "logs.parser",
            "{\"format\": \"regex\", \"pattern\": \"^(?<level>[a-z]+) (?<message>.*)$\"}",
            r -> r.logged("re.log", "error M", "\"level\":\"error\"")));
    c.put(
        "logs.parser.timeField",
        live(
            "logs.parser.timeField",
            "\"when\"",
            r ->
                r.logged(
                    "t.log",
                    "{\"when\": \"2001-02-03T04:05:06Z\", \"message\": \"M\"}",
                    "2001-02-03T04:05:06Z")));
    c.put(
        "logs.parser.timeFormat",
        live(
            "logs.parser",
            "{\"format\": \"json\", \"timeField\": \"when\", \"timeFormat\": \"dd/MM/yyyy HH:mm:ss\"}",
            r ->
                r.logged(
                    "tf.log",
                    "{\"when\": \"03/02/2001 04:05:06\", \"message\": \"M\"}",
                    "2001-02-03T04:05:06Z")));
    c.put(
        "logs.parser.levelField",
        live(
            "logs.parser.levelField",
            "\"sev\"",
            r ->
                r.logged(
                    "lv.log", "{\"sev\": \"error\", \"message\": \"M\"}", "\"level\":\"error\"")));
    c.put(
        "logs.traceCorrelation.traceIdFields",
        live(
            "logs.traceCorrelation.traceIdFields",
            "[\"tid\"]",
            r ->
                r.logged(
                    "tid.log",
                    "{\"tid\": \"" + TRACE_ID + "\", \"message\": \"M\"}",
                    "\"trace_id\":\"" + TRACE_ID)));
    c.put(
        "logs.traceCorrelation.spanIdFields",
        live(
            "logs.traceCorrelation",
            "{\"traceIdFields\": [\"trace_id\"], \"spanIdFields\": [\"sid\"]}",
            r ->
                r.logged(
                    "sid.log",
                    "{\"trace_id\": \""
                        + TRACE_ID
                        + "\", \"sid\": \""
                        + SPAN_ID
                        + "\", \"message\": \"M\"}",
                    "\"span_id\":\"" + SPAN_ID)));
    c.put(
        "logs.traceCorrelation.pattern",
        live(
            "logs.traceCorrelation.pattern",
            "\"tp=(?<traceId>[0-9a-f]{32})\"",
            r ->
                r.logged(
                    "tp.log",
                    "{\"message\": \"M tp=" + TRACE_ID + "\"}",
                    "\"trace_id\":\"" + TRACE_ID)));
    c.put(
        "logs.podLabels",
        live(
            "logs.podLabels",
            "[\"team\"]",
            r -> r.logged("pl.log", "{\"message\": \"M\"}", "checkout")));
    c.put(
        "logs.recordLayout",
        live(
            "logs.recordLayout",
            "\"fluent-bit\"",
            r -> r.logged("rl.log", "{\"message\": \"M\"}", "\"kubernetes\":{\"pod_name\":")));
    c.put(
        "logs.outputs.stdout",
        live("logs.outputs.stdout", "true", r -> r.loggedToStdout("so.log")));
    // A changed output setting rebuilds the outputs: the next batch comes on a new connection.
    c.put(
        "logs.outputs.retryInitialBackoff",
        live(
            "logs.outputs.retryInitialBackoff",
            "\"2s\"",
            r -> r.newConnectionFor("/logs", "ri.log")));
    c.put(
        "logs.outputs.retryMaxBackoff",
        live("logs.outputs.retryMaxBackoff", "\"2m\"", r -> r.newConnectionFor("/logs", "rm.log")));
    String forwardTo =
        "{\"host\": \"127.0.0.1\", \"port\": " + forward.actualPort() + ", \"tag\": \"case-tag\"";
    Probe forwarded = r -> r.forwardedAfterWriting("fw.log", "case-tag");
    for (String field : List.of("host", "port", "tag", "connectTimeout", "ackTimeout")) {
      c.put(
          "logs.outputs.forward." + field,
          live("logs.outputs.forward", forwardTo + "}", forwarded));
    }
    c.put(
        "logs.outputs.forward.requireAck",
        live(
            "logs.outputs.forward",
            forwardTo + ", \"requireAck\": true}",
            r -> r.forwardedAfterWriting("ack.log", "chunk")));
    // TLS towards a plain listener: the ClientHello (0x16 0x03) is what arrives.
    Probe hello = r -> r.forwardedAfterWriting("tls.log", "\u0016\u0003");
    c.put(
        "logs.outputs.forward.tls",
        live("logs.outputs.forward", forwardTo + ", \"tls\": true}", hello));
    c.put(
        "logs.outputs.forward.caFile",
        live(
            "logs.outputs.forward",
            forwardTo + ", \"tls\": true, \"caFile\": \"" + caFile + "\"}",
            hello));
    String otlpLogs =
        "{\"endpoint\": "
            + sinkUrl("/ol")
            + ", \"headers\": {\"x-case\": \"h\"}, \"timeout\": \"3s\"}";
    for (String field : List.of("endpoint", "headers", "timeout")) {
      c.put(
          "logs.outputs.otlp." + field,
          live(
              "logs.outputs.otlp",
              otlpLogs,
              r -> r.postedAfterWriting("ol-" + field + ".log", "/ol/v1/logs", "x-case")));
    }
    String loki =
        "{\"url\": "
            + sinkUrl("/loki")
            + ", \"labels\": {\"case\": \"l\"}, \"tenantId\": \"t1\", \"timeout\": \"3s\", \"structuredMetadata\": false}";
    for (String field : List.of("url", "labels", "tenantId", "timeout", "structuredMetadata")) {
      c.put(
          "logs.outputs.loki." + field,
          live(
              "logs.outputs.loki",
              loki,
              r ->
                  r.postedAfterWriting(
                      "lk-" + field + ".log", "/loki/loki/api/v1/push", "x-scope-orgid")));
    }
    c.put(
        "logs.outputs.http.url",
        live(
            "logs.outputs.http.url",
            sinkUrl("/logs2"),
            r -> r.postedAfterWriting("h2.log", "/logs2", null)));
    c.put(
        "logs.outputs.http.headers",
        live(
            "logs.outputs.http.headers",
            "{\"x-case\": \"h\"}",
            r -> r.postedAfterWriting("hh.log", "/logs", "x-case")));
    c.put(
        "logs.outputs.http.timeout",
        live("logs.outputs.http.timeout", "\"4s\"", r -> r.newConnectionFor("/logs", "ht.log")));

    c.put(
        "tracing.enabled",
        live(
            "tracing.enabled",
            "false",
            r -> r.status("/components/tracing/state").equals("disabled")));
    c.put(
        "tracing.samplingRatio",
        live(
            "tracing.samplingRatio",
            "0.25",
            r -> r.status("/components/tracing/samplingRatio").equals("0.25")));
    c.put(
        "tracing.propagators",
        live(
            "tracing.propagators",
            "[\"b3\"]",
            r ->
                r.proxied("/p") == 200
                    && app.since(r.changedAt, "/p").stream()
                        .anyMatch(q -> q.headers.containsKey("b3"))));
    restart(c, "tracing.serviceName", "\"other\"");
    restart(c, "tracing.resourceAttributes", "{\"a\": \"b\"}");
    restart(c, "tracing.wellKnownLabels", "true");
    // GET no longer known: its spans record _OTHER.
    c.put(
        "tracing.httpKnownMethods",
        live(
            "tracing.httpKnownMethods",
            "[\"POST\"]",
            r ->
                r.proxied("/known") == 200
                    && sink.since(r.changedAt, "/traces/v1/traces").stream()
                        .anyMatch(q -> q.body.contains("_OTHER"))));
    c.put(
        "tracing.exporter.protocol",
        live(
            "tracing.exporter",
            "{\"protocol\": \"zipkin\", \"endpoint\": " + sinkUrl("/zipkin") + "}",
            r -> r.spansArriveAt("/zipkin")));
    c.put(
        "tracing.exporter.endpoint",
        live(
            "tracing.exporter.endpoint",
            sinkUrl("/traces2"),
            r -> r.spansArriveAt("/traces2/v1/traces")));
    c.put(
        "tracing.exporter.headers",
        live(
            "tracing.exporter.headers",
            "{\"x-case\": \"h\"}",
            r ->
                r.spansArriveAt("/traces/v1/traces")
                    && sink.since(r.changedAt, "/traces/v1/traces").stream()
                        .anyMatch(q -> q.headers.containsKey("x-case"))));
    // The kubelet fills the variables at the pod's start: a new secret header needs a new pod.
    restart(
        c,
        "tracing.exporter.secretHeaders",
        "[{\"header\": \"Authorization\", \"secretName\": \"auth\", \"secretKey\": \"h\"}]");
    c.put(
        "tracing.exporter.timeout",
        live(
            "tracing.exporter.timeout",
            "\"4s\"",
            r -> r.proxied("/x") == 200 && r.newConnection("/traces/v1/traces")));

    restart(c, "health.rewriteProbes", "false");
    c.put(
        "health.readinessIncludesApp",
        live(
            "health.readinessIncludesApp",
            "false",
            r -> r.get(r.ports.telemetry(), "/readyz") == 200));
    c.put(
        "health.probeTimeout",
        live(
            "health.probeTimeout",
            "\"100ms\"",
            r -> r.get(r.ports.telemetry(), "/app-health/app/livez") == 503));
    return c;
  }

  // ---------------------------------------------------------------------------------------------

  @Test
  void everyFieldChangedLiveIsAppliedOrReportedAsNeedingARestart() throws Exception {
    Map<String, Case> cases = cases();
    Set<String> fields = leaves(SidecarConfig.class, "");
    assertThat(new TreeSet<>(cases.keySet())).as("one case per field").isEqualTo(fields);
    List<String> wrong = new ArrayList<>();
    for (String field : fields) {
      try {
        cases.get(field).check(field);
      } catch (AssertionError | Exception e) {
        wrong.add(field + ": " + e.getMessage().lines().findFirst().orElse(""));
      }
    }
    assertThat(wrong).as("fields that were neither applied nor reported").isEmpty();
  }

  /** Starting with a config is applying it: what a reload turns off stays off at start too. */
  @Test
  void aSidecarStartedWithMetricsOffRunsNoMetricsExporter() throws Exception {
    try (Running r = Running.start(base(), json -> set(json, "metrics.enabled", "false"))) {
      Thread.sleep(2000);
      assertThat(sink.since(r.changedAt, "/pg/")).as("no push to the Pushgateway").isEmpty();
      assertThat(sink.since(r.changedAt, "/rw")).as("no remote write").isEmpty();
      assertThat(sink.since(r.changedAt, "/otlp/v1/metrics")).as("no OTLP metrics").isEmpty();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The base config every case starts from.

  private static ObjectNode base() throws IOException {
    Files.createDirectories(dir.resolve("logs"));
    String json =
        """
        {
          "policy": "ns/base",
          "proxy": {"appPorts": [%1$d], "drainTimeout": "200ms"},
          "metrics": {
            "scrape": {"port": %1$d, "path": "/metrics", "interval": "300ms", "timeout": "5s"},
            "pushgateway": {"url": %2$s, "job": "base-job", "interval": "1h"},
            "remoteWrite": {"url": %3$s, "interval": "1h", "queueCapacity": 1000},
            "otlp": {"endpoint": %4$s, "interval": "1h"},
            "statsd": {"port": %5$d}
          },
          "logs": {
            "enabled": true, "directory": "%6$s", "paths": ["*.log"],
            "parser": {"format": "json"},
            "outputs": {"http": {"url": %7$s}, "retryInitialBackoff": "100ms", "retryMaxBackoff": "1s"}
          },
          "tracing": {"samplingRatio": 1.0, "exporter": {"protocol": "otlp-http", "endpoint": %8$s}},
          "health": {"readinessIncludesApp": true}
        }
        """
            .formatted(
                app.port,
                sinkUrl("/pg"),
                sinkUrl("/rw"),
                sinkUrl("/otlp"),
                freeUdpPort(),
                dir.resolve("logs"),
                sinkUrl("/logs"),
                sinkUrl("/traces"));
    return (ObjectNode) JSON.readTree(json);
  }

  private static String sinkUrl(String path) {
    return "\"http://127.0.0.1:" + sink.port + path + "\"";
  }

  // ---------------------------------------------------------------------------------------------
  // Cases and how they are checked.

  /** What a case observes on a running sidecar after its change was applied. */
  interface Probe {
    boolean holds(Running r) throws Exception;
  }

  interface Case {
    void check(String field) throws Exception;
  }

  private Case live(String path, String value, Probe effect) {
    return field -> {
      try (Running r = Running.start(base(), json -> {})) {
        r.change(json -> set(json, path, value));
        assertThat(r.statusNode().at("/config/restartRequired"))
            .as("nothing reported as needing a restart")
            .isEmpty();
        try {
          await()
              .atMost(Duration.ofSeconds(6))
              .pollInterval(Duration.ofMillis(100))
              .until(() -> effect.holds(r));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
          throw new AssertionError("reported as applied live, but no effect was seen");
        }
      }
    };
  }

  private static void restart(Map<String, Case> cases, String path, String value) {
    restart(cases, path, path, value);
  }

  private static void restart(Map<String, Case> cases, String field, String path, String value) {
    cases.put(
        field,
        f -> {
          try (Running r = Running.start(base(), json -> {})) {
            JsonNode before = r.config().at(pointer(path));
            r.change(json -> set(json, path, value));
            JsonNode reported = r.statusNode().at("/config/restartRequired");
            List<String> names = new ArrayList<>();
            reported.forEach(n -> names.add(n.asText()));
            assertThat(names.stream().anyMatch(n -> f.equals(n) || f.startsWith(n + ".")))
                .as("restartRequired %s names %s", names, f)
                .isTrue();
            assertThat(r.config().at(pointer(path)))
                .as("the running value is kept")
                .isEqualTo(before);
          }
        });
  }

  private static Case rejected(String path, String value) {
    return field -> {
      try (Running r = Running.start(base(), json -> {})) {
        r.write(json -> set(json, path, value));
        await()
            .atMost(Duration.ofSeconds(5))
            .until(() -> r.statusNode().at("/config/lastError").isTextual());
      }
    };
  }

  private static Probe configShows(String text) {
    return r -> r.config().toString().contains(text);
  }

  // ---------------------------------------------------------------------------------------------

  /** Dotted names of every leaf of a config record, found by reflection. */
  static Set<String> leaves(Class<?> type, String prefix) {
    Set<String> names = new TreeSet<>();
    for (RecordComponent field : type.getRecordComponents()) {
      Class<?> t = field.getType();
      if (t.isRecord() && t.getPackageName().equals("io.outrigger.config")) {
        names.addAll(leaves(t, prefix + field.getName() + "."));
      } else {
        names.add(prefix + field.getName());
      }
    }
    return names;
  }

  static void set(ObjectNode root, String path, String json) {
    String[] parts = path.split("\\.");
    ObjectNode node = root;
    for (int i = 0; i < parts.length - 1; i++) {
      node =
          node.has(parts[i]) && node.get(parts[i]).isObject()
              ? (ObjectNode) node.get(parts[i])
              : node.putObject(parts[i]);
    }
    try {
      node.set(parts[parts.length - 1], JSON.readTree(json));
    } catch (IOException e) {
      throw new IllegalArgumentException(json, e);
    }
  }

  static String pointer(String path) {
    return "/" + path.replace('.', '/');
  }

  static long counter(String exposition, String name) {
    return exposition
        .lines()
        .filter(l -> l.startsWith(name))
        .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  static int freeUdpPort() {
    try (DatagramSocket socket = new DatagramSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---------------------------------------------------------------------------------------------

  /** A sidecar in this JVM on a free port range, with its config file. */
  static final class Running implements AutoCloseable {
    final Sidecar sidecar;
    final PortLayout ports;
    final Path file;
    final ObjectNode config;
    volatile long changedAt;
    private static final AtomicInteger CASES = new AtomicInteger();
    private final String logPrefix = "c" + CASES.incrementAndGet() + "-";

    private Running(Sidecar sidecar, PortLayout ports, Path file, ObjectNode config, long since) {
      this.sidecar = sidecar;
      this.ports = ports;
      this.file = file;
      this.config = config;
      this.changedAt = since;
    }

    static Running start(ObjectNode config, java.util.function.Consumer<ObjectNode> first)
        throws Exception {
      first.accept(config);
      Path file = Files.createTempFile(dir, "sidecar", ".json");
      Files.writeString(file, config.toString());
      Path labels = dir.resolve("labels");
      Files.writeString(labels, "team=\"checkout\"\napp=\"shop\"\n");
      String probes =
          """
          {"app/readyz": {"httpGet": {"path": "/not-ready", "port": %1$d}},
           "app/livez": {"httpGet": {"path": "/slow", "port": %1$d}}}
          """
              .formatted(app.port);
      Map<String, String> env = new HashMap<>();
      env.put("POD_NAME", "p");
      env.put("POD_NAMESPACE", "ns");
      env.put("NODE_NAME", "n");
      // The downward API directory the webhook mounts: its labels file.
      env.put("OUTRIGGER_PODINFO_DIR", dir.toString());
      env.put("OUTRIGGER_APP_PROBES", probes);
      long since = System.nanoTime();
      for (int attempt = 0; ; attempt++) {
        PortLayout ports = freeLayout();
        Sidecar.Options options =
            new Sidecar.Options(
                new ConfigSource(file, env), env, ports, "127.0.0.1", 1, Duration.ofMillis(100));
        try {
          Sidecar sidecar =
              Sidecar.start(options)
                  .toCompletionStage()
                  .toCompletableFuture()
                  .get(30, TimeUnit.SECONDS);
          return new Running(sidecar, ports, file, config, since);
        } catch (java.util.concurrent.ExecutionException e) {
          if (attempt > 5) {
            throw e;
          }
        }
      }
    }

    /** Writes the config with {@code change} and waits until the sidecar has reloaded it. */
    void change(java.util.function.Consumer<ObjectNode> change) throws Exception {
      int reloads = statusNode().at("/config/reloads").asInt();
      // What happens from the write on counts: an exporter re-armed by the reload sends at once.
      changedAt = System.nanoTime();
      write(change);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> statusNode().at("/config/reloads").asInt() > reloads);
    }

    /** Replaces the file at once, as the kubelet does, so the sidecar never reads half of it. */
    void write(java.util.function.Consumer<ObjectNode> change) throws IOException {
      change.accept(config);
      Path next = Files.createTempFile(dir, "next", ".json");
      Files.writeString(next, config.toString());
      Files.move(next, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    JsonNode statusNode() throws Exception {
      return JSON.readTree(body(ports.admin(), "/status"));
    }

    String status(String pointer) throws Exception {
      return statusNode().at(pointer).asText();
    }

    JsonNode config() throws Exception {
      return JSON.readTree(body(ports.admin(), "/config"));
    }

    String metrics() throws Exception {
      return body(ports.telemetry(), "/metrics");
    }

    int proxied(String path) throws Exception {
      return get(ports.inbound(0), path);
    }

    int get(int port, String path) throws Exception {
      return HTTP.send(request(port, path), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    String body(int port, String path) throws Exception {
      return HTTP.send(request(port, path), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static HttpRequest request(int port, String path) {
      return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
          .timeout(Duration.ofSeconds(5))
          .build();
    }

    boolean received(String pathPrefix) {
      return !sink.since(changedAt, pathPrefix).isEmpty();
    }

    /** No request to {@code pathPrefix} for {@code window} (from now). */
    boolean quiet(String pathPrefix, Duration window) throws InterruptedException {
      long from = System.nanoTime();
      Thread.sleep(window.toMillis());
      return sink.since(from, pathPrefix).isEmpty();
    }

    int countWithin(Recorder recorder, String pathPrefix, Duration window)
        throws InterruptedException {
      long from = System.nanoTime();
      Thread.sleep(window.toMillis());
      return recorder.since(from, pathPrefix).size();
    }

    /** Appends {@code line} to a log file; true once the HTTP log sink got {@code expected}. */
    boolean logged(String name, String line, String expected) throws Exception {
      Path log = dir.resolve("logs").resolve(logPrefix + name);
      String marked = line.replace("M", logPrefix + "mark");
      if (!Files.exists(log)) {
        Files.writeString(log, marked + "\n");
      }
      String want = expected.replace("M", logPrefix + "mark");
      return sink.since(changedAt, "/logs").stream()
          .anyMatch(q -> q.body.contains(want) && q.body.contains(logPrefix + "mark"));
    }

    boolean loggedToStdout(String name) throws Exception {
      Path log = dir.resolve("logs").resolve(logPrefix + name);
      if (!Files.exists(log)) {
        Files.writeString(log, "{\"message\": \"" + logPrefix + "out\"}\n");
      }
      synchronized (stdout) {
        return stdout.toString(StandardCharsets.UTF_8).contains(logPrefix + "out");
      }
    }

    /**
     * After writing a line, the HTTP sink got a batch for {@code path} on a connection new since
     * the change.
     */
    boolean newConnectionFor(String path, String name) throws Exception {
      logged(name, "{\"message\": \"M\"}", "M");
      return newConnection(path);
    }

    boolean newConnection(String path) {
      Set<Integer> before = sink.connectionsBefore(changedAt);
      return sink.since(changedAt, path).stream().anyMatch(q -> !before.contains(q.connection));
    }

    boolean postedAfterWriting(String name, String path, String header) throws Exception {
      logged(name, "{\"message\": \"M\"}", "\u0000never");
      return sink.since(changedAt, path).stream()
          .anyMatch(q -> header == null || q.headers.containsKey(header));
    }

    boolean forwardedAfterWriting(String name, String expected) throws Exception {
      int seen = forwardBytes.size();
      logged(name, "{\"message\": \"M\"}", "\u0000never");
      return forwardBytes.stream().skip(Math.max(0, seen - 50)).anyMatch(b -> b.contains(expected));
    }

    boolean spansArriveAt(String path) throws Exception {
      proxied("/span");
      return received(path);
    }

    private static PortLayout freeLayout() {
      while (true) {
        int base = ThreadLocalRandom.current().nextInt(20_000, 60_000);
        PortLayout layout = new PortLayout(base);
        if (free(layout.admin())
            && free(layout.outbound())
            && free(layout.inbound(0))
            && free(layout.telemetry())) {
          return layout;
        }
      }
    }

    private static boolean free(int port) {
      try (ServerSocket socket = new ServerSocket(port)) {
        return true;
      } catch (IOException e) {
        return false;
      }
    }

    @Override
    public void close() {
      sidecar.shutdown();
    }
  }

  /** Copies what is written to two streams. */
  static final class TeeStream extends java.io.OutputStream {
    private final java.io.OutputStream a;
    private final java.io.OutputStream b;

    TeeStream(java.io.OutputStream a, java.io.OutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public void write(int c) throws IOException {
      a.write(c);
      b.write(c);
    }

    @Override
    public void write(byte[] bytes, int off, int len) throws IOException {
      a.write(bytes, off, len);
      b.write(bytes, off, len);
    }
  }

  /**
   * An HTTP server that records every request (path, headers, body, connection) and answers as the
   * app would: {@code /slow} after 400 ms, {@code /not-ready} 500, {@code /metrics} a small
   * exposition.
   */
  static final class Recorder {
    record Request(
        long at, String path, Map<String, String> headers, String body, int connection) {}

    final List<Request> requests = new CopyOnWriteArrayList<>();
    final Map<HttpConnection, Integer> connections = new ConcurrentHashMap<>();
    final Map<Integer, Long> openedAt = new ConcurrentHashMap<>();
    final int port;
    private final AtomicInteger ids = new AtomicInteger();

    Recorder(Vertx vertx, int port) throws Exception {
      HttpServer server =
          vertx
              .createHttpServer()
              .connectionHandler(
                  c -> {
                    int id = ids.incrementAndGet();
                    connections.put(c, id);
                    openedAt.put(id, System.nanoTime());
                  })
              .requestHandler(
                  request ->
                      request
                          .body()
                          .onSuccess(
                              body -> {
                                Map<String, String> headers = new HashMap<>();
                                request
                                    .headers()
                                    .forEach(
                                        h -> headers.put(h.getKey().toLowerCase(), h.getValue()));
                                String path = request.path();
                                requests.add(
                                    new Request(
                                        System.nanoTime(),
                                        path,
                                        headers,
                                        body.toString(StandardCharsets.ISO_8859_1),
                                        connections.getOrDefault(request.connection(), -1)));
                                var response = request.response();
                                switch (path) {
                                  case "/slow" -> vertx.setTimer(400, t -> response.end("slow"));
                                  case "/not-ready" -> response.setStatusCode(500).end();
                                  case "/metrics" ->
                                      response.end(
                                          (this == otherApp ? "other_app_up 1\n" : "app_up 1\n")
                                              + "app_series{v=\"a-long-value\"} 1\n"
                                              + "app_series{v=\"b\"} 2\n");
                                  case "/metrics2" -> response.end("second_path_up 1\n");
                                  default -> response.end("ok");
                                }
                              }));
      this.port =
          server
              .listen(port, "127.0.0.1")
              .toCompletionStage()
              .toCompletableFuture()
              .get(10, TimeUnit.SECONDS)
              .actualPort();
    }

    List<Request> since(long nanos, String pathPrefix) {
      return requests.stream().filter(r -> r.at >= nanos && r.path.startsWith(pathPrefix)).toList();
    }

    Set<Integer> connectionsBefore(long nanos) {
      Set<Integer> ids = new java.util.HashSet<>();
      openedAt.forEach(
          (id, at) -> {
            if (at < nanos) {
              ids.add(id);
            }
          });
      return ids;
    }
  }
}
