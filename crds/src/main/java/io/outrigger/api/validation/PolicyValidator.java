package io.outrigger.api.validation;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.Quantity;
import io.outrigger.api.v1alpha1.spec.HeaderFromSecretSpec;
import io.outrigger.api.v1alpha1.spec.InjectionSpec;
import io.outrigger.api.v1alpha1.spec.LogOutputsSpec;
import io.outrigger.api.v1alpha1.spec.LogsSpec;
import io.outrigger.api.v1alpha1.spec.MetricsSpec;
import io.outrigger.api.v1alpha1.spec.MultilineSpec;
import io.outrigger.api.v1alpha1.spec.ObservabilityPolicySpec;
import io.outrigger.api.v1alpha1.spec.OutboundSpec;
import io.outrigger.api.v1alpha1.spec.ParserSpec;
import io.outrigger.api.v1alpha1.spec.ProxySpec;
import io.outrigger.api.v1alpha1.spec.SidecarResourcesSpec;
import io.outrigger.api.v1alpha1.spec.TraceExporterSpec;
import io.outrigger.api.v1alpha1.spec.TracingSpec;
import io.outrigger.config.DurationText;
import io.outrigger.config.HostPattern;
import io.outrigger.config.InterceptionMode;
import io.outrigger.config.LogFormat;
import io.outrigger.config.Ports;
import io.outrigger.config.Propagator;
import io.outrigger.config.TraceProtocol;
import io.outrigger.config.interception.Ipv4Cidr;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * What the CRD schema cannot say about a policy, as a chain of pure checks.
 *
 * <p>Every check runs and every violation is reported, so a user fixes a policy in one round. The
 * operator turns the result into {@code Valid=False} and a Warning event; the webhook uses it to
 * refuse to inject a broken policy. Checks never throw: a policy that bypassed the schema (a mock
 * server, an old CRD) still gets messages.
 */
public final class PolicyValidator {

  private static final List<Function<ObservabilityPolicySpec, Stream<Violation>>> CHECKS =
      List.of(
          PolicyValidator::selector,
          PolicyValidator::injectionPorts,
          PolicyValidator::outboundCapture,
          PolicyValidator::sidecarImage,
          PolicyValidator::sidecarResources,
          PolicyValidator::proxyTimeouts,
          PolicyValidator::routePatterns,
          PolicyValidator::scrapeTarget,
          PolicyValidator::metricsLabels,
          PolicyValidator::metricsExporters,
          PolicyValidator::logFiles,
          PolicyValidator::multiline,
          PolicyValidator::parser,
          PolicyValidator::traceCorrelation,
          PolicyValidator::logOutputs,
          PolicyValidator::propagators,
          PolicyValidator::traceExporter,
          PolicyValidator::httpKnownMethods,
          PolicyValidator::healthTimeouts);

  private PolicyValidator() {}

  /** Every violation in the spec; empty when the policy can be rendered. */
  public static List<Violation> validate(ObservabilityPolicySpec spec) {
    if (spec == null) {
      return List.of(new Violation("spec", "a policy needs a spec (it may be empty: spec: {})"));
    }
    return CHECKS.stream().flatMap(check -> check.apply(spec)).toList();
  }

  /** The violations as one message for a condition or an event. */
  public static String describe(List<Violation> violations) {
    return String.join("; ", violations.stream().map(Violation::toString).toList());
  }

  private static Stream<Violation> selector(ObservabilityPolicySpec spec) {
    LabelSelector selector = spec.getSelector();
    if (selector == null) {
      return Stream.empty();
    }
    List<Violation> found = new ArrayList<>();
    Map<String, String> labels = Objects.requireNonNullElse(selector.getMatchLabels(), Map.of());
    labels.forEach(
        (key, value) -> {
          Syntax.labelKey(key)
              .ifPresent(p -> found.add(new Violation("spec.selector.matchLabels", p)));
          Syntax.labelValue(value)
              .ifPresent(p -> found.add(new Violation("spec.selector.matchLabels." + key, p)));
        });
    List<LabelSelectorRequirement> expressions =
        Objects.requireNonNullElse(selector.getMatchExpressions(), List.of());
    for (int i = 0; i < expressions.size(); i++) {
      LabelSelectorRequirement e = expressions.get(i);
      String field = "spec.selector.matchExpressions[" + i + "]";
      Syntax.labelKey(e.getKey()).ifPresent(p -> found.add(new Violation(field + ".key", p)));
      List<String> values = Objects.requireNonNullElse(e.getValues(), List.of());
      String operator = Objects.requireNonNullElse(e.getOperator(), "");
      switch (operator) {
        case "In", "NotIn" -> {
          if (values.isEmpty()) {
            found.add(new Violation(field + ".values", operator + " needs at least one value"));
          }
        }
        case "Exists", "DoesNotExist" -> {
          if (!values.isEmpty()) {
            found.add(new Violation(field + ".values", operator + " takes no values"));
          }
        }
        default ->
            found.add(
                new Violation(
                    field + ".operator",
                    "'" + operator + "' is not one of In, NotIn, Exists, DoesNotExist"));
      }
      values.forEach(
          v -> Syntax.labelValue(v).ifPresent(p -> found.add(new Violation(field + ".values", p))));
    }
    return found.stream();
  }

  private static Stream<Violation> injectionPorts(ObservabilityPolicySpec spec) {
    InjectionSpec injection = spec.getInjection();
    if (injection == null) {
      return Stream.empty();
    }
    List<Integer> inbound = Objects.requireNonNullElse(injection.getInboundPorts(), List.of());
    List<Integer> skipped = Objects.requireNonNullElse(injection.getSkipInboundPorts(), List.of());
    Stream<Violation> inboundProblems = appPorts("spec.injection.inboundPorts", inbound);
    Stream<Violation> skippedProblems = appPorts("spec.injection.skipInboundPorts", skipped);
    Stream<Violation> overlap =
        inbound.stream()
            .filter(Objects::nonNull)
            .filter(skipped::contains)
            .distinct()
            .map(
                port ->
                    new Violation(
                        "spec.injection.skipInboundPorts",
                        "port "
                            + port
                            + " is also in inboundPorts; a port is either proxied or skipped"));
    Stream<Violation> outboundPorts =
        indexed(Objects.requireNonNullElse(injection.getExcludeOutboundPorts(), List.of()))
            .flatMap(
                e ->
                    Syntax.port(e.value())
                        .map(
                            p ->
                                new Violation(
                                    "spec.injection.excludeOutboundPorts[" + e.index() + "]", p))
                        .stream());
    Stream<Violation> cidrs =
        indexed(Objects.requireNonNullElse(injection.getExcludeOutboundCIDRs(), List.of()))
            .flatMap(
                e ->
                    // The init command's own check: a CIDR it would refuse must never reach a pod.
                    Ipv4Cidr.problem(e.value())
                        .map(
                            p ->
                                new Violation(
                                    "spec.injection.excludeOutboundCIDRs[" + e.index() + "]", p))
                        .stream());
    return Stream.of(inboundProblems, skippedProblems, overlap, outboundPorts, cidrs)
        .flatMap(s -> s);
  }

  /** App ports: in range, not the sidecar's own, no duplicates. */
  private static Stream<Violation> appPorts(String field, List<Integer> ports) {
    List<Violation> found = new ArrayList<>();
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; i < ports.size(); i++) {
      Integer port = ports.get(i);
      String at = field + "[" + i + "]";
      Optional<String> range = Syntax.port(port);
      if (range.isPresent()) {
        found.add(new Violation(at, range.get()));
      } else if (Ports.isReserved(port)) {
        found.add(new Violation(at, reservedPortMessage(port)));
      } else if (!seen.add(port)) {
        found.add(new Violation(at, "port " + port + " is listed twice"));
      }
    }
    return found.stream();
  }

  private static String reservedPortMessage(int port) {
    return "port "
        + port
        + " is the sidecar's own (15000 admin, 15001 outbound, "
        + Ports.INBOUND_BASE
        + "-"
        + (Ports.INBOUND_BASE + Ports.MAX_INBOUND_LISTENERS - 1)
        + " inbound, 15020 telemetry)";
  }

  private static Stream<Violation> outboundCapture(ObservabilityPolicySpec spec) {
    InjectionSpec injection = spec.getInjection();
    if (injection == null || !Boolean.TRUE.equals(injection.getCaptureOutbound())) {
      return Stream.empty();
    }
    InterceptionMode mode =
        Objects.requireNonNullElse(injection.getInterception(), InterceptionMode.IPTABLES);
    if (mode != InterceptionMode.IPTABLES) {
      return Stream.of(
          new Violation(
              "spec.injection.captureOutbound",
              "outbound capture needs interception: iptables (it is "
                  + mode.name().toLowerCase()
                  + ")"));
    }
    return Stream.empty();
  }

  private static Stream<Violation> sidecarImage(ObservabilityPolicySpec spec) {
    InjectionSpec injection = spec.getInjection();
    if (injection == null || injection.getImage() == null) {
      return Stream.empty();
    }
    return Syntax.image(injection.getImage())
        .map(p -> new Violation("spec.injection.image", p))
        .stream();
  }

  private static Stream<Violation> sidecarResources(ObservabilityPolicySpec spec) {
    SidecarResourcesSpec resources =
        spec.getInjection() == null ? null : spec.getInjection().getResources();
    if (resources == null) {
      return Stream.empty();
    }
    String field = "spec.injection.resources";
    return Stream.of(
            requestWithinLimit(field, "cpu", resources.getCpuRequest(), resources.getCpuLimit()),
            requestWithinLimit(
                field, "memory", resources.getMemoryRequest(), resources.getMemoryLimit()))
        .flatMap(s -> s);
  }

  private static Stream<Violation> requestWithinLimit(
      String field, String what, String request, String limit) {
    Optional<java.math.BigDecimal> req = quantity(request);
    Optional<java.math.BigDecimal> lim = quantity(limit);
    List<Violation> found = new ArrayList<>();
    if (request != null && req.isEmpty()) {
      found.add(
          new Violation(field + "." + what + "Request", "'" + request + "' is not a quantity"));
    }
    if (limit != null && lim.isEmpty()) {
      found.add(new Violation(field + "." + what + "Limit", "'" + limit + "' is not a quantity"));
    }
    if (req.isPresent() && lim.isPresent() && req.get().compareTo(lim.get()) > 0) {
      found.add(
          new Violation(
              field + "." + what + "Request",
              what
                  + " request "
                  + request
                  + " is above the limit "
                  + limit
                  + " (the API server would reject the pod)"));
    }
    return found.stream();
  }

  private static Optional<java.math.BigDecimal> quantity(String text) {
    if (text == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Quantity.getAmountInBytes(new Quantity(text)));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  private static Stream<Violation> proxyTimeouts(ObservabilityPolicySpec spec) {
    ProxySpec proxy = spec.getProxy();
    if (proxy == null) {
      return Stream.empty();
    }
    Stream<Violation> own =
        Stream.of(
                positiveDuration("spec.proxy.connectTimeout", proxy.getConnectTimeout()),
                positiveDuration("spec.proxy.requestTimeout", proxy.getRequestTimeout()),
                positiveDuration("spec.proxy.idleTimeout", proxy.getIdleTimeout()),
                duration("spec.proxy.drainTimeout", proxy.getDrainTimeout()))
            .flatMap(Optional::stream);
    Stream<Violation> outbound =
        proxy.getOutbound() == null
            ? Stream.empty()
            : Stream.of(
                    positiveDuration(
                        "spec.proxy.outbound.timeout", proxy.getOutbound().getTimeout()),
                    positiveDuration(
                        "spec.proxy.outbound.circuitBreakerOpenDuration",
                        proxy.getOutbound().getCircuitBreakerOpenDuration()))
                .flatMap(Optional::stream);
    return Stream.of(own, outbound, tokenDestinations(proxy.getOutbound())).flatMap(s -> s);
  }

  /** The same reading of a host pattern the ambassador matches with. */
  private static Stream<Violation> tokenDestinations(OutboundSpec outbound) {
    if (outbound == null || outbound.getBearerTokenDestinations() == null) {
      return Stream.empty();
    }
    return indexed(outbound.getBearerTokenDestinations())
        .flatMap(
            e -> {
              String field = "spec.proxy.outbound.bearerTokenDestinations[" + e.index() + "]";
              if (e.value() == null) {
                return Stream.of(new Violation(field, "a destination needs a host"));
              }
              Stream<Violation> host =
                  HostPattern.problem(e.value().getHost())
                      .map(p -> new Violation(field + ".host", p))
                      .stream();
              Stream<Violation> port =
                  e.value().getPort() == null
                      ? Stream.empty()
                      : Syntax.port(e.value().getPort())
                          .map(p -> new Violation(field + ".port", p))
                          .stream();
              return Stream.concat(host, port);
            });
  }

  private static Stream<Violation> routePatterns(ObservabilityPolicySpec spec) {
    if (spec.getProxy() == null || spec.getProxy().getRoutePatterns() == null) {
      return Stream.empty();
    }
    List<String> routes = spec.getProxy().getRoutePatterns();
    Set<String> seen = new HashSet<>();
    return indexed(routes)
        .flatMap(
            e -> {
              String field = "spec.proxy.routePatterns[" + e.index() + "]";
              Optional<String> syntax = Syntax.routePattern(e.value());
              if (syntax.isPresent()) {
                return Stream.of(new Violation(field, syntax.get()));
              }
              return seen.add(e.value())
                  ? Stream.empty()
                  : Stream.of(new Violation(field, "'" + e.value() + "' is listed twice"));
            });
  }

  private static Stream<Violation> scrapeTarget(ObservabilityPolicySpec spec) {
    MetricsSpec metrics = spec.getMetrics();
    if (metrics == null || metrics.getScrape() == null) {
      return Stream.empty();
    }
    List<Violation> found = new ArrayList<>();
    Integer port = metrics.getScrape().getPort();
    if (port != null && Ports.isReserved(port)) {
      found.add(new Violation("spec.metrics.scrape.port", reservedPortMessage(port)));
    }
    Optional<Duration> interval = parse(metrics.getScrape().getInterval());
    Optional<Duration> timeout = parse(metrics.getScrape().getTimeout());
    positiveDuration("spec.metrics.scrape.interval", metrics.getScrape().getInterval())
        .ifPresent(found::add);
    positiveDuration("spec.metrics.scrape.timeout", metrics.getScrape().getTimeout())
        .ifPresent(found::add);
    if (interval.isPresent()
        && timeout.isPresent()
        && timeout.get().compareTo(interval.get()) > 0) {
      found.add(
          new Violation(
              "spec.metrics.scrape.timeout",
              "the timeout ("
                  + metrics.getScrape().getTimeout()
                  + ") must not exceed the interval ("
                  + metrics.getScrape().getInterval()
                  + ")"));
    }
    return found.stream();
  }

  private static Stream<Violation> metricsLabels(ObservabilityPolicySpec spec) {
    MetricsSpec metrics = spec.getMetrics();
    Stream<Violation> metricLabels =
        metrics == null
            ? Stream.empty()
            : podLabelKeys("spec.metrics.podLabels", metrics.getPodLabels());
    Stream<Violation> logLabels =
        spec.getLogs() == null
            ? Stream.empty()
            : podLabelKeys("spec.logs.podLabels", spec.getLogs().getPodLabels());
    return Stream.concat(metricLabels, logLabels);
  }

  private static Stream<Violation> podLabelKeys(String field, List<String> keys) {
    return indexed(Objects.requireNonNullElse(keys, List.of()))
        .flatMap(
            e ->
                Syntax.labelKey(e.value())
                    .map(p -> new Violation(field + "[" + e.index() + "]", p))
                    .stream());
  }

  private static Stream<Violation> metricsExporters(ObservabilityPolicySpec spec) {
    MetricsSpec metrics = spec.getMetrics();
    if (metrics == null) {
      return Stream.empty();
    }
    List<Violation> found = new ArrayList<>();
    if (metrics.getPushgateway() != null) {
      Syntax.httpUrl(metrics.getPushgateway().getUrl())
          .ifPresent(p -> found.add(new Violation("spec.metrics.pushgateway.url", p)));
      String job = metrics.getPushgateway().getJob();
      if (job != null && (job.isBlank() || job.contains("/"))) {
        found.add(
            new Violation(
                "spec.metrics.pushgateway.job", "the job must be non-empty and contain no '/'"));
      }
      positiveDuration("spec.metrics.pushgateway.interval", metrics.getPushgateway().getInterval())
          .ifPresent(found::add);
    }
    if (metrics.getRemoteWrite() != null) {
      Syntax.httpUrl(metrics.getRemoteWrite().getUrl())
          .ifPresent(p -> found.add(new Violation("spec.metrics.remoteWrite.url", p)));
      positiveDuration("spec.metrics.remoteWrite.interval", metrics.getRemoteWrite().getInterval())
          .ifPresent(found::add);
    }
    if (metrics.getOtlp() != null) {
      Syntax.httpUrl(metrics.getOtlp().getEndpoint())
          .ifPresent(p -> found.add(new Violation("spec.metrics.otlp.endpoint", p)));
      positiveDuration("spec.metrics.otlp.interval", metrics.getOtlp().getInterval())
          .ifPresent(found::add);
    }
    if (metrics.getStatsd() != null && metrics.getStatsd().getPort() != null) {
      int port = metrics.getStatsd().getPort();
      if (port == Ports.ADMIN || port == Ports.OUTBOUND || port == Ports.TELEMETRY) {
        found.add(new Violation("spec.metrics.statsd.port", reservedPortMessage(port)));
      }
    }
    return found.stream();
  }

  /**
   * Log files: absolute, normalised, under the shared directory the webhook mounts, valid globs.
   */
  private static Stream<Violation> logFiles(ObservabilityPolicySpec spec) {
    LogsSpec logs = spec.getLogs();
    if (logs == null) {
      return Stream.empty();
    }
    List<Violation> found = new ArrayList<>();
    String directory =
        Objects.requireNonNullElse(logs.getDirectory(), io.outrigger.config.Defaults.LOG_DIRECTORY);
    Optional<String> directoryProblem = absoluteNormalPath(directory);
    directoryProblem.ifPresent(p -> found.add(new Violation("spec.logs.directory", p)));
    if (directoryProblem.isEmpty() && Path.of(directory).getNameCount() == 0) {
      found.add(
          new Violation(
              "spec.logs.directory", "the log directory must not be / (it is mounted over)"));
    }
    List<String> paths = Objects.requireNonNullElse(logs.getPaths(), List.of());
    if (!Boolean.FALSE.equals(logs.getEnabled()) && paths.isEmpty()) {
      found.add(
          new Violation(
              "spec.logs.paths",
              "logs are enabled but no paths are given, e.g. " + directory + "/*.log"));
    }
    for (int i = 0; i < paths.size(); i++) {
      String path = paths.get(i);
      String field = "spec.logs.paths[" + i + "]";
      Optional<String> problem =
          absoluteNormalPath(path)
              .or(() -> Syntax.glob(path))
              .or(
                  () ->
                      directoryProblem.isEmpty() && !Path.of(path).startsWith(Path.of(directory))
                          ? Optional.of(
                              "'"
                                  + path
                                  + "' is outside the shared log directory "
                                  + directory
                                  + " (only that directory is visible to the sidecar)")
                          : Optional.empty());
      problem.ifPresent(p -> found.add(new Violation(field, p)));
    }
    return found.stream();
  }

  private static Optional<String> absoluteNormalPath(String path) {
    if (path == null || !path.startsWith("/")) {
      return Optional.of("'" + path + "' must be an absolute path");
    }
    if (Path.of(path).normalize().toString().length() != Path.of(path).toString().length()
        || path.contains("/../")
        || path.endsWith("/..")
        || path.contains("/./")) {
      return Optional.of("'" + path + "' must not contain '.' or '..' segments");
    }
    return Optional.empty();
  }

  private static Stream<Violation> multiline(ObservabilityPolicySpec spec) {
    MultilineSpec multiline = spec.getLogs() == null ? null : spec.getLogs().getMultiline();
    if (multiline == null) {
      return Stream.empty();
    }
    List<Violation> found = new ArrayList<>();
    boolean start = multiline.getStartPattern() != null;
    boolean continuation = multiline.getContinuationPattern() != null;
    if (start == continuation) {
      found.add(
          new Violation(
              "spec.logs.multiline", "set exactly one of startPattern and continuationPattern"));
    }
    if (start) {
      Syntax.regex(multiline.getStartPattern())
          .ifPresent(p -> found.add(new Violation("spec.logs.multiline.startPattern", p)));
    }
    if (continuation) {
      Syntax.regex(multiline.getContinuationPattern())
          .ifPresent(p -> found.add(new Violation("spec.logs.multiline.continuationPattern", p)));
    }
    positiveDuration("spec.logs.multiline.flushTimeout", multiline.getFlushTimeout())
        .ifPresent(found::add);
    return found.stream();
  }

  private static Stream<Violation> parser(ObservabilityPolicySpec spec) {
    ParserSpec parser = spec.getLogs() == null ? null : spec.getLogs().getParser();
    if (parser == null) {
      return Stream.empty();
    }
    List<Violation> found = new ArrayList<>();
    LogFormat format = Objects.requireNonNullElse(parser.getFormat(), LogFormat.PLAIN);
    String pattern = parser.getPattern();
    if (format == LogFormat.REGEX) {
      if (pattern == null) {
        found.add(
            new Violation(
                "spec.logs.parser.pattern", "format regex needs a pattern with named groups"));
      } else {
        Optional<String> syntax = Syntax.regex(pattern);
        syntax.ifPresent(p -> found.add(new Violation("spec.logs.parser.pattern", p)));
        if (syntax.isEmpty() && !Syntax.hasAnyNamedGroup(pattern)) {
          found.add(
              new Violation(
                  "spec.logs.parser.pattern",
                  "the pattern has no named group such as (?<level>\\w+): nothing to extract"));
        }
      }
    } else if (pattern != null) {
      found.add(
          new Violation(
              "spec.logs.parser.pattern",
              "a pattern is only used with format regex (format is "
                  + format.name().toLowerCase()
                  + ")"));
    }
    if (parser.getTimeFormat() != null) {
      Syntax.timeFormat(parser.getTimeFormat())
          .ifPresent(p -> found.add(new Violation("spec.logs.parser.timeFormat", p)));
      if (parser.getTimeField() == null) {
        found.add(
            new Violation(
                "spec.logs.parser.timeFormat", "a timeFormat needs a timeField to read it from"));
      }
    }
    return found.stream();
  }

  private static Stream<Violation> traceCorrelation(ObservabilityPolicySpec spec) {
    if (spec.getLogs() == null || spec.getLogs().getTraceCorrelation() == null) {
      return Stream.empty();
    }
    String pattern = spec.getLogs().getTraceCorrelation().getPattern();
    if (pattern == null) {
      return Stream.empty();
    }
    Optional<String> syntax = Syntax.regex(pattern);
    if (syntax.isPresent()) {
      return Stream.of(new Violation("spec.logs.traceCorrelation.pattern", syntax.get()));
    }
    return Syntax.hasNamedGroup(pattern, "trace")
        ? Stream.empty()
        : Stream.of(
            new Violation(
                "spec.logs.traceCorrelation.pattern",
                "the pattern needs a named group 'trace', e.g. trace=(?<trace>[0-9a-f]{32})"));
  }

  private static Stream<Violation> logOutputs(ObservabilityPolicySpec spec) {
    LogsSpec logs = spec.getLogs();
    if (logs == null || Boolean.FALSE.equals(logs.getEnabled())) {
      return Stream.empty();
    }
    LogOutputsSpec outputs = logs.getOutputs();
    boolean any =
        outputs != null
            && (outputs.getForward() != null
                || outputs.getOtlp() != null
                || outputs.getLoki() != null
                || outputs.getHttp() != null
                || Boolean.TRUE.equals(outputs.getStdout()));
    if (!any) {
      return Stream.of(
          new Violation(
              "spec.logs.outputs",
              "logs are enabled but go nowhere: set forward, otlp, loki, http or stdout"));
    }
    List<Violation> found = new ArrayList<>();
    if (outputs.getForward() != null) {
      Syntax.hostName(outputs.getForward().getHost())
          .ifPresent(p -> found.add(new Violation("spec.logs.outputs.forward.host", p)));
    }
    if (outputs.getOtlp() != null) {
      Syntax.httpUrl(outputs.getOtlp().getEndpoint())
          .ifPresent(p -> found.add(new Violation("spec.logs.outputs.otlp.endpoint", p)));
    }
    if (outputs.getLoki() != null) {
      Syntax.httpUrl(outputs.getLoki().getUrl())
          .ifPresent(p -> found.add(new Violation("spec.logs.outputs.loki.url", p)));
      Objects.requireNonNullElse(outputs.getLoki().getLabels(), Map.<String, String>of())
          .keySet()
          .forEach(
              key ->
                  Syntax.prometheusLabelName(key)
                      .ifPresent(
                          p -> found.add(new Violation("spec.logs.outputs.loki.labels", p))));
    }
    if (outputs.getHttp() != null) {
      Syntax.httpUrl(outputs.getHttp().getUrl())
          .ifPresent(p -> found.add(new Violation("spec.logs.outputs.http.url", p)));
    }
    return found.stream();
  }

  private static Stream<Violation> propagators(ObservabilityPolicySpec spec) {
    TracingSpec tracing = spec.getTracing();
    if (tracing == null || tracing.getPropagators() == null) {
      return Stream.empty();
    }
    List<Propagator> propagators = tracing.getPropagators();
    List<Violation> found = new ArrayList<>();
    Set<Propagator> seen = new HashSet<>();
    for (int i = 0; i < propagators.size(); i++) {
      Propagator p = propagators.get(i);
      if (p == null) {
        found.add(new Violation("spec.tracing.propagators[" + i + "]", "unknown propagator"));
      } else if (!seen.add(p)) {
        found.add(
            new Violation(
                "spec.tracing.propagators[" + i + "]",
                "'" + p.name().toLowerCase() + "' is listed twice"));
      }
    }
    if (!propagators.isEmpty() && seen.equals(Set.of(Propagator.BAGGAGE))) {
      found.add(
          new Violation(
              "spec.tracing.propagators",
              "baggage alone carries no trace context; add tracecontext, b3, b3multi, jaeger or xtrace"));
    }
    return found.stream();
  }

  /** Methods are tokens (RFC 9110 §9.1) and case-sensitive, so each must be one and listed once. */
  private static Stream<Violation> httpKnownMethods(ObservabilityPolicySpec spec) {
    TracingSpec tracing = spec.getTracing();
    if (tracing == null || tracing.getHttpKnownMethods() == null) {
      return Stream.empty();
    }
    List<String> methods = tracing.getHttpKnownMethods();
    List<Violation> found = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < methods.size(); i++) {
      String field = "spec.tracing.httpKnownMethods[" + i + "]";
      String method = methods.get(i);
      Optional<String> problem = Syntax.httpMethod(method);
      if (problem.isPresent()) {
        found.add(new Violation(field, problem.get()));
      } else if (!seen.add(method)) {
        found.add(new Violation(field, "'" + method + "' is listed twice"));
      }
    }
    return found.stream();
  }

  private static Stream<Violation> traceExporter(ObservabilityPolicySpec spec) {
    TraceExporterSpec exporter = spec.getTracing() == null ? null : spec.getTracing().getExporter();
    List<Violation> found = new ArrayList<>();
    if (spec.getTracing() != null && spec.getTracing().getResourceAttributes() != null) {
      spec.getTracing().getResourceAttributes().keySet().stream()
          .filter(key -> key == null || key.isBlank())
          .findAny()
          .ifPresent(
              k ->
                  found.add(
                      new Violation(
                          "spec.tracing.resourceAttributes", "attribute names must not be empty")));
    }
    if (exporter == null) {
      return found.stream();
    }
    TraceProtocol protocol = exporter.getProtocol();
    if (protocol == null) {
      found.add(
          new Violation(
              "spec.tracing.exporter.protocol",
              "one of otlp-grpc, otlp-http, zipkin, none is required"));
    } else if (protocol != TraceProtocol.NONE) {
      Syntax.httpUrl(exporter.getEndpoint())
          .ifPresent(p -> found.add(new Violation("spec.tracing.exporter.endpoint", p)));
    }
    Objects.requireNonNullElse(exporter.getHeaders(), Map.<String, String>of())
        .keySet()
        .forEach(
            name ->
                Syntax.httpHeaderName(name)
                    .ifPresent(p -> found.add(new Violation("spec.tracing.exporter.headers", p))));
    found.addAll(headersFrom(exporter));
    positiveDuration("spec.tracing.exporter.timeout", exporter.getTimeout()).ifPresent(found::add);
    return found.stream();
  }

  /**
   * Each secret header: a valid header name, not also a plain header (which would win is not
   * obvious), a Secret name and key the kubelet can look up.
   */
  private static List<Violation> headersFrom(TraceExporterSpec exporter) {
    List<Violation> found = new ArrayList<>();
    List<HeaderFromSecretSpec> given =
        Objects.requireNonNullElse(exporter.getHeadersFrom(), List.of());
    Set<String> plain = new HashSet<>();
    Objects.requireNonNullElse(exporter.getHeaders(), Map.<String, String>of())
        .keySet()
        .forEach(h -> plain.add(h.toLowerCase(Locale.ROOT)));
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < given.size(); i++) {
      String field = "spec.tracing.exporter.headersFrom[" + i + "]";
      HeaderFromSecretSpec h = given.get(i);
      if (h == null) {
        found.add(new Violation(field, "must not be empty"));
        continue;
      }
      Syntax.httpHeaderName(h.getName())
          .ifPresent(p -> found.add(new Violation(field + ".name", p)));
      if (h.getName() != null) {
        String lower = h.getName().toLowerCase(Locale.ROOT);
        if (plain.contains(lower)) {
          found.add(
              new Violation(
                  field + ".name", h.getName() + " is in headers too: give it one source"));
        }
        if (!seen.add(lower)) {
          found.add(new Violation(field + ".name", h.getName() + " is listed twice"));
        }
      }
      if (h.getSecretName() == null
          || !h.getSecretName().matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?")
          || h.getSecretName().length() > 253) {
        found.add(
            new Violation(
                field + ".secretName",
                "must be a Secret name (lowercase letters, digits, '-' and '.')"));
      }
      if (h.getKey() == null
          || !h.getKey().matches("[-._a-zA-Z0-9]+")
          || h.getKey().length() > 253) {
        found.add(
            new Violation(field + ".key", "must be a Secret key (letters, digits, '-', '_', '.')"));
      }
    }
    return found;
  }

  private static Stream<Violation> healthTimeouts(ObservabilityPolicySpec spec) {
    return spec.getHealth() == null
        ? Stream.empty()
        : positiveDuration("spec.health.probeTimeout", spec.getHealth().getProbeTimeout()).stream();
  }

  private static Optional<Violation> duration(String field, String text) {
    if (text == null) {
      return Optional.empty();
    }
    try {
      DurationText.parse(text);
      return Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.of(new Violation(field, e.getMessage()));
    }
  }

  private static Optional<Violation> positiveDuration(String field, String text) {
    return duration(field, text)
        .or(
            () ->
                text != null && DurationText.parse(text).isZero()
                    ? Optional.of(new Violation(field, "must be longer than 0s"))
                    : Optional.empty());
  }

  private static Optional<Duration> parse(String text) {
    try {
      return text == null ? Optional.empty() : Optional.of(DurationText.parse(text));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private record Indexed<T>(int index, T value) {}

  private static <T> Stream<Indexed<T>> indexed(List<T> list) {
    return IntStream.range(0, list.size()).mapToObj(i -> new Indexed<>(i, list.get(i)));
  }
}
