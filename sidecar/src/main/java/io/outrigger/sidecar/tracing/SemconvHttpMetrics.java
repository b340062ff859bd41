package io.outrigger.sidecar.tracing;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.CollectionRegistration;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.semconv.ErrorAttributes;
import io.opentelemetry.semconv.HttpAttributes;
import io.opentelemetry.semconv.NetworkAttributes;
import io.opentelemetry.semconv.ServerAttributes;
import io.opentelemetry.semconv.UrlAttributes;
import java.util.Collection;
import java.util.List;

/**
 * The HTTP semantic conventions' request duration histograms of the proxy ({@code
 * http.server.request.duration}) and the ambassador ({@code http.client.request.duration}), in
 * seconds with the conventions' bucket boundaries, aggregated by the OpenTelemetry SDK and
 * collected by the OTLP metrics export. Nothing is recorded unless an export asks for the
 * OpenTelemetry names; the SDK caps each histogram at 2,000 attribute sets and folds the rest into
 * one overflow series, so a client sending odd requests cannot grow it.
 */
public final class SemconvHttpMetrics implements AutoCloseable {
  static final String SERVER_DURATION = "http.server.request.duration";
  static final String CLIENT_DURATION = "http.client.request.duration";

  /** The conventions' {@code ExplicitBucketBoundaries} advice for both durations. */
  static final List<Double> BUCKETS =
      List.of(0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0);

  private final SdkMeterProvider provider;
  private final OnDemandReader reader = new OnDemandReader();
  private final DoubleHistogram server;
  private final DoubleHistogram client;
  private volatile boolean recording;

  public SemconvHttpMetrics(Resource resource) {
    this.provider =
        SdkMeterProvider.builder().setResource(resource).registerMetricReader(reader).build();
    Meter meter = provider.get("io.outrigger.sidecar");
    this.server =
        meter
            .histogramBuilder(SERVER_DURATION)
            .setDescription("Duration of HTTP server requests.")
            .setUnit("s")
            .setExplicitBucketBoundariesAdvice(BUCKETS)
            .build();
    this.client =
        meter
            .histogramBuilder(CLIENT_DURATION)
            .setDescription("Duration of HTTP client requests.")
            .setUnit("s")
            .setExplicitBucketBoundariesAdvice(BUCKETS)
            .build();
  }

  /** Whether requests are recorded: while an OTLP export uses the OpenTelemetry names. */
  public void recording(boolean on) {
    this.recording = on;
  }

  public boolean recording() {
    return recording;
  }

  /**
   * One request the proxy served.
   *
   * @param status the status sent, or 0 when none was
   * @param route the matched route template, or null when none matched
   * @param errorType {@link HttpConventions#errorType}, or null
   */
  public void server(
      String method,
      String scheme,
      int status,
      String route,
      String errorType,
      String protocolVersion,
      long durationNanos) {
    if (!recording) {
      return;
    }
    AttributesBuilder attributes =
        Attributes.builder()
            .put(HttpAttributes.HTTP_REQUEST_METHOD, method)
            .put(UrlAttributes.URL_SCHEME, scheme)
            .put(NetworkAttributes.NETWORK_PROTOCOL_VERSION, protocolVersion);
    if (status > 0) {
      attributes.put(HttpAttributes.HTTP_RESPONSE_STATUS_CODE, status);
    }
    if (route != null) {
      attributes.put(HttpAttributes.HTTP_ROUTE, route);
    }
    if (errorType != null) {
      attributes.put(ErrorAttributes.ERROR_TYPE, errorType);
    }
    server.record(durationNanos / 1e9, attributes.build());
  }

  /**
   * One request the ambassador sent on.
   *
   * @param status the status received, or 0 when none was
   * @param errorType {@link HttpConventions#errorType}, or null
   */
  public void client(
      String method,
      String host,
      int port,
      String scheme,
      int status,
      String errorType,
      long durationNanos) {
    if (!recording) {
      return;
    }
    AttributesBuilder attributes =
        Attributes.builder()
            .put(HttpAttributes.HTTP_REQUEST_METHOD, method)
            .put(ServerAttributes.SERVER_ADDRESS, host)
            .put(ServerAttributes.SERVER_PORT, port)
            .put(UrlAttributes.URL_SCHEME, scheme);
    if (status > 0) {
      attributes.put(HttpAttributes.HTTP_RESPONSE_STATUS_CODE, status);
    }
    if (errorType != null) {
      attributes.put(ErrorAttributes.ERROR_TYPE, errorType);
    }
    client.record(durationNanos / 1e9, attributes.build());
  }

  /** What has been recorded so far, cumulative since the sidecar started. */
  public Collection<MetricData> collect() {
    return reader.collect();
  }

  @Override
  public void close() {
    provider.close();
  }

  /** A reader the OTLP export pulls from on its own schedule (as a Prometheus reader is pulled). */
  private static final class OnDemandReader implements MetricReader {
    private volatile CollectionRegistration registration = CollectionRegistration.noop();

    @Override
    public void register(CollectionRegistration registration) {
      this.registration = registration;
    }

    Collection<MetricData> collect() {
      return registration.collectAllMetrics();
    }

    @Override
    public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
      return AggregationTemporality.CUMULATIVE;
    }

    @Override
    public CompletableResultCode forceFlush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }
}
