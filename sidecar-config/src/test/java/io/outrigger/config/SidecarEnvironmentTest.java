package io.outrigger.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SidecarEnvironmentTest {

  /** A policy's config: its own port lists, shared by every pod of the policy. */
  private static SidecarConfig policy(List<Integer> inbound, List<Integer> skipped) {
    SidecarConfig defaults = SidecarConfig.defaults();
    SidecarConfig.ProxyConfig p = defaults.proxy();
    return defaults.withProxy(
        new SidecarConfig.ProxyConfig(
            p.enabled(),
            inbound,
            skipped,
            p.connectTimeout(),
            p.requestTimeout(),
            p.idleTimeout(),
            p.drainTimeout(),
            p.maxHeaderBytes(),
            p.maxConnectionsPerPort(),
            p.rateLimit(),
            p.tls(),
            p.routePatterns(),
            p.outbound()));
  }

  @Test
  void thePodsPortsAreTheListenersInTheirOrder() {
    SidecarConfig config =
        SidecarEnvironment.apply(
            policy(List.of(), List.of()), Map.of("OUTRIGGER_INBOUND_PORTS", "8080, 9090"));
    assertThat(config.proxy().listenerAppPorts()).containsExactly(8080, 9090);
  }

  @Test
  void thePolicysSkipListDoesNotShiftThePodsListeners() {
    // The webhook already removed the skipped ports it chose (the pod's annotation here); port i
    // of its list is redirected to 15006 + i, so the sidecar must listen for exactly that list.
    SidecarConfig config =
        SidecarEnvironment.apply(
            policy(List.of(), List.of(9100)), Map.of("OUTRIGGER_INBOUND_PORTS", "9100,8080"));
    assertThat(config.proxy().listenerAppPorts()).containsExactly(9100, 8080);
  }

  @Test
  void anEmptyListFromTheWebhookMeansNoListeners() {
    SidecarConfig config =
        SidecarEnvironment.apply(
            policy(List.of(9100), List.of()), Map.of("OUTRIGGER_INBOUND_PORTS", ""));
    assertThat(config.proxy().listenerAppPorts()).isEmpty();
  }

  @Test
  void withoutTheVariableTheConfigDecides() {
    SidecarConfig config =
        SidecarEnvironment.apply(policy(List.of(80, 9100), List.of(9100)), Map.of());
    assertThat(config.proxy().listenerAppPorts()).containsExactly(80);
  }

  @Test
  void aBadPortIsNamed() {
    assertThatThrownBy(
            () ->
                SidecarEnvironment.apply(
                    SidecarConfig.defaults(), Map.of("OUTRIGGER_INBOUND_PORTS", "8080,http")))
        .hasMessage("OUTRIGGER_INBOUND_PORTS: 'http' is not a port number");
    assertThatThrownBy(() -> SidecarEnvironment.scrapePort(Map.of("OUTRIGGER_SCRAPE_PORT", "x")))
        .hasMessage("OUTRIGGER_SCRAPE_PORT: 'x' is not a port number");
  }

  /** The {@code outrigger.io/log-paths} annotation reaches the sidecar as this variable. */
  @Test
  void thePodsLogPathsReplaceThePolicys() {
    SidecarConfig config =
        SidecarEnvironment.apply(
            SidecarConfig.defaults(),
            Map.of("OUTRIGGER_LOG_PATHS", "/var/log/app/a.log, /var/log/app/b/*.log"));
    assertThat(config.logs().paths()).containsExactly("/var/log/app/a.log", "/var/log/app/b/*.log");
    assertThat(SidecarEnvironment.apply(SidecarConfig.defaults(), Map.of()).logs().paths())
        .isEqualTo(SidecarConfig.defaults().logs().paths());
  }
}
