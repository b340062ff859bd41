package io.outrigger.sidecar.config;

import io.outrigger.config.SidecarConfig;
import io.outrigger.config.SidecarConfig.ProxyConfig;
import io.outrigger.config.SidecarConfig.TracingConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a new config changes, split into what the running sidecar applies at once and what only a
 * restart applies (ports it listens on, server options fixed at bind time, the trace resource). A
 * pure function of two configs.
 *
 * @param live dotted names of changed fields applied without dropping a connection
 * @param restartRequired dotted names of changed fields that take effect only after a restart
 */
public record ReloadPlan(List<String> live, List<String> restartRequired) {

  public boolean changed() {
    return !live.isEmpty() || !restartRequired.isEmpty();
  }

  public static ReloadPlan between(SidecarConfig running, SidecarConfig next) {
    List<String> live = new ArrayList<>();
    List<String> restart = new ArrayList<>();
    ProxyConfig a = running.proxy();
    ProxyConfig b = next.proxy();
    compare("proxy.enabled", a.enabled(), b.enabled(), restart);
    compare("proxy.appPorts", a.appPorts(), b.appPorts(), restart);
    compare("proxy.skipPorts", a.skipPorts(), b.skipPorts(), restart);
    compare("proxy.connectTimeout", a.connectTimeout(), b.connectTimeout(), live);
    compare("proxy.requestTimeout", a.requestTimeout(), b.requestTimeout(), live);
    compare("proxy.idleTimeout", a.idleTimeout(), b.idleTimeout(), restart);
    compare("proxy.drainTimeout", a.drainTimeout(), b.drainTimeout(), live);
    compare("proxy.maxHeaderBytes", a.maxHeaderBytes(), b.maxHeaderBytes(), restart);
    compare(
        "proxy.maxConnectionsPerPort",
        a.maxConnectionsPerPort(),
        b.maxConnectionsPerPort(),
        restart);
    compare("proxy.rateLimit", a.rateLimit(), b.rateLimit(), live);
    compare("proxy.tls", a.tls(), b.tls(), restart);
    compare("proxy.routePatterns", a.routePatterns(), b.routePatterns(), live);
    compare("proxy.outbound", a.outbound(), b.outbound(), restart);

    TracingConfig t = running.tracing();
    TracingConfig u = next.tracing();
    compare("tracing.enabled", t.enabled(), u.enabled(), live);
    compare("tracing.samplingRatio", t.samplingRatio(), u.samplingRatio(), live);
    compare("tracing.propagators", t.propagators(), u.propagators(), live);
    compare("tracing.exporter", t.exporter(), u.exporter(), live);
    compare("tracing.serviceName", t.serviceName(), u.serviceName(), restart);
    compare("tracing.resourceAttributes", t.resourceAttributes(), u.resourceAttributes(), restart);

    // Scrape, parsing and export settings are read per cycle by their components: live.
    // The StatsD port is bound at start; everything else in metrics is read per cycle.
    compare("metrics.statsd", running.metrics().statsd(), next.metrics().statsd(), restart);
    compare("metrics", withoutStatsd(running.metrics()), withoutStatsd(next.metrics()), live);
    // The tailer reads its settings per record and the outputs are swapped between batches; the
    // directory, line cap and buffer are fixed when tailing starts.
    SidecarConfig.LogsConfig l = running.logs();
    SidecarConfig.LogsConfig m = next.logs();
    compare("logs.enabled", l.enabled(), m.enabled(), restart);
    compare("logs.directory", l.directory(), m.directory(), restart);
    compare("logs.maxLineBytes", l.maxLineBytes(), m.maxLineBytes(), restart);
    compare("logs.bufferLines", l.bufferLines(), m.bufferLines(), restart);
    compare("logs", m.withStartupFieldsOf(l), l, live);
    compare("health", running.health(), next.health(), live);
    compare("policy", running.policy(), next.policy(), live);
    return new ReloadPlan(List.copyOf(live), List.copyOf(restart));
  }

  /**
   * The config in effect after a reload: {@code next}, except that fields only a restart applies
   * keep their running values, so {@code /config} shows what the sidecar really does.
   */
  public static SidecarConfig effective(SidecarConfig running, SidecarConfig next) {
    ProxyConfig a = running.proxy();
    ProxyConfig b = next.proxy();
    ProxyConfig proxy =
        new ProxyConfig(
            a.enabled(),
            a.appPorts(),
            a.skipPorts(),
            b.connectTimeout(),
            b.requestTimeout(),
            a.idleTimeout(),
            b.drainTimeout(),
            a.maxHeaderBytes(),
            a.maxConnectionsPerPort(),
            b.rateLimit(),
            a.tls(),
            b.routePatterns(),
            a.outbound());
    TracingConfig tracing =
        new TracingConfig(
            next.tracing().enabled(),
            next.tracing().samplingRatio(),
            next.tracing().propagators(),
            running.tracing().serviceName(),
            next.tracing().exporter(),
            running.tracing().resourceAttributes());
    // The StatsD listener is bound at start, like the proxy's ports.
    return next.withProxy(proxy)
        .withTracing(tracing)
        .withLogs(next.logs().withStartupFieldsOf(running.logs()))
        .withMetrics(next.metrics().withStatsd(running.metrics().statsd()));
  }

  private static SidecarConfig.MetricsConfig withoutStatsd(SidecarConfig.MetricsConfig m) {
    return m.withStatsd(null);
  }

  private static void compare(String field, Object before, Object after, List<String> into) {
    if (!Objects.equals(before, after)) {
      into.add(field);
    }
  }
}
