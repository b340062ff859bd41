package io.outrigger.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SidecarConfigCodecTest {

  @Test
  void defaultsRoundTripThroughJson() {
    SidecarConfig defaults = SidecarConfig.defaults();
    String json = SidecarConfigCodec.toJson(defaults);
    assertThat(SidecarConfigCodec.readJson(json, "test")).isEqualTo(defaults);
    assertThat(json).contains("\"requestTimeout\" : \"30s\"");
  }

  @Test
  void aFullyPopulatedConfigRoundTrips() {
    SidecarConfig d = SidecarConfig.defaults();
    SidecarConfig full =
        new SidecarConfig(
            1,
            "shop/checkout",
            new SidecarConfig.ProxyConfig(
                true,
                List.of(8080, 9090),
                List.of(9091),
                Duration.ofMillis(250),
                Duration.ofSeconds(5),
                Duration.ofMinutes(2),
                Duration.ofSeconds(20),
                16384,
                32,
                new SidecarConfig.RateLimitConfig(100.5, 20),
                new SidecarConfig.TlsConfig("/etc/tls/tls.crt", "/etc/tls/tls.key"),
                List.of("/users/{id}"),
                new SidecarConfig.OutboundConfig(
                    true,
                    Duration.ofSeconds(3),
                    1,
                    0.1,
                    3,
                    Duration.ofSeconds(10),
                    "/var/run/token",
                    List.of(
                        new SidecarConfig.TokenDestination("*.example.com", 443, false),
                        new SidecarConfig.TokenDestination("billing.internal", null, true)))),
            new SidecarConfig.MetricsConfig(
                true,
                new SidecarConfig.ScrapeConfig(
                    9100, "/stats", Scheme.HTTPS, Duration.ofSeconds(5), Duration.ofSeconds(4)),
                List.of("app", "version"),
                1000,
                200,
                new SidecarConfig.PushgatewayConfig(
                    "http://pg:9091", "checkout", Duration.ofSeconds(10)),
                new SidecarConfig.RemoteWriteConfig(
                    "http://vm:8428/api/v1/write", Duration.ofSeconds(15), 500),
                new SidecarConfig.OtlpMetricsConfig(
                    "http://otel:4318", Duration.ofSeconds(60), MetricNaming.OPENTELEMETRY),
                new SidecarConfig.StatsdConfig(9125)),
            new SidecarConfig.LogsConfig(
                true,
                "/var/log/app",
                List.of("/var/log/app/*.log"),
                ReadFrom.END,
                new SidecarConfig.MultilineConfig("^\\d{4}-", null, Duration.ofSeconds(2), 100),
                new SidecarConfig.ParserConfig(
                    LogFormat.REGEX, "(?<level>\\w+) (?<msg>.*)", "ts", "ISO8601", "level"),
                new SidecarConfig.TraceCorrelationConfig(
                    List.of("tid"), List.of("sid"), "trace=(?<trace>[0-9a-f]{32})"),
                List.of("app"),
                RecordLayout.FLUENT_BIT,
                4096,
                100,
                new SidecarConfig.LogOutputsConfig(
                    new SidecarConfig.ForwardOutputConfig("fluentd", 24224, "app", true, false),
                    new SidecarConfig.OtlpLogsConfig("http://otel:4318"),
                    new SidecarConfig.LokiConfig(
                        "http://loki:3100", Map.of("team", "a", "env", "b")),
                    new SidecarConfig.HttpOutputConfig("http://sink:8080/logs"),
                    false)),
            new SidecarConfig.TracingConfig(
                true,
                0.5,
                List.of(Propagator.B3, Propagator.XTRACE),
                "checkout",
                new SidecarConfig.TraceExporterConfig(
                    TraceProtocol.ZIPKIN,
                    "http://zipkin:9411/api/v2/spans",
                    Map.of("x-token", "t"),
                    List.of(new SecretHeader("Authorization", "zipkin-auth", "header")),
                    Duration.ofSeconds(3)),
                Map.of("deployment.environment", "prod"),
                true,
                List.of("GET", "PROPFIND")),
            d.health());
    String json = SidecarConfigCodec.toJson(full);
    assertThat(SidecarConfigCodec.readJson(json, "test")).isEqualTo(full);
    assertThat(SidecarConfigCodec.hash(SidecarConfigCodec.readJson(json, "test")))
        .isEqualTo(SidecarConfigCodec.hash(full))
        .isNotEqualTo(SidecarConfigCodec.hash(d))
        .hasSize(16);
  }

  @Test
  void aPartialYamlFileIsLaidOverTheDefaults() {
    SidecarConfig config =
        SidecarConfigCodec.readYaml(
            """
            proxy:
              appPorts: [8080]
              requestTimeout: 5s
            tracing:
              samplingRatio: 1.0
            """,
            "sidecar.yaml");
    SidecarConfig d = SidecarConfig.defaults();
    assertThat(config.proxy().appPorts()).containsExactly(8080);
    assertThat(config.proxy().requestTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.proxy().idleTimeout()).isEqualTo(d.proxy().idleTimeout());
    assertThat(config.tracing().samplingRatio()).isEqualTo(1.0);
    assertThat(config.tracing().propagators()).isEqualTo(d.tracing().propagators());
    assertThat(config.metrics()).isEqualTo(d.metrics());
  }

  @Test
  void anOptionalSectionTurnedOnGetsItsDefaults() {
    SidecarConfig config =
        SidecarConfigCodec.readYaml(
            "metrics: {scrape: {port: 9100, interval: 5s}}\nlogs: {outputs: {forward: {host: fluentd}}}\n",
            "sidecar.yaml");
    assertThat(config.metrics().scrape())
        .isEqualTo(
            new SidecarConfig.ScrapeConfig(
                9100, "/metrics", Scheme.HTTP, Duration.ofSeconds(5), Duration.ofSeconds(10)));
    assertThat(config.logs().outputs().forward())
        .isEqualTo(
            new SidecarConfig.ForwardOutputConfig("fluentd", 24224, "outrigger", true, false));
    assertThat(config.metrics().pushgateway()).as("sections not given stay off").isNull();
  }

  @Test
  void logOutputSettingsRoundTripAndDefaultWhenLeftOut() {
    SidecarConfig config =
        SidecarConfigCodec.readYaml(
            """
            logs:
              outputs:
                forward: {host: fluentd, tls: true, caFile: /etc/ca.pem, ackTimeout: 5s}
                otlp: {endpoint: "http://otel:4318", headers: {x-token: t}}
                loki: {url: "http://loki:3100", tenantId: team-a, timeout: 3s}
                http: {url: "http://sink/logs"}
                retryMaxBackoff: 1m
            """,
            "sidecar.yaml");
    SidecarConfig.LogOutputsConfig outputs = config.logs().outputs();
    assertThat(outputs.forward())
        .isEqualTo(
            new SidecarConfig.ForwardOutputConfig(
                "fluentd",
                24224,
                "outrigger",
                true,
                true,
                "/etc/ca.pem",
                Duration.ofSeconds(1),
                Duration.ofSeconds(5)));
    assertThat(outputs.otlp().headers()).containsEntry("x-token", "t");
    assertThat(outputs.otlp().timeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(outputs.loki().tenantId()).isEqualTo("team-a");
    assertThat(outputs.loki().timeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(outputs.loki().labels()).isEmpty();
    assertThat(outputs.http().timeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(outputs.retryInitialBackoff()).isEqualTo(Duration.ofMillis(500));
    assertThat(outputs.retryMaxBackoff()).isEqualTo(Duration.ofMinutes(1));
    assertThat(SidecarConfigCodec.readJson(SidecarConfigCodec.toJson(config), "again"))
        .isEqualTo(config);
  }

  @Test
  void tokenDestinationsAreLeftOutUntilNamedAndPlainHttpIsOffUnlessSaid() {
    // Left out when empty: policies that name none keep their config hash.
    assertThat(SidecarConfigCodec.toJson(SidecarConfig.defaults()))
        .doesNotContain("bearerTokenDestinations");
    SidecarConfig config =
        SidecarConfigCodec.readYaml(
            "proxy: {outbound: {bearerTokenFile: /t, bearerTokenDestinations:"
                + " [{host: api.example.com}, {host: '*.svc', port: 8080, allowPlainHttp: true}]}}",
            "test");
    assertThat(config.proxy().outbound().bearerTokenDestinations())
        .containsExactly(
            new SidecarConfig.TokenDestination("api.example.com", null, false),
            new SidecarConfig.TokenDestination("*.svc", 8080, true));
  }

  @Test
  void anEmptyDocumentIsTheDefaults() {
    assertThat(SidecarConfigCodec.readYaml("", "empty.yaml")).isEqualTo(SidecarConfig.defaults());
  }

  @Test
  void theHashIgnoresMapOrder() {
    SidecarConfig a = withResourceAttributes(Map.of("a", "1", "b", "2", "c", "3"));
    SidecarConfig b = withResourceAttributes(Map.of("c", "3", "a", "1", "b", "2"));
    assertThat(SidecarConfigCodec.hash(a)).isEqualTo(SidecarConfigCodec.hash(b));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          unknown field is a typo              | {"proxy": {"requestTimeot": "5s"}}            | proxy.requestTimeot  | Unrecognized field
          duration without unit                | {"proxy": {"requestTimeout": "5"}}            | proxy.requestTimeout | not a duration
          duration as a number                 | {"proxy": {"requestTimeout": 5}}              | proxy.requestTimeout | a duration is a string
          unknown propagator                   | {"tracing": {"propagators": ["w3c"]}}         | tracing.propagators[0] | not one of the values accepted
          string where a number goes           | {"metrics": {"maxSeries": "many"}}            | metrics.maxSeries    | Cannot coerce
          unsupported schema version           | {"schemaVersion": 2}                          | schemaVersion        | unsupported version 2
          """)
  void badFieldsAreNamed(String name, String document, String field, String reason) {
    assertThatThrownBy(() -> SidecarConfigCodec.readJson(document, "sidecar.json"))
        .isInstanceOfSatisfying(
            InvalidConfigException.class,
            e -> {
              assertThat(e.field()).isEqualTo(field);
              assertThat(e.reason()).contains(reason);
              assertThat(e.getMessage()).startsWith("sidecar.json: field '" + field + "'");
            });
  }

  @Test
  void brokenSyntaxNamesTheLine() {
    assertThatThrownBy(
            () ->
                SidecarConfigCodec.readJson(
                    "{\n  \"proxy\": {\n    \"enabled\": tru\n}", "sidecar.json"))
        .isInstanceOfSatisfying(
            InvalidConfigException.class,
            e -> {
              assertThat(e.location()).startsWith("line 3");
              assertThat(e.getMessage()).contains("not valid JSON");
            });
  }

  @Test
  void aDocumentThatIsNotAnObjectIsRefused() {
    assertThatThrownBy(() -> SidecarConfigCodec.readYaml("- a\n- b\n", "sidecar.yaml"))
        .hasMessage("sidecar.yaml: the document must be an object");
  }

  private static SidecarConfig withResourceAttributes(Map<String, String> attributes) {
    SidecarConfig d = SidecarConfig.defaults();
    return d.withTracing(d.tracing().withResourceAttributes(attributes));
  }
}
