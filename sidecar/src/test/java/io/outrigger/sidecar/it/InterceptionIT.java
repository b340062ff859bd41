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
 * Inbound interception in network namespaces (issue 9, "Must show" 1, 4, 5): {@code
 * outrigger-sidecar init} programs the pod's rules, a client in another namespace calls the app's
 * port, and the request passes the sidecar or not. Needs root; fails saying so otherwise.
 */
class InterceptionIT {
  private static PodNetwork network;
  private static OtlpSink sink;

  @BeforeAll
  static void pod() throws Exception {
    network = PodNetwork.create();
    sink = new OtlpSink(PodNetwork.SINK_IP);
    network.startSidecar(
        "tracing:\n  samplingRatio: 1.0\n  serviceName: shop\n"
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
      "--exclude-outbound-cidrs=192.0.2.12/30",
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
            "bin/outrigger-sidecar",
            "init",
            "--inbound-ports=8080");
    assertThat(dropped.code()).as(dropped.output()).isEqualTo(3);
    assertThat(dropped.output())
        .contains(
            "outrigger-sidecar init: cannot program iptables: this container lacks the NET_ADMIN capability");
    // An unprivileged user namespace: "root" with every capability, but not over this network.
    NetworkLab.Result userns =
        network.inPod(
            "unshare", "-U", "-r", "bin/outrigger-sidecar", "init", "--inbound-ports=8080");
    assertThat(userns.code()).as(userns.output()).isEqualTo(3);
    assertThat(userns.output()).contains("lacks the NET_ADMIN capability");
    assertThat(RulesetRendererView.own(network)).as("nothing was applied").isEmpty();
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
