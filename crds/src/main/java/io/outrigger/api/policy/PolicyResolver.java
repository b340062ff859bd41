package io.outrigger.api.policy;

import static java.util.Objects.requireNonNullElse;

import io.outrigger.api.Names;
import io.outrigger.api.v1alpha1.ObservabilityPolicy;
import io.outrigger.api.v1alpha1.SidecarMode;
import io.outrigger.api.v1alpha1.spec.ForwardOutputSpec;
import io.outrigger.api.v1alpha1.spec.HealthSpec;
import io.outrigger.api.v1alpha1.spec.InjectionSpec;
import io.outrigger.api.v1alpha1.spec.LogOutputsSpec;
import io.outrigger.api.v1alpha1.spec.LogsSpec;
import io.outrigger.api.v1alpha1.spec.MetricsSpec;
import io.outrigger.api.v1alpha1.spec.MultilineSpec;
import io.outrigger.api.v1alpha1.spec.ObservabilityPolicySpec;
import io.outrigger.api.v1alpha1.spec.OutboundSpec;
import io.outrigger.api.v1alpha1.spec.ParserSpec;
import io.outrigger.api.v1alpha1.spec.ProxySpec;
import io.outrigger.api.v1alpha1.spec.RateLimitSpec;
import io.outrigger.api.v1alpha1.spec.ScrapeSpec;
import io.outrigger.api.v1alpha1.spec.TraceCorrelationSpec;
import io.outrigger.api.v1alpha1.spec.TraceExporterSpec;
import io.outrigger.api.v1alpha1.spec.TracingSpec;
import io.outrigger.api.validation.PolicyValidator;
import io.outrigger.api.validation.Violation;
import io.outrigger.config.Defaults;
import io.outrigger.config.DurationText;
import io.outrigger.config.InterceptionMode;
import io.outrigger.config.LogFormat;
import io.outrigger.config.Propagator;
import io.outrigger.config.ReadFrom;
import io.outrigger.config.RecordLayout;
import io.outrigger.config.Scheme;
import io.outrigger.config.SecretHeader;
import io.outrigger.config.SidecarConfig;
import io.outrigger.config.TraceProtocol;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Turns an {@link ObservabilityPolicy} into an {@link EffectivePolicy}: validates it, then fills
 * every field the user left out with the same {@link Defaults} the CRD schema declares. The schema
 * defaults are applied by the API server; resolving them again here keeps policies that never met
 * the schema (mock servers, old CRDs, tests) rendering exactly the same.
 */
public final class PolicyResolver {
  private PolicyResolver() {}

  /**
   * The effective policy with the project's built-in sidecar resources, or {@link
   * InvalidPolicyException} listing every violation.
   */
  public static EffectivePolicy resolve(ObservabilityPolicy policy) {
    return resolve(policy, SidecarResources.BUILT_IN);
  }

  /**
   * The effective policy, its sidecar resources falling back to {@code resourceDefaults} (the
   * cluster's, from the operator's settings), or {@link InvalidPolicyException} listing every
   * violation.
   */
  public static EffectivePolicy resolve(
      ObservabilityPolicy policy, EffectivePolicy.Resources resourceDefaults) {
    ObservabilityPolicySpec spec =
        requireNonNullElse(policy.getSpec(), new ObservabilityPolicySpec());
    List<Violation> violations = PolicyValidator.validate(spec);
    String namespace = policy.getMetadata().getNamespace();
    String name = policy.getMetadata().getName();
    if (!violations.isEmpty()) {
      throw new InvalidPolicyException(namespace + "/" + name, violations);
    }
    InjectionSpec injection = requireNonNullElse(spec.getInjection(), new InjectionSpec());
    HealthSpec health = requireNonNullElse(spec.getHealth(), new HealthSpec());
    SidecarConfig sidecar =
        new SidecarConfig(
            SidecarConfig.SCHEMA_VERSION,
            namespace + "/" + name,
            proxy(spec.getProxy(), injection),
            metrics(spec.getMetrics()),
            logs(spec.getLogs()),
            tracing(spec.getTracing()),
            new SidecarConfig.HealthConfig(
                or(health.getRewriteProbes(), true),
                or(health.getReadinessIncludesApp(), true),
                duration(health.getProbeTimeout(), Defaults.PROBE_TIMEOUT)));
    return new EffectivePolicy(
        namespace,
        name,
        or(spec.getPriority(), 0),
        created(policy),
        spec.getSelector(),
        injection(injection, spec.getProxy(), sidecar, resourceDefaults),
        sidecar);
  }

  private static EffectivePolicy.Injection injection(
      InjectionSpec spec,
      ProxySpec proxy,
      SidecarConfig sidecar,
      EffectivePolicy.Resources resourceDefaults) {
    return new EffectivePolicy.Injection(
        requireNonNullElse(spec.getSidecarMode(), SidecarMode.AUTO),
        requireNonNullElse(spec.getInterception(), InterceptionMode.IPTABLES),
        list(spec.getInboundPorts()),
        list(spec.getSkipInboundPorts()),
        or(spec.getCaptureOutbound(), false),
        list(spec.getExcludeOutboundCIDRs()),
        list(spec.getExcludeOutboundPorts()),
        spec.getImage(),
        SidecarResources.resolve(spec.getResources(), resourceDefaults),
        proxy == null || proxy.getTls() == null ? null : proxy.getTls().getSecretName(),
        sidecar.health().rewriteProbes());
  }

  private static SidecarConfig.ProxyConfig proxy(ProxySpec given, InjectionSpec injection) {
    ProxySpec spec = requireNonNullElse(given, new ProxySpec());
    RateLimitSpec rate = spec.getRateLimit();
    OutboundSpec out = requireNonNullElse(spec.getOutbound(), new OutboundSpec());
    return new SidecarConfig.ProxyConfig(
        or(spec.getEnabled(), true),
        list(injection.getInboundPorts()),
        list(injection.getSkipInboundPorts()),
        duration(spec.getConnectTimeout(), Defaults.CONNECT_TIMEOUT),
        duration(spec.getRequestTimeout(), Defaults.REQUEST_TIMEOUT),
        duration(spec.getIdleTimeout(), Defaults.IDLE_TIMEOUT),
        duration(spec.getDrainTimeout(), Defaults.DRAIN_TIMEOUT),
        or(spec.getMaxHeaderBytes(), Defaults.MAX_HEADER_BYTES),
        or(spec.getMaxConnectionsPerPort(), Defaults.MAX_CONNECTIONS_PER_PORT),
        rate == null
            ? null
            : new SidecarConfig.RateLimitConfig(
                rate.getRequestsPerSecond(),
                or(rate.getBurst(), (int) Math.max(1, Math.ceil(rate.getRequestsPerSecond())))),
        spec.getTls() == null
            ? null
            : new SidecarConfig.TlsConfig(
                Names.TLS_MOUNT + "/tls.crt", Names.TLS_MOUNT + "/tls.key"),
        list(spec.getRoutePatterns()),
        new SidecarConfig.OutboundConfig(
            // Captured connections must find the ambassador listening, or the app's calls out
            // would be refused: capture turns it on.
            or(out.getEnabled(), false) || Boolean.TRUE.equals(injection.getCaptureOutbound()),
            duration(out.getTimeout(), Defaults.OUTBOUND_TIMEOUT),
            or(out.getMaxRetries(), Defaults.OUTBOUND_MAX_RETRIES),
            or(out.getRetryBudgetRatio(), Defaults.OUTBOUND_RETRY_BUDGET),
            or(out.getCircuitBreakerFailures(), Defaults.CIRCUIT_BREAKER_FAILURES),
            duration(out.getCircuitBreakerOpenDuration(), Defaults.CIRCUIT_BREAKER_OPEN),
            out.getBearerTokenFile(),
            list(out.getBearerTokenDestinations()).stream()
                .map(
                    d ->
                        new SidecarConfig.TokenDestination(
                            d.getHost(), d.getPort(), or(d.getAllowPlainHttp(), false)))
                .toList()));
  }

  private static SidecarConfig.MetricsConfig metrics(MetricsSpec given) {
    MetricsSpec spec = requireNonNullElse(given, new MetricsSpec());
    return new SidecarConfig.MetricsConfig(
        or(spec.getEnabled(), true),
        scrape(spec.getScrape()),
        list(spec.getPodLabels()),
        or(spec.getMaxSeries(), Defaults.MAX_SERIES),
        or(spec.getMaxLabelValueLength(), Defaults.MAX_LABEL_VALUE_LENGTH),
        spec.getPushgateway() == null
            ? null
            : new SidecarConfig.PushgatewayConfig(
                spec.getPushgateway().getUrl(),
                spec.getPushgateway().getJob(),
                duration(spec.getPushgateway().getInterval(), Defaults.PUSH_INTERVAL)),
        spec.getRemoteWrite() == null
            ? null
            : new SidecarConfig.RemoteWriteConfig(
                spec.getRemoteWrite().getUrl(),
                duration(spec.getRemoteWrite().getInterval(), Defaults.PUSH_INTERVAL),
                or(spec.getRemoteWrite().getQueueCapacity(), Defaults.REMOTE_WRITE_QUEUE)),
        spec.getOtlp() == null
            ? null
            : new SidecarConfig.OtlpMetricsConfig(
                spec.getOtlp().getEndpoint(),
                duration(spec.getOtlp().getInterval(), Defaults.PUSH_INTERVAL),
                spec.getOtlp().getNaming()),
        spec.getStatsd() == null
            ? null
            : new SidecarConfig.StatsdConfig(
                or(spec.getStatsd().getPort(), Defaults.STATSD_PORT),
                spec.getStatsd().getListen()));
  }

  /**
   * No port: the sidecar falls back to the pod's prometheus.io/* annotations (port 0 marks that).
   */
  private static SidecarConfig.ScrapeConfig scrape(ScrapeSpec spec) {
    if (spec == null) {
      return null;
    }
    Duration interval = duration(spec.getInterval(), Defaults.SCRAPE_INTERVAL);
    Duration defaultTimeout = DurationText.parse(Defaults.SCRAPE_TIMEOUT);
    Duration timeout =
        spec.getTimeout() != null
            ? DurationText.parse(spec.getTimeout())
            : (interval.compareTo(defaultTimeout) < 0 ? interval : defaultTimeout);
    return new SidecarConfig.ScrapeConfig(
        or(spec.getPort(), 0),
        requireNonNullElse(spec.getPath(), Defaults.METRICS_PATH),
        requireNonNullElse(spec.getScheme(), Scheme.HTTP),
        interval,
        timeout);
  }

  private static SidecarConfig.LogsConfig logs(LogsSpec spec) {
    SidecarConfig.LogsConfig off = SidecarConfig.defaults().logs();
    if (spec == null) {
      return off;
    }
    MultilineSpec multiline = spec.getMultiline();
    ParserSpec parser = requireNonNullElse(spec.getParser(), new ParserSpec());
    TraceCorrelationSpec correlation =
        requireNonNullElse(spec.getTraceCorrelation(), new TraceCorrelationSpec());
    SidecarConfig.TraceCorrelationConfig correlationDefaults =
        SidecarConfig.TraceCorrelationConfig.defaults();
    return new SidecarConfig.LogsConfig(
        or(spec.getEnabled(), true),
        requireNonNullElse(spec.getDirectory(), Defaults.LOG_DIRECTORY),
        list(spec.getPaths()),
        requireNonNullElse(spec.getReadFrom(), ReadFrom.BEGINNING),
        multiline == null
            ? null
            : new SidecarConfig.MultilineConfig(
                multiline.getStartPattern(),
                multiline.getContinuationPattern(),
                duration(multiline.getFlushTimeout(), Defaults.MULTILINE_FLUSH),
                or(multiline.getMaxLines(), Defaults.MULTILINE_MAX_LINES)),
        new SidecarConfig.ParserConfig(
            requireNonNullElse(parser.getFormat(), LogFormat.PLAIN),
            parser.getPattern(),
            parser.getTimeField(),
            parser.getTimeFormat(),
            parser.getLevelField()),
        new SidecarConfig.TraceCorrelationConfig(
            nonEmptyOr(correlation.getTraceIdFields(), correlationDefaults.traceIdFields()),
            nonEmptyOr(correlation.getSpanIdFields(), correlationDefaults.spanIdFields()),
            correlation.getPattern()),
        list(spec.getPodLabels()),
        requireNonNullElse(spec.getRecordLayout(), RecordLayout.OTEL),
        or(spec.getMaxLineBytes(), Defaults.MAX_LINE_BYTES),
        or(spec.getBufferLines(), Defaults.LOG_BUFFER_LINES),
        outputs(requireNonNullElse(spec.getOutputs(), new LogOutputsSpec())));
  }

  private static SidecarConfig.LogOutputsConfig outputs(LogOutputsSpec spec) {
    ForwardOutputSpec forward = spec.getForward();
    return new SidecarConfig.LogOutputsConfig(
        forward == null
            ? null
            : new SidecarConfig.ForwardOutputConfig(
                forward.getHost(),
                or(forward.getPort(), Defaults.FORWARD_PORT),
                requireNonNullElse(forward.getTag(), Defaults.FORWARD_TAG),
                or(forward.getRequireAck(), true),
                or(forward.getTls(), false)),
        spec.getOtlp() == null
            ? null
            : new SidecarConfig.OtlpLogsConfig(spec.getOtlp().getEndpoint()),
        spec.getLoki() == null
            ? null
            : new SidecarConfig.LokiConfig(
                spec.getLoki().getUrl(), map(spec.getLoki().getLabels())),
        spec.getHttp() == null ? null : new SidecarConfig.HttpOutputConfig(spec.getHttp().getUrl()),
        or(spec.getStdout(), false));
  }

  private static SidecarConfig.TracingConfig tracing(TracingSpec given) {
    TracingSpec spec = requireNonNullElse(given, new TracingSpec());
    TraceExporterSpec exporter = spec.getExporter();
    return new SidecarConfig.TracingConfig(
        or(spec.getEnabled(), true),
        or(spec.getSamplingRatio(), Defaults.SAMPLING_RATIO),
        nonEmptyOr(spec.getPropagators(), List.of(Propagator.TRACECONTEXT, Propagator.BAGGAGE)),
        spec.getServiceName(),
        exporter == null
            ? new SidecarConfig.TraceExporterConfig(
                TraceProtocol.NONE,
                null,
                Map.of(),
                List.of(),
                DurationText.parse(Defaults.EXPORT_TIMEOUT))
            : new SidecarConfig.TraceExporterConfig(
                exporter.getProtocol(),
                exporter.getEndpoint(),
                map(exporter.getHeaders()),
                list(exporter.getHeadersFrom()).stream()
                    .map(h -> new SecretHeader(h.getName(), h.getSecretName(), h.getKey()))
                    .toList(),
                duration(exporter.getTimeout(), Defaults.EXPORT_TIMEOUT)),
        map(spec.getResourceAttributes()),
        or(spec.getWellKnownLabels(), false),
        nonEmptyOr(spec.getHttpKnownMethods(), Defaults.HTTP_KNOWN_METHODS));
  }

  private static Instant created(ObservabilityPolicy policy) {
    String timestamp = policy.getMetadata().getCreationTimestamp();
    if (timestamp == null) {
      return Instant.EPOCH;
    }
    try {
      return Instant.parse(timestamp);
    } catch (DateTimeParseException e) {
      return Instant.EPOCH;
    }
  }

  private static Duration duration(String text, String fallback) {
    return DurationText.parse(requireNonNullElse(text, fallback));
  }

  private static <T> T or(T value, T fallback) {
    return value != null ? value : fallback;
  }

  private static <T> List<T> list(List<T> values) {
    return values == null ? List.of() : values.stream().filter(Objects::nonNull).toList();
  }

  private static <T> List<T> nonEmptyOr(List<T> values, List<T> fallback) {
    List<T> given = list(values);
    return given.isEmpty() ? fallback : given;
  }

  private static Map<String, String> map(Map<String, String> values) {
    return values == null ? Map.of() : Map.copyOf(values);
  }
}
