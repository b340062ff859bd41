package io.outrigger.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.outrigger.config.Reload.Mode;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Everything one sidecar needs to run, with every default resolved: what the operator renders into
 * the {@code sidecar.json} of ConfigMap {@code outrigger-<policy>}, and what a standalone sidecar
 * reads from a file.
 *
 * <p>Pod identity (name, namespace, labels) is not here: it comes from the downward API, because
 * one config serves every pod of a policy.
 *
 * <p>Which fields a running sidecar applies live and which only a restart applies is declared on
 * the fields themselves ({@link Reload}).
 *
 * @param schemaVersion the document's version; a sidecar refuses versions it does not know
 * @param policy {@code namespace/name} of the policy this was rendered from, or {@code standalone}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SidecarConfig(
    // Only one version parses, so a running sidecar never sees it change.
    @Reload(Mode.LIVE) int schemaVersion,
    @Reload(Mode.LIVE) String policy,
    ProxyConfig proxy,
    // Scrape, enrichment and export settings are read per cycle; only the StatsD port is bound.
    @Reload(Mode.LIVE) MetricsConfig metrics,
    // The tailer reads its settings per record and outputs are swapped between batches.
    @Reload(Mode.LIVE) LogsConfig logs,
    TracingConfig tracing,
    @Reload(Mode.LIVE) HealthConfig health) {

  public static final int SCHEMA_VERSION = 1;

  // One-field copies: overrides, reloads and tests change a field or two of these records.

  public SidecarConfig withProxy(ProxyConfig next) {
    return new SidecarConfig(schemaVersion, policy, next, metrics, logs, tracing, health);
  }

  public SidecarConfig withMetrics(MetricsConfig next) {
    return new SidecarConfig(schemaVersion, policy, proxy, next, logs, tracing, health);
  }

  public SidecarConfig withLogs(LogsConfig next) {
    return new SidecarConfig(schemaVersion, policy, proxy, metrics, next, tracing, health);
  }

  public SidecarConfig withTracing(TracingConfig next) {
    return new SidecarConfig(schemaVersion, policy, proxy, metrics, logs, next, health);
  }

  /** The configuration of a sidecar nobody configured: proxy, metrics and tracing on, logs off. */
  public static SidecarConfig defaults() {
    return new SidecarConfig(
        SCHEMA_VERSION,
        "standalone",
        new ProxyConfig(
            true,
            List.of(),
            List.of(),
            DurationText.parse(Defaults.CONNECT_TIMEOUT),
            DurationText.parse(Defaults.REQUEST_TIMEOUT),
            DurationText.parse(Defaults.IDLE_TIMEOUT),
            DurationText.parse(Defaults.DRAIN_TIMEOUT),
            Defaults.MAX_HEADER_BYTES,
            Defaults.MAX_CONNECTIONS_PER_PORT,
            null,
            null,
            List.of(),
            new OutboundConfig(
                false,
                DurationText.parse(Defaults.OUTBOUND_TIMEOUT),
                Defaults.OUTBOUND_MAX_RETRIES,
                Defaults.OUTBOUND_RETRY_BUDGET,
                Defaults.CIRCUIT_BREAKER_FAILURES,
                DurationText.parse(Defaults.CIRCUIT_BREAKER_OPEN),
                null,
                List.of())),
        new MetricsConfig(
            true,
            null,
            List.of(),
            Defaults.MAX_SERIES,
            Defaults.MAX_LABEL_VALUE_LENGTH,
            null,
            null,
            null,
            null),
        new LogsConfig(
            false,
            Defaults.LOG_DIRECTORY,
            List.of(),
            ReadFrom.BEGINNING,
            null,
            new ParserConfig(LogFormat.PLAIN, null, null, null, null),
            TraceCorrelationConfig.defaults(),
            List.of(),
            RecordLayout.OTEL,
            Defaults.MAX_LINE_BYTES,
            Defaults.LOG_BUFFER_LINES,
            new LogOutputsConfig(null, null, null, null, true)),
        new TracingConfig(
            true,
            Defaults.SAMPLING_RATIO,
            List.of(Propagator.TRACECONTEXT, Propagator.BAGGAGE),
            null,
            new TraceExporterConfig(
                TraceProtocol.NONE,
                null,
                Map.of(),
                List.of(),
                DurationText.parse(Defaults.EXPORT_TIMEOUT)),
            Map.of(),
            false,
            Defaults.HTTP_KNOWN_METHODS),
        new HealthConfig(true, true, DurationText.parse(Defaults.PROBE_TIMEOUT)));
  }

  /** Inbound proxy and the outbound ambassador. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ProxyConfig(
      // Listeners and their ports are bound at start.
      @Reload(Mode.RESTART) boolean enabled,
      @Reload(Mode.RESTART) List<Integer> appPorts,
      @Reload(Mode.RESTART) List<Integer> skipPorts,
      @Reload(Mode.LIVE) Duration connectTimeout,
      @Reload(Mode.LIVE) Duration requestTimeout,
      // Server options fixed when a listener binds.
      @Reload(Mode.RESTART) Duration idleTimeout,
      @Reload(Mode.LIVE) Duration drainTimeout,
      @Reload(Mode.RESTART) int maxHeaderBytes,
      @Reload(Mode.RESTART) int maxConnectionsPerPort,
      @Reload(Mode.LIVE) RateLimitConfig rateLimit,
      // The files are watched and their content reloads live; which files, only at start.
      @Reload(Mode.RESTART) TlsConfig tls,
      @Reload(Mode.LIVE) List<String> routePatterns,
      // The ambassador's listener, clients and token scope are set up at start.
      @Reload(Mode.RESTART) OutboundConfig outbound) {

    /** The app ports the sidecar listens for, in listener order: the i-th on {@code 15006 + i}. */
    public List<Integer> listenerAppPorts() {
      return appPorts.stream().filter(port -> !skipPorts.contains(port)).toList();
    }

    /** The app ports to listen for, in order, with nothing left to skip. */
    public ProxyConfig withListenerAppPorts(List<Integer> ports) {
      return new ProxyConfig(
          enabled,
          ports,
          List.of(),
          connectTimeout,
          requestTimeout,
          idleTimeout,
          drainTimeout,
          maxHeaderBytes,
          maxConnectionsPerPort,
          rateLimit,
          tls,
          routePatterns,
          outbound);
    }

    public ProxyConfig withRequestTimeout(Duration timeout) {
      return new ProxyConfig(
          enabled,
          appPorts,
          skipPorts,
          connectTimeout,
          timeout,
          idleTimeout,
          drainTimeout,
          maxHeaderBytes,
          maxConnectionsPerPort,
          rateLimit,
          tls,
          routePatterns,
          outbound);
    }

    public ProxyConfig withRateLimit(RateLimitConfig limit) {
      return new ProxyConfig(
          enabled,
          appPorts,
          skipPorts,
          connectTimeout,
          requestTimeout,
          idleTimeout,
          drainTimeout,
          maxHeaderBytes,
          maxConnectionsPerPort,
          limit,
          tls,
          routePatterns,
          outbound);
    }

    public ProxyConfig withTls(TlsConfig files) {
      return new ProxyConfig(
          enabled,
          appPorts,
          skipPorts,
          connectTimeout,
          requestTimeout,
          idleTimeout,
          drainTimeout,
          maxHeaderBytes,
          maxConnectionsPerPort,
          rateLimit,
          files,
          routePatterns,
          outbound);
    }

    public ProxyConfig withRoutePatterns(List<String> routes) {
      return new ProxyConfig(
          enabled,
          appPorts,
          skipPorts,
          connectTimeout,
          requestTimeout,
          idleTimeout,
          drainTimeout,
          maxHeaderBytes,
          maxConnectionsPerPort,
          rateLimit,
          tls,
          routes,
          outbound);
    }
  }

  /** Token bucket per listener; over the limit a request gets 429 with Retry-After. */
  public record RateLimitConfig(double requestsPerSecond, int burst) {}

  /** PEM files for TLS termination on the inbound listeners; reloaded when they change. */
  public record TlsConfig(String certFile, String keyFile) {}

  /**
   * The ambassador on 127.0.0.1:15001 for the app's calls out.
   *
   * @param bearerTokenFile a file whose content the ambassador may add as a bearer token
   * @param bearerTokenDestinations the only destinations that token goes to; none named: nowhere
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record OutboundConfig(
      boolean enabled,
      Duration timeout,
      int maxRetries,
      double retryBudgetRatio,
      int circuitBreakerFailures,
      Duration circuitBreakerOpenDuration,
      String bearerTokenFile,
      // Left out when empty, so configs that name none keep the hash they had.
      @JsonInclude(JsonInclude.Include.NON_EMPTY) List<TokenDestination> bearerTokenDestinations) {

    public OutboundConfig {
      bearerTokenDestinations =
          bearerTokenDestinations == null ? List.of() : List.copyOf(bearerTokenDestinations);
    }
  }

  /**
   * A destination the ambassador may send the bearer token to.
   *
   * @param host a host name or address as the app calls it, or {@code *.domain} for every name
   *     under domain ({@link HostPattern})
   * @param port the destination port; null: any
   * @param allowPlainHttp also over plain HTTP, where the token crosses the network in clear and
   *     the destination is not authenticated; otherwise only over TLS the ambassador verified
   *     itself
   */
  public record TokenDestination(String host, Integer port, Boolean allowPlainHttp) {
    public TokenDestination {
      allowPlainHttp = Boolean.TRUE.equals(allowPlainHttp);
    }

    /** True when a request to {@code host:port} matches, whatever its protocol. */
    public boolean names(String requestHost, int requestPort) {
      return (port == null || port == requestPort) && HostPattern.matches(host, requestHost);
    }
  }

  /** Scraping, enriching and exporting the app's metrics. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record MetricsConfig(
      boolean enabled,
      ScrapeConfig scrape,
      List<String> podLabels,
      int maxSeries,
      int maxLabelValueLength,
      PushgatewayConfig pushgateway,
      RemoteWriteConfig remoteWrite,
      OtlpMetricsConfig otlp,
      // The UDP listener is bound at start.
      @Reload(Mode.RESTART) StatsdConfig statsd) {}

  /** Where the app exposes Prometheus metrics; absent when the app has none to scrape. */
  public record ScrapeConfig(
      int port, String path, Scheme scheme, Duration interval, Duration timeout) {}

  public record PushgatewayConfig(String url, String job, Duration interval) {}

  public record RemoteWriteConfig(String url, Duration interval, int queueCapacity) {}

  /**
   * @param naming the names of the sidecar's own request metrics in the export; scrapes always
   *     serve the Prometheus names
   */
  public record OtlpMetricsConfig(String endpoint, Duration interval, MetricNaming naming) {
    /** A file that names no naming gets the scrape's names, as a policy that names none does. */
    public OtlpMetricsConfig {
      naming = naming == null ? MetricNaming.PROMETHEUS : naming;
    }
  }

  /**
   * @param listen loopback unless the policy opens it to the pod's network: an unauthenticated UDP
   *     port reachable from every pod would let any of them write this pod's metrics
   */
  public record StatsdConfig(int port, StatsdListen listen) {
    public StatsdConfig {
      listen = listen == null ? StatsdListen.LOOPBACK : listen;
    }

    public StatsdConfig(int port) {
      this(port, StatsdListen.LOOPBACK);
    }
  }

  /** Tailing, parsing, enriching and forwarding the app's log files. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record LogsConfig(
      // The tailer, its checkpoint store and its buffer are made when tailing starts.
      @Reload(Mode.RESTART) boolean enabled,
      @Reload(Mode.RESTART) String directory,
      List<String> paths,
      // Applies to the files present when tailing starts; files that appear later are read whole.
      @Reload(Mode.RESTART) ReadFrom readFrom,
      MultilineConfig multiline,
      ParserConfig parser,
      TraceCorrelationConfig traceCorrelation,
      List<String> podLabels,
      RecordLayout recordLayout,
      @Reload(Mode.RESTART) int maxLineBytes,
      @Reload(Mode.RESTART) int bufferLines,
      LogOutputsConfig outputs) {

    /** This config tailing {@code paths} instead. */
    public LogsConfig withPaths(List<String> paths) {
      return new LogsConfig(
          enabled,
          directory,
          paths,
          readFrom,
          multiline,
          parser,
          traceCorrelation,
          podLabels,
          recordLayout,
          maxLineBytes,
          bufferLines,
          outputs);
    }
  }

  /** Exactly one of the two patterns is set. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record MultilineConfig(
      String startPattern, String continuationPattern, Duration flushTimeout, int maxLines) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ParserConfig(
      LogFormat format, String pattern, String timeField, String timeFormat, String levelField) {}

  /** Where a line's trace and span ids are found; the first hit wins. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record TraceCorrelationConfig(
      List<String> traceIdFields, List<String> spanIdFields, String pattern) {

    /** The spellings common logging libraries use. */
    public static TraceCorrelationConfig defaults() {
      return new TraceCorrelationConfig(
          List.of("trace_id", "traceId", "trace.id", "traceid", "dd.trace_id"),
          List.of("span_id", "spanId", "span.id", "spanid", "dd.span_id"),
          null);
    }
  }

  /**
   * Where log records go. Every configured output gets every record; each one retries on its own
   * with exponential backoff (full jitter) between {@code retryInitialBackoff} and {@code
   * retryMaxBackoff}, and never drops a batch.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record LogOutputsConfig(
      ForwardOutputConfig forward,
      OtlpLogsConfig otlp,
      LokiConfig loki,
      HttpOutputConfig http,
      boolean stdout,
      Duration retryInitialBackoff,
      Duration retryMaxBackoff) {

    public LogOutputsConfig {
      retryInitialBackoff = orDefault(retryInitialBackoff, Defaults.LOG_RETRY_INITIAL_BACKOFF);
      retryMaxBackoff = orDefault(retryMaxBackoff, Defaults.LOG_RETRY_MAX_BACKOFF);
    }

    public LogOutputsConfig(
        ForwardOutputConfig forward,
        OtlpLogsConfig otlp,
        LokiConfig loki,
        HttpOutputConfig http,
        boolean stdout) {
      this(forward, otlp, loki, http, stdout, null, null);
    }
  }

  /**
   * Fluentd Forward protocol v1 over TCP.
   *
   * @param requireAck ask for an {@code ack} per chunk and count a batch sent only when it came
   * @param tls TLS to the receiver; {@code caFile} (PEM) trusts a private CA, else the JDK's roots
   * @param ackTimeout how long a chunk waits for its ack before it is sent again
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ForwardOutputConfig(
      String host,
      int port,
      String tag,
      boolean requireAck,
      boolean tls,
      String caFile,
      Duration connectTimeout,
      Duration ackTimeout) {

    public ForwardOutputConfig {
      connectTimeout = orDefault(connectTimeout, Defaults.CONNECT_TIMEOUT);
      ackTimeout = orDefault(ackTimeout, Defaults.FORWARD_ACK_TIMEOUT);
    }

    public ForwardOutputConfig(String host, int port, String tag, boolean requireAck, boolean tls) {
      this(host, port, tag, requireAck, tls, null, null, null);
    }
  }

  /** OTLP/HTTP protobuf; records go to {@code <endpoint>/v1/logs}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record OtlpLogsConfig(String endpoint, Map<String, String> headers, Duration timeout) {

    public OtlpLogsConfig {
      headers = headers == null ? Map.of() : Map.copyOf(headers);
      timeout = orDefault(timeout, Defaults.EXPORT_TIMEOUT);
    }

    public OtlpLogsConfig(String endpoint) {
      this(endpoint, null, null);
    }
  }

  /**
   * Loki's push API ({@code <url>/loki/api/v1/push} unless the URL already ends with it).
   *
   * @param labels static stream labels added to namespace, pod and container
   * @param tenantId sent as {@code X-Scope-OrgID} when set (multi-tenant Loki)
   * @param structuredMetadata send trace_id/span_id as structured metadata too (Loki 3 accepts it
   *     by default; turn off for a Loki that refuses it)
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record LokiConfig(
      String url,
      Map<String, String> labels,
      String tenantId,
      Duration timeout,
      Boolean structuredMetadata) {

    public LokiConfig {
      labels = labels == null ? Map.of() : Map.copyOf(labels);
      timeout = orDefault(timeout, Defaults.EXPORT_TIMEOUT);
      structuredMetadata = structuredMetadata == null || structuredMetadata;
    }

    public LokiConfig(String url, Map<String, String> labels) {
      this(url, labels, null, null, null);
    }
  }

  /** POSTs newline-delimited JSON, one record per line. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record HttpOutputConfig(String url, Map<String, String> headers, Duration timeout) {

    public HttpOutputConfig {
      headers = headers == null ? Map.of() : Map.copyOf(headers);
      timeout = orDefault(timeout, Defaults.EXPORT_TIMEOUT);
    }

    public HttpOutputConfig(String url) {
      this(url, null, null);
    }
  }

  private static Duration orDefault(Duration given, String fallback) {
    return given != null ? given : DurationText.parse(fallback);
  }

  /** Spans and trace-context propagation. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record TracingConfig(
      @Reload(Mode.LIVE) boolean enabled,
      @Reload(Mode.LIVE) double samplingRatio,
      @Reload(Mode.LIVE) List<Propagator> propagators,
      // The tracer provider's resource is fixed when it is built.
      @Reload(Mode.RESTART) String serviceName,
      @Reload(Mode.LIVE) TraceExporterConfig exporter,
      @Reload(Mode.RESTART) Map<String, String> resourceAttributes,
      // The resource is fixed when the tracer provider is built.
      @Reload(Mode.RESTART) boolean wellKnownLabels,
      @Reload(Mode.LIVE) List<String> httpKnownMethods) {

    public TracingConfig withSamplingRatio(double ratio) {
      return new TracingConfig(
          enabled,
          ratio,
          propagators,
          serviceName,
          exporter,
          resourceAttributes,
          wellKnownLabels,
          httpKnownMethods);
    }

    public TracingConfig withPropagators(List<Propagator> formats) {
      return new TracingConfig(
          enabled,
          samplingRatio,
          formats,
          serviceName,
          exporter,
          resourceAttributes,
          wellKnownLabels,
          httpKnownMethods);
    }

    public TracingConfig withResourceAttributes(Map<String, String> attributes) {
      return new TracingConfig(
          enabled,
          samplingRatio,
          propagators,
          serviceName,
          exporter,
          attributes,
          wellKnownLabels,
          httpKnownMethods);
    }

    public TracingConfig withHttpKnownMethods(List<String> methods) {
      return new TracingConfig(
          enabled,
          samplingRatio,
          propagators,
          serviceName,
          exporter,
          resourceAttributes,
          wellKnownLabels,
          methods);
    }
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  /**
   * @param secretHeaders headers whose values the kubelet puts in the sidecar's environment from
   *     Secrets ({@link SecretHeader}); the webhook adds the variables, so a change applies to pods
   *     injected after it
   */
  public record TraceExporterConfig(
      TraceProtocol protocol,
      String endpoint,
      Map<String, String> headers,
      @Reload(Mode.RESTART) List<SecretHeader> secretHeaders,
      Duration timeout) {

    public TraceExporterConfig {
      secretHeaders = secretHeaders == null ? List.of() : List.copyOf(secretHeaders);
    }
  }

  /** Probe rewriting and readiness. */
  public record HealthConfig(
      // The webhook rewrites probes when it injects a pod; a running sidecar does not read it.
      @Reload(Mode.RESTART) boolean rewriteProbes,
      boolean readinessIncludesApp,
      Duration probeTimeout) {}
}
