package io.outrigger.api.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.outrigger.api.v1alpha1.ObservabilityPolicy;
import io.outrigger.api.v1alpha1.SidecarMode;
import io.outrigger.api.v1alpha1.spec.InjectionSpec;
import io.outrigger.api.v1alpha1.spec.ObservabilityPolicySpec;
import io.outrigger.config.Defaults;
import io.outrigger.config.InterceptionMode;
import io.outrigger.config.LogFormat;
import io.outrigger.config.MetricNaming;
import io.outrigger.config.Propagator;
import io.outrigger.config.SidecarConfig;
import io.outrigger.config.SidecarConfigCodec;
import io.outrigger.config.StatsdListen;
import io.outrigger.config.TraceProtocol;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PolicyResolverTest {

  @Test
  void anEmptyPolicyGetsTheSameDefaultsAsAStandaloneSidecar() {
    EffectivePolicy effective =
        PolicyResolver.resolve(policy("shop", "empty", new ObservabilityPolicySpec()));
    SidecarConfig d = SidecarConfig.defaults();
    SidecarConfig expected =
        new SidecarConfig(
            d.schemaVersion(),
            "shop/empty",
            d.proxy(),
            d.metrics(),
            d.logs(),
            d.tracing(),
            d.health());
    assertThat(effective.sidecar()).isEqualTo(expected);
    assertThat(effective.priority()).isZero();
    assertThat(effective.created()).isEqualTo(Instant.EPOCH);
    assertThat(effective.injection().sidecarMode()).isEqualTo(SidecarMode.AUTO);
    assertThat(effective.injection().interception()).isEqualTo(InterceptionMode.IPTABLES);
    assertThat(effective.injection().resources())
        .isEqualTo(new EffectivePolicy.Resources("50m", null, "128Mi", "192Mi"));
  }

  @Test
  void aFullPolicyResolvesEveryField() throws Exception {
    EffectivePolicy effective = PolicyResolver.resolve(load("full.yaml"));
    SidecarConfig config = effective.sidecar();

    assertThat(effective.namespace()).isEqualTo("shop");
    assertThat(effective.priority()).isEqualTo(5);
    assertThat(effective.created()).isEqualTo(Instant.parse("2026-11-01T10:00:00Z"));
    assertThat(effective.selector().getMatchLabels()).containsEntry("app", "checkout");
    assertThat(effective.injection().sidecarMode()).isEqualTo(SidecarMode.CLASSIC);
    assertThat(effective.injection().interception()).isEqualTo(InterceptionMode.PORT);
    assertThat(effective.injection().resources().cpuLimit()).isEqualTo("500m");
    assertThat(effective.injection().tlsSecretName()).isEqualTo("checkout-tls");

    assertThat(config.proxy().appPorts()).containsExactly(8080);
    assertThat(config.proxy().requestTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.proxy().idleTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(config.proxy().rateLimit()).isEqualTo(new SidecarConfig.RateLimitConfig(2.5, 3));
    assertThat(config.proxy().tls().certFile()).isEqualTo("/etc/outrigger/tls/tls.crt");
    assertThat(config.proxy().outbound().enabled()).isTrue();
    assertThat(config.proxy().outbound().maxRetries()).isEqualTo(1);
    assertThat(config.proxy().outbound().bearerTokenDestinations())
        .containsExactly(
            new SidecarConfig.TokenDestination("api.example.com", 443, false),
            new SidecarConfig.TokenDestination("*.billing.svc", null, true));

    assertThat(config.metrics().scrape().port()).isEqualTo(9100);
    assertThat(config.metrics().scrape().path()).isEqualTo("/metrics");
    assertThat(config.metrics().scrape().timeout())
        .as("the default timeout never exceeds the interval")
        .isEqualTo(Duration.ofSeconds(5));
    assertThat(config.metrics().pushgateway().interval()).isEqualTo(Duration.ofSeconds(30));

    assertThat(config.logs().enabled()).isTrue();
    assertThat(config.logs().parser().format()).isEqualTo(LogFormat.JSON);
    assertThat(config.logs().outputs().forward())
        .isEqualTo(
            new SidecarConfig.ForwardOutputConfig("fluentd", 24224, "outrigger", true, false));
    assertThat(config.logs().traceCorrelation().traceIdFields()).contains("trace_id", "traceId");

    assertThat(config.tracing().samplingRatio()).isEqualTo(0.5);
    assertThat(config.tracing().propagators()).containsExactly(Propagator.B3);
    assertThat(config.tracing().exporter().protocol()).isEqualTo(TraceProtocol.OTLP_GRPC);
    assertThat(config.tracing().wellKnownLabels()).isTrue();
    assertThat(config.tracing().httpKnownMethods()).containsExactly("GET", "POST", "PROPFIND");
    assertThat(config.metrics().otlp().naming()).isEqualTo(MetricNaming.OPENTELEMETRY);
    assertThat(config.metrics().otlp().interval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.metrics().statsd())
        .isEqualTo(new SidecarConfig.StatsdConfig(9125, StatsdListen.POD));
  }

  @Test
  void aStatsdListenerThatNamesNoAddressesListensOnTheLoopback() throws Exception {
    ObservabilityPolicy policy = load("full.yaml");
    policy.getSpec().getMetrics().getStatsd().setListen(null);
    assertThat(PolicyResolver.resolve(policy).sidecar().metrics().statsd().listen())
        .isEqualTo(StatsdListen.LOOPBACK);
  }

  @Test
  void anOtlpExportThatNamesNoNamingKeepsThePrometheusNames() throws Exception {
    ObservabilityPolicy policy = load("full.yaml");
    policy.getSpec().getMetrics().getOtlp().setNaming(null);
    policy.getSpec().getTracing().setHttpKnownMethods(null);
    SidecarConfig config = PolicyResolver.resolve(policy).sidecar();
    assertThat(config.metrics().otlp().naming()).isEqualTo(MetricNaming.PROMETHEUS);
    assertThat(config.tracing().httpKnownMethods()).isEqualTo(Defaults.HTTP_KNOWN_METHODS);
  }

  @Test
  void theRenderedConfigRoundTripsAndHashesStably() throws Exception {
    EffectivePolicy effective = PolicyResolver.resolve(load("full.yaml"));
    String json = SidecarConfigCodec.toJson(effective.sidecar());
    SidecarConfig read = SidecarConfigCodec.readJson(json, "sidecar.json");
    assertThat(read).isEqualTo(effective.sidecar());
    assertThat(SidecarConfigCodec.hash(read)).isEqualTo(effective.configHash());
    assertThat(PolicyResolver.resolve(load("full.yaml")).configHash())
        .isEqualTo(effective.configHash());
  }

  @Test
  void aChangedSpecChangesTheHash() throws Exception {
    ObservabilityPolicy policy = load("full.yaml");
    String before = PolicyResolver.resolve(policy).configHash();
    policy.getSpec().getTracing().setSamplingRatio(0.25);
    assertThat(PolicyResolver.resolve(policy).configHash()).isNotEqualTo(before);
  }

  @Test
  void anInvalidPolicyIsRefusedWithEveryViolation() {
    ObservabilityPolicySpec spec = new ObservabilityPolicySpec();
    InjectionSpec injection = new InjectionSpec();
    injection.setInboundPorts(List.of(15000, 15020));
    spec.setInjection(injection);
    assertThatThrownBy(() -> PolicyResolver.resolve(policy("shop", "bad", spec)))
        .isInstanceOfSatisfying(
            InvalidPolicyException.class,
            e -> {
              assertThat(e.violations()).hasSize(2);
              assertThat(e.getMessage())
                  .startsWith("policy shop/bad is invalid: spec.injection.inboundPorts[0]");
            });
  }

  private static final EffectivePolicy.Resources CLUSTER =
      new EffectivePolicy.Resources("100m", "1", "256Mi", "512Mi");

  @Test
  void sidecarResourcesLeftOutComeFromTheClustersDefaults() {
    assertThat(resources(null, null, null, null, CLUSTER)).isEqualTo(CLUSTER);
    assertThat(resources("300m", null, null, "384Mi", CLUSTER))
        .isEqualTo(new EffectivePolicy.Resources("300m", "1", "256Mi", "384Mi"));
  }

  @Test
  void thePolicysOwnQuantityWinsOverADefaultItWouldContradict() {
    // A policy request above the cluster's limit raises the limit...
    assertThat(resources(null, null, "1Gi", null, CLUSTER))
        .isEqualTo(new EffectivePolicy.Resources("100m", "1", "1Gi", "1Gi"));
    assertThat(resources("2", null, null, null, CLUSTER))
        .isEqualTo(new EffectivePolicy.Resources("2", "2", "256Mi", "512Mi"));
    // ...and a policy limit below the cluster's request lowers the request.
    assertThat(resources(null, "50m", null, "128Mi", CLUSTER))
        .isEqualTo(new EffectivePolicy.Resources("50m", "50m", "128Mi", "128Mi"));
  }

  @Test
  void withoutClusterDefaultsThePolicyGetsTheBuiltInOnes() {
    assertThat(resources(null, null, null, null, SidecarResources.BUILT_IN))
        .isEqualTo(new EffectivePolicy.Resources("50m", null, "128Mi", "192Mi"));
  }

  @Test
  void clusterDefaultsNoPodCouldCarryAreNamed() {
    assertThat(SidecarResources.problems(CLUSTER)).isEmpty();
    assertThat(SidecarResources.problems(new EffectivePolicy.Resources("2", "1", "lots", "512Mi")))
        .containsExactly("memory-request 'lots' is not a quantity");
    assertThat(SidecarResources.problems(new EffectivePolicy.Resources("2", "1", "1Gi", "512Mi")))
        .containsExactly(
            "cpu request 2 is above the cpu limit 1",
            "memory request 1Gi is above the memory limit 512Mi");
  }

  private static EffectivePolicy.Resources resources(
      String cpuRequest,
      String cpuLimit,
      String memoryRequest,
      String memoryLimit,
      EffectivePolicy.Resources defaults) {
    ObservabilityPolicySpec spec = new ObservabilityPolicySpec();
    InjectionSpec injection = new InjectionSpec();
    io.outrigger.api.v1alpha1.spec.SidecarResourcesSpec given =
        new io.outrigger.api.v1alpha1.spec.SidecarResourcesSpec();
    given.setCpuRequest(cpuRequest);
    given.setCpuLimit(cpuLimit);
    given.setMemoryRequest(memoryRequest);
    given.setMemoryLimit(memoryLimit);
    injection.setResources(given);
    spec.setInjection(injection);
    return PolicyResolver.resolve(policy("shop", "resources", spec), defaults)
        .injection()
        .resources();
  }

  private static ObservabilityPolicy policy(
      String namespace, String name, ObservabilityPolicySpec spec) {
    ObservabilityPolicy policy = new ObservabilityPolicy();
    policy.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
    policy.setSpec(spec);
    return policy;
  }

  private static ObservabilityPolicy load(String file) throws Exception {
    try (InputStream in = PolicyResolverTest.class.getResourceAsStream("/policies/" + file)) {
      return Serialization.unmarshal(in, ObservabilityPolicy.class);
    }
  }
}
