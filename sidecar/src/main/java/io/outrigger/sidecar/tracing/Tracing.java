package io.outrigger.sidecar.tracing;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.extension.trace.propagation.B3Propagator;
import io.opentelemetry.extension.trace.propagation.JaegerPropagator;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.outrigger.config.Propagator;
import io.outrigger.config.SidecarConfig.TraceExporterConfig;
import io.outrigger.config.SidecarConfig.TracingConfig;
import io.outrigger.sidecar.PodIdentity;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The sidecar's OpenTelemetry tracing: a tracer with the pod's resource, parent-based ratio
 * sampling, the configured propagators and exporter. Sampling, propagators and the exporter can be
 * swapped while running.
 */
public final class Tracing implements AutoCloseable {
  private final SdkTracerProvider provider;
  private final Tracer tracer;
  private final ReloadableSampler sampler;
  private final SwitchableSpanExporter exporter;
  private final SemconvHttpMetrics httpMetrics;
  private volatile TextMapPropagator propagator;
  private volatile HttpConventions conventions;
  private volatile boolean enabled;
  private volatile TracingConfig config;
  private volatile List<String> missingHeaders = List.of();

  public Tracing(TracingConfig config, PodIdentity pod) {
    this(config, pod, null);
  }

  /**
   * With {@code extraProcessor} (tests pass an in-memory exporter's processor) besides the
   * configured export.
   */
  public Tracing(TracingConfig config, PodIdentity pod, SpanProcessor extraProcessor) {
    this.sampler = new ReloadableSampler(config.samplingRatio());
    this.exporter = new SwitchableSpanExporter(exporterFor(config.exporter()));
    Resource resource = PodResource.of(config, pod);
    this.httpMetrics = new SemconvHttpMetrics(resource);
    var builder =
        SdkTracerProvider.builder()
            .setResource(resource)
            .setSampler(sampler)
            .addSpanProcessor(
                BatchSpanProcessor.builder(exporter)
                    .setScheduleDelay(Duration.ofMillis(500))
                    .setMaxQueueSize(4096)
                    .build());
    if (extraProcessor != null) {
      builder.addSpanProcessor(extraProcessor);
    }
    this.provider = builder.build();
    this.tracer = provider.get("io.outrigger.sidecar");
    apply(config);
  }

  /**
   * Counts exported spans by result ({@code outrigger_spans_exported_total}): a receiver that
   * refuses or cannot be reached shows as {@code result="failure"}.
   */
  public void bindMetrics(MeterRegistry registry) {
    Counter success = exportedSpans(registry, "success");
    Counter failure = exportedSpans(registry, "failure");
    exporter.onExport((spans, ok) -> (ok ? success : failure).increment(spans));
  }

  private static Counter exportedSpans(MeterRegistry registry, String result) {
    return Counter.builder("outrigger.spans.exported")
        .description("Spans handed to the trace exporter, by whether the receiver took them")
        .tag("result", result)
        .register(registry);
  }

  /** Applies what can change live; the resource (service name, attributes) is fixed at start. */
  public void apply(TracingConfig next) {
    TracingConfig previous = this.config;
    this.enabled = next.enabled();
    sampler.setRatio(next.samplingRatio());
    this.propagator = propagatorFor(next.propagators());
    this.conventions = new HttpConventions(next.httpKnownMethods());
    if (previous != null && !previous.exporter().equals(next.exporter())) {
      exporter.replace(exporterFor(next.exporter()));
    }
    this.config = next;
  }

  public boolean enabled() {
    return enabled;
  }

  public Tracer tracer() {
    return tracer;
  }

  public TextMapPropagator propagator() {
    return propagator;
  }

  /** The HTTP semantic conventions with the policy's known methods. */
  public HttpConventions conventions() {
    return conventions;
  }

  /**
   * The HTTP request durations under the semantic conventions' names, for the OTLP metrics export;
   * they record whether or not tracing is on.
   */
  public SemconvHttpMetrics httpMetrics() {
    return httpMetrics;
  }

  public double samplingRatio() {
    return sampler.ratio();
  }

  /** Exports what is pending, waiting at most {@code timeout}. */
  public void flush(Duration timeout) {
    provider.forceFlush().join(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    provider.shutdown().join(5, TimeUnit.SECONDS);
    httpMetrics.close();
  }

  static TextMapPropagator propagatorFor(List<Propagator> propagators) {
    return TextMapPropagator.composite(
        propagators.stream()
            .map(
                p ->
                    switch (p) {
                      case TRACECONTEXT -> new W3CTraceContext();
                      case BAGGAGE -> W3CBaggagePropagator.getInstance();
                      case B3 -> b3(B3Propagator.injectingSingleHeader());
                      case B3MULTI -> b3(B3Propagator.injectingMultiHeaders());
                      case JAEGER ->
                          new WellFormedOnly(
                              JaegerPropagator.getInstance(),
                              List.of(JaegerHeaders.TRACE),
                              JaegerHeaders::malformed);
                      case XTRACE -> new XTracePropagator();
                    })
            .toList());
  }

  /** B3 either way in, written one way out (the caller's other encoding is not left behind). */
  private static TextMapPropagator b3(B3Propagator injecting) {
    return new WellFormedOnly(injecting, B3Headers.ALL, B3Headers::malformed);
  }

  /** Secret headers named by the config but not in this process's environment. */
  public List<String> missingHeaders() {
    return missingHeaders;
  }

  private SpanExporter exporterFor(TraceExporterConfig config) {
    ExportHeaders resolved = ExportHeaders.of(config, System::getenv);
    missingHeaders = resolved.missing();
    return exporterFor(config, resolved.headers());
  }

  static SpanExporter exporterFor(TraceExporterConfig config, Map<String, String> headers) {
    return switch (config.protocol()) {
      case NONE -> SpanExporter.composite();
      case OTLP_HTTP -> {
        var builder =
            OtlpHttpSpanExporter.builder()
                .setEndpoint(otlpHttpTracesUrl(config.endpoint()))
                .setTimeout(config.timeout());
        headers.forEach(builder::addHeader);
        yield builder.build();
      }
      case OTLP_GRPC -> {
        var builder =
            OtlpGrpcSpanExporter.builder()
                .setEndpoint(config.endpoint())
                .setTimeout(config.timeout());
        headers.forEach(builder::addHeader);
        yield builder.build();
      }
      case ZIPKIN -> new ZipkinSpanExporter(config.endpoint(), headers, config.timeout());
    };
  }

  /**
   * OTLP/HTTP endpoints are given as a base URL (as for the collector); traces go to /v1/traces.
   */
  static String otlpHttpTracesUrl(String endpoint) {
    if (endpoint.endsWith("/v1/traces")) {
      return endpoint;
    }
    return endpoint.endsWith("/") ? endpoint + "v1/traces" : endpoint + "/v1/traces";
  }

  /** The pod's OpenTelemetry resource, shared by spans and OTLP metrics ({@link PodResource}). */
  public static Resource resource(TracingConfig config, PodIdentity pod) {
    return PodResource.of(config, pod);
  }
}
