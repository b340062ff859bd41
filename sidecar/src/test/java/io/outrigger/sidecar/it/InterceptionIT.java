package io.outrigger.sidecar.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.outrigger.sidecar.metrics.exposition.ExpositionParser;
import io.outrigger.sidecar.metrics.exposition.Sample;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Inbound interception in network namespaces: {@code outrigger-sidecar init} programs the pod's
 * rules, a client in another namespace calls the app's port, and the request passes the sidecar or
 * not. Needs root; fails saying so otherwise.
 */
class InterceptionIT {
  private static PodNetwork network;
  private static OtlpSink sink;

  @BeforeAll
  static void pod() throws Exception {
    network = PodNetwork.create();
    sink = new OtlpSink(PodNetwork.SINK_IP);
    network.startSidecar(
        "proxy:\n  outbound: {enabled: true}\n"
            + "tracing:\n  samplingRatio: 1.0\n  serviceName: shop\n"
            + "  exporter: {protocol: otlp-http, endpoint: \""
            + sink.endpoint()
            + "\"}\n",
        Map.of("OUTRIGGER_INBOUND_PORTS", String.valueOf(PodNetwork.APP_PORT)));
  }

  @AfterAll
  static void stop() throws Exception {
    if (sink != null) {
      sink.close();
    }
    if (network != null) {
      network.close();
    }
  }

  @BeforeEach
  void noRules() throws Exception {
    network.clearRules();
  }

  @Test
  void withTheRulesTheAppsPortPassesTheSidecarAndWithoutThemItDoesNot() throws Exception {
    String url = "http://" + PodNetwork.POD_IP + ":" + PodNetwork.APP_PORT + "/direct";
    assertThat(network.callFromClient(url)).isEqualTo("app\n");
    String[] direct = last("app", "/direct");
    assertThat(direct[1]).as("traceparent without rules").isEqualTo("-");
    assertThat(direct[2]).as("x-request-id without rules").isEqualTo("-");
    double before = inboundRequests();

    NetworkLab.Result init = network.init("--inbound-ports=" + PodNetwork.APP_PORT);
    assertThat(init.code()).as(init.output()).isZero();
    assertThat(init.output())
        .contains("-A OUTRIGGER_INBOUND -p tcp -m tcp --dport 8080 -j REDIRECT --to-ports 15006");

    url = "http://" + PodNetwork.POD_IP + ":" + PodNetwork.APP_PORT + "/intercepted";
    assertThat(network.callFromClient(url)).isEqualTo("app\n");
    String[] intercepted = last("app", "/intercepted");
    assertThat(intercepted[1])
        .as("traceparent the sidecar set")
        .matches("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");
    assertThat(intercepted[2]).as("x-request-id the sidecar set").isNotEqualTo("-");
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(inboundRequests()).isEqualTo(before + 1));
    String traceId = intercepted[1].substring(3, 35);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(
                        sink.received.stream()
                            .flatMap(r -> r.getScopeSpansList().stream())
                            .flatMap(s -> s.getSpansList().stream())
                            .map(s -> hex(s.getTraceId().toByteArray())))
                    .contains(traceId));
  }

  @Test
  void portModeNeedsNoRulesTheMovedPortNameLeadsToTheListener() throws Exception {
    // In port mode the webhook gives the app's port name to the sidecar's containerPort 15006, so
    // a Service targeting the name sends clients to 15006: no iptables, no privileges.
    double before = inboundRequests();
    network.callFromClient("http://" + PodNetwork.POD_IP + ":15006/port-mode");
    assertThat(last("app", "/port-mode")[1]).as("traceparent").isNotEqualTo("-");
    assertThat(RulesetRendererView.own(network)).isEmpty();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(inboundRequests()).isEqualTo(before + 1));
  }

  @Test
  void skippedPortsBypassTheSidecar() throws Exception {
    NetworkLab.Result init =
        network.init(
            "--inbound-ports=" + PodNetwork.APP_PORT,
            "--skip-inbound-ports=" + PodNetwork.SKIPPED_PORT);
    assertThat(init.code()).as(init.output()).isZero();
    double before = inboundRequests();
    network.callFromClient(
        "http://" + PodNetwork.POD_IP + ":" + PodNetwork.SKIPPED_PORT + "/skipped");
    String[] skipped = last("app", "/skipped");
    assertThat(skipped[0]).isEqualTo(String.valueOf(PodNetwork.SKIPPED_PORT));
    assertThat(skipped[1]).as("traceparent on a skipped port").isEqualTo("-");
    network.callFromClient("http://" + PodNetwork.POD_IP + ":" + PodNetwork.APP_PORT + "/after");
    assertThat(last("app", "/after")[1]).isNotEqualTo("-");
    // Only the intercepted call was counted: the skipped one never reached the sidecar.
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(inboundRequests()).isEqualTo(before + 1));
  }

  @Test
  void runningInitTwiceLeavesTheSameRuleset() throws Exception {
    String[] args = {
      "--inbound-ports=8080,8081",
      "--skip-inbound-ports=9100",
      "--capture-outbound",
      "--exclude-outbound-cidrs=203.0.113.252/30",
      "--exclude-outbound-ports=5432"
    };
    assertThat(network.init(args).code()).isZero();
    String first = network.inPod("iptables-save", "-t", "nat").output();
    NetworkLab.Result again = network.init(args);
    assertThat(again.code()).as(again.output()).isZero();
    String second = network.inPod("iptables-save", "-t", "nat").output();
    List<String> own = io.outrigger.sidecar.interception.RulesetRenderer.ownLines(first);
    assertThat(own).hasSize(13);
    assertThat(io.outrigger.sidecar.interception.RulesetRenderer.ownLines(second)).isEqualTo(own);
    assertThat(second.lines().filter(l -> l.contains("-j OUTRIGGER_INBOUND")).count())
        .as("one jump from PREROUTING, not two")
        .isEqualTo(1);
  }

  @Test
  void initWithoutNetAdminFailsWithTheDocumentedMessage() throws Exception {
    // Capabilities dropped from the bounding set: root, but without NET_ADMIN/NET_RAW.
    NetworkLab.Result dropped =
        network.inPod(
            "setpriv",
            "--inh-caps=-all",
            "--bounding-set=-net_admin,-net_raw",
            "--",
            network.launcherPath(),
            "init",
            "--inbound-ports=8080");
    assertThat(dropped.code()).as(dropped.output()).isEqualTo(3);
    assertThat(dropped.output())
        .contains(
            "outrigger-sidecar init: cannot program iptables: this container lacks the NET_ADMIN capability");
    // An unprivileged user namespace: "root" with every capability, but not over this network.
    NetworkLab.Result userns =
        network.inPod(
            "unshare", "-U", "-r", network.launcherPath(), "init", "--inbound-ports=8080");
    assertThat(userns.code()).as(userns.output()).isEqualTo(3);
    assertThat(userns.output()).contains("lacks the NET_ADMIN capability");
    assertThat(RulesetRendererView.own(network)).as("nothing was applied").isEmpty();
  }

  @Test
  void theAppsCallsOutPassTheAmbassadorAndTheSidecarsOwnDoNot() throws Exception {
    NetworkLab.Result init =
        network.init("--inbound-ports=" + PodNetwork.APP_PORT, "--capture-outbound");
    assertThat(init.code()).as(init.output()).isZero();
    assertThat(init.output()).contains("-A OUTRIGGER_OUTPUT -p tcp -j REDIRECT --to-ports 15001");
    String destination = PodNetwork.SERVER_IP + ":" + PodNetwork.SERVER_PORT;
    double before = outboundRequests(destination);

    // client → sidecar (inbound) → nginx /out → proxy_pass to the server namespace, which
    // iptables sends to the ambassador; nginx forwards the traceparent the sidecar gave it.
    String body =
        network.callFromClient("http://" + PodNetwork.POD_IP + ":" + PodNetwork.APP_PORT + "/out");
    assertThat(body).isEqualTo("server\n");
    String[] atApp = last("app", "/out");
    String[] atServer = last("server", "/hello");
    String traceId = atApp[1].substring(3, 35);
    String serverSpanId = atApp[1].substring(36, 52);
    assertThat(atServer[1]).as("the server got the trace").startsWith("00-" + traceId + "-");
    String clientSpanId = atServer[1].substring(36, 52);
    assertThat(clientSpanId).as("a new span, the ambassador's").isNotEqualTo(serverSpanId);
    assertThat(atServer[3]).as("Host as the app sent it").isEqualTo(destination);

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              var client =
                  sink.received.stream()
                      .flatMap(r -> r.getScopeSpansList().stream())
                      .flatMap(s -> s.getSpansList().stream())
                      .filter(s -> hex(s.getSpanId().toByteArray()).equals(clientSpanId))
                      .findFirst();
              assertThat(client).as("client span exported").isPresent();
              assertThat(client.get().getKind())
                  .isEqualTo(io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_CLIENT);
              assertThat(hex(client.get().getParentSpanId().toByteArray()))
                  .as("child of the inbound server span")
                  .isEqualTo(serverSpanId);
            });
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(outboundRequests(destination))
                    .as("exactly once: no loop")
                    .isEqualTo(before + 1));
    // The sidecar's own connections (here: span export to this machine) are not captured.
    String metrics = network.sidecarMetrics();
    assertThat(sum(metrics, "outrigger_requests_total", Map.of("direction", "outbound")))
        .isEqualTo(before + 1);
    assertThat(network.sidecarLog()).doesNotContain("\"level\":\"ERROR\"");
  }

  @Test
  void nonHttpTrafficIsPassedThroughToItsOriginalDestination() throws Exception {
    NetworkLab.Result init =
        network.init("--inbound-ports=" + PodNetwork.APP_PORT, "--capture-outbound");
    assertThat(init.code()).as(init.output()).isZero();
    // Not HTTP: the ambassador cannot parse it, so it must reach the server byte for byte; the
    // server's own complaint (nginx's 400 page) coming back proves where it went.
    NetworkLab.Result raw =
        network.inPod(
            "timeout",
            "10",
            "bash",
            "-c",
            "exec 3<>/dev/tcp/"
                + PodNetwork.SERVER_IP
                + "/"
                + PodNetwork.SERVER_PORT
                + "; printf '\\x16\\x03\\x01hello\\r\\n\\r\\n' >&3; cat <&3");
    assertThat(raw.output()).contains("400 Bad Request").contains("nginx");
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(
                        sum(
                            network.sidecarMetrics(),
                            "outrigger_outbound_tcp_connections_total",
                            Map.of("outcome", "passthrough")))
                    .isGreaterThanOrEqualTo(1.0));
  }

  private static double outboundRequests(String destination) throws Exception {
    return sum(
        network.sidecarMetrics(),
        "outrigger_requests_total",
        Map.of("direction", "outbound", "destination", destination));
  }

  private static String[] last(String name, String uri) throws Exception {
    List<String[]> lines = network.requests(name);
    return lines.stream()
        .filter(l -> l.length == 5 && l[4].equals(uri))
        .reduce((a, b) -> b)
        .orElseThrow(
            () -> new AssertionError(uri + " not in the " + name + " log: " + lines.size()));
  }

  private static double inboundRequests() throws Exception {
    return sum(
        network.sidecarMetrics(),
        "outrigger_requests_total",
        Map.of("direction", "inbound", "listener", "8080"));
  }

  static double sum(String exposition, String name, Map<String, String> labels) throws Exception {
    return ExpositionParser.parse(
            exposition.getBytes(StandardCharsets.UTF_8),
            ExpositionParser.Format.PROMETHEUS_TEXT,
            new ExpositionParser.Limits(100_000, 4096))
        .families()
        .stream()
        .flatMap(f -> f.samples().stream())
        .filter(s -> s.name().equals(name))
        .filter(
            s -> labels.entrySet().stream().allMatch(e -> e.getValue().equals(s.label(e.getKey()))))
        .mapToDouble(Sample::value)
        .sum();
  }

  private static String hex(byte[] bytes) {
    StringBuilder text = new StringBuilder();
    for (byte b : bytes) {
      text.append(String.format("%02x", b));
    }
    return text.toString();
  }

  /** Outrigger's lines in the pod's nat table. */
  static final class RulesetRendererView {
    static List<String> own(PodNetwork network) throws Exception {
      return io.outrigger.sidecar.interception.RulesetRenderer.ownLines(
          network.inPod("iptables-save", "-t", "nat").output());
    }
  }
}
