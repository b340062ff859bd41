package io.outrigger.sidecar.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/** The sidecar's own meters: the registry every component records into, with the JVM's meters. */
public final class SidecarMeters {
  private SidecarMeters() {}

  /** A registry with the process and JVM meters bound, filtered to what Prometheus accepts. */
  public static PrometheusMeterRegistry registry() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    // Two of Micrometer's process meters break Prometheus naming rules (promtool: "_ns" unit,
    // "_count" suffix on a gauge); the rest of the process metrics stay.
    registry.config().meterFilter(MeterFilter.denyNameStartsWith("process.cpu.time"));
    registry.config().meterFilter(MeterFilter.deny(id -> id.getName().equals("system.cpu.count")));
    // Quotes in help text are escaped as \" in OpenMetrics, which older parsers (promtool 2.42)
    // reject: they become single quotes.
    registry
        .config()
        .meterFilter(
            new MeterFilter() {
              @Override
              public Meter.Id map(Meter.Id id) {
                String help = id.getDescription();
                return help == null || !help.contains("\"")
                    ? id
                    : new Meter.Id(
                        id.getName(),
                        Tags.of(id.getTagsAsIterable()),
                        id.getBaseUnit(),
                        help.replace('"', '\''),
                        id.getType());
              }
            });
    new JvmMemoryMetrics().bindTo(registry);
    // Collections and allocation: what a heap too small for the load shows first, and what
    // bench/proxy.sh divides by the requests served.
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    return registry;
  }
}
