package io.outrigger.sidecar.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.outrigger.config.SidecarConfig;
import io.outrigger.config.SidecarConfigCodec;
import org.junit.jupiter.api.Test;

class ReloadPlanTest {
  private static final SidecarConfig BASE = SidecarConfig.defaults();

  private static SidecarConfig with(String yaml) {
    return SidecarConfigCodec.readYaml(yaml, "test.yaml");
  }

  @Test
  void theSameConfigChangesNothing() {
    assertThat(ReloadPlan.between(BASE, with("")).changed()).isFalse();
  }

  @Test
  void samplingRateLimitsTimeoutsAndExportersApplyLive() {
    SidecarConfig next =
        with(
            """
            proxy: {requestTimeout: 5s, rateLimit: {requestsPerSecond: 10, burst: 10}, routePatterns: ["/a/{b}"]}
            tracing: {samplingRatio: 0.5, propagators: [b3], exporter: {protocol: zipkin, endpoint: "http://z:9411/api/v2/spans"}}
            metrics: {maxSeries: 10}
            """);
    ReloadPlan plan = ReloadPlan.between(BASE, next);
    assertThat(plan.live())
        .containsExactly(
            "proxy.requestTimeout",
            "proxy.rateLimit",
            "proxy.routePatterns",
            "tracing.samplingRatio",
            "tracing.propagators",
            "tracing.exporter",
            "metrics");
    assertThat(plan.restartRequired()).isEmpty();
    assertThat(ReloadPlan.effective(BASE, next)).isEqualTo(next);
  }

  @Test
  void logParsingEnrichmentAndOutputsApplyLiveTheDirectoryAndBufferNeedARestart() {
    SidecarConfig running = with("logs: {enabled: true, paths: [a.log]}");
    SidecarConfig next =
        with(
            """
            logs:
              enabled: true
              directory: /elsewhere
              bufferLines: 500
              paths: [b.log]
              parser: {format: json}
              podLabels: [app]
              outputs: {forward: {host: fluentd}}
            """);
    ReloadPlan plan = ReloadPlan.between(running, next);
    assertThat(plan.restartRequired()).containsExactly("logs.directory", "logs.bufferLines");
    assertThat(plan.live()).containsExactly("logs");
    SidecarConfig effective = ReloadPlan.effective(running, next);
    assertThat(effective.logs().directory()).isEqualTo(running.logs().directory());
    assertThat(effective.logs().bufferLines()).isEqualTo(running.logs().bufferLines());
    assertThat(effective.logs().paths()).containsExactly("b.log");
    assertThat(effective.logs().outputs()).isEqualTo(next.logs().outputs());
  }

  @Test
  void portsAndServerOptionsNeedARestartAndKeepTheirRunningValues() {
    SidecarConfig next =
        with(
            """
            proxy: {appPorts: [9090], maxHeaderBytes: 16384, requestTimeout: 7s}
            tracing: {serviceName: other}
            """);
    ReloadPlan plan = ReloadPlan.between(BASE, next);
    assertThat(plan.restartRequired())
        .containsExactly("proxy.appPorts", "proxy.maxHeaderBytes", "tracing.serviceName");
    assertThat(plan.live()).containsExactly("proxy.requestTimeout");
    SidecarConfig effective = ReloadPlan.effective(BASE, next);
    assertThat(effective.proxy().appPorts()).isEqualTo(BASE.proxy().appPorts());
    assertThat(effective.proxy().maxHeaderBytes()).isEqualTo(BASE.proxy().maxHeaderBytes());
    assertThat(effective.tracing().serviceName()).isNull();
    assertThat(effective.proxy().requestTimeout()).isEqualTo(next.proxy().requestTimeout());
  }

  @Test
  void theStatsdPortNeedsARestartAndKeepsItsRunningValue() {
    SidecarConfig running = with("metrics: {statsd: {port: 8125}}\n");
    SidecarConfig next = with("metrics: {statsd: {port: 9125}, maxSeries: 10}\n");
    ReloadPlan plan = ReloadPlan.between(running, next);
    assertThat(plan.restartRequired()).containsExactly("metrics.statsd");
    assertThat(plan.live()).containsExactly("metrics");
    SidecarConfig effective = ReloadPlan.effective(running, next);
    assertThat(effective.metrics().statsd().port()).isEqualTo(8125);
    assertThat(effective.metrics().maxSeries()).isEqualTo(10);
  }
}
