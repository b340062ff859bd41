package io.outrigger.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.outrigger.api.policy.EffectivePolicy;
import io.outrigger.api.policy.PolicyResolver;
import io.outrigger.api.v1alpha1.spec.ObservabilityPolicySpec;
import io.outrigger.testing.RealKubeApiServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The generated CRD on a real kube-apiserver 1.20.2: it is accepted, defaults are applied, schema
 * violations are refused with the field named, and the schema the server serves back documents
 * every field.
 */
class ObservabilityPolicyCrdIT {

  private static final String NAMESPACE = "crd-it";
  private static final ResourceDefinitionContext POLICIES =
      new ResourceDefinitionContext.Builder()
          .withGroup(ObservabilityPolicy.GROUP)
          .withVersion(ObservabilityPolicy.VERSION)
          .withPlural(ObservabilityPolicy.PLURAL)
          .withKind("ObservabilityPolicy")
          .withNamespaced(true)
          .build();

  private static KubernetesClient client;

  @BeforeAll
  static void applyCrd() throws IOException {
    client = RealKubeApiServer.client();
    RealKubeApiServer.applyCrd(client, GeneratedCrdTest.committed());
    client
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build())
        .createOr(existing -> existing.update());
  }

  @AfterAll
  static void close() {
    if (client != null) {
      client.close();
    }
  }

  @Test
  void aValidPolicyIsStoredWithTheSchemaDefaultsApplied() {
    ObservabilityPolicy policy = new ObservabilityPolicy();
    policy.setMetadata(
        new ObjectMetaBuilder().withName("defaults").withNamespace(NAMESPACE).build());
    policy.setSpec(new ObservabilityPolicySpec());

    ObservabilityPolicy stored =
        client.resources(ObservabilityPolicy.class).resource(policy).create();

    ObservabilityPolicySpec spec =
        client
            .resources(ObservabilityPolicy.class)
            .inNamespace(NAMESPACE)
            .withName("defaults")
            .get()
            .getSpec();
    assertThat(spec.getPriority()).isZero();
    assertThat(spec.getInjection().getInterception())
        .isEqualTo(io.outrigger.config.InterceptionMode.IPTABLES);
    assertThat(spec.getInjection().getSidecarMode()).isEqualTo(SidecarMode.AUTO);
    assertThat(spec.getInjection().getResources()).isNull();
    assertThat(spec.getProxy().getRequestTimeout()).isEqualTo("30s");
    assertThat(spec.getProxy().getMaxHeaderBytes()).isEqualTo(8192);
    assertThat(spec.getMetrics().getMaxSeries()).isEqualTo(50_000);
    assertThat(spec.getTracing().getSamplingRatio()).isEqualTo(0.01);
    assertThat(spec.getHealth().getProbeTimeout()).isEqualTo("1s");
    assertThat(spec.getLogs()).as("logs stay off unless asked for").isNull();

    // The server's defaults and PolicyResolver's are the same constants: both resolve to one
    // config.
    EffectivePolicy fromServer = PolicyResolver.resolve(client.resource(stored).get());
    EffectivePolicy local = PolicyResolver.resolve(policy);
    assertThat(fromServer.sidecar()).isEqualTo(local.sidecar());
    assertThat(fromServer.configHash()).isEqualTo(local.configHash());
  }

  /**
   * The server writes no sidecar resource into a policy that names one of them: a schema default
   * there would stand in for the cluster's default (the chart's sidecar.resources), which then
   * could never apply.
   */
  @Test
  void sidecarResourcesLeftOutAreLeftToTheClustersDefaults() {
    ObservabilityPolicy policy = new ObservabilityPolicy();
    policy.setMetadata(
        new ObjectMetaBuilder().withName("cluster-resources").withNamespace(NAMESPACE).build());
    ObservabilityPolicySpec spec = new ObservabilityPolicySpec();
    spec.setInjection(new io.outrigger.api.v1alpha1.spec.InjectionSpec());
    spec.getInjection().setResources(new io.outrigger.api.v1alpha1.spec.SidecarResourcesSpec());
    spec.getInjection().getResources().setMemoryLimit("512Mi");
    policy.setSpec(spec);
    client.resources(ObservabilityPolicy.class).resource(policy).create();

    ObservabilityPolicy stored =
        client
            .resources(ObservabilityPolicy.class)
            .inNamespace(NAMESPACE)
            .withName("cluster-resources")
            .get();
    var resources = stored.getSpec().getInjection().getResources();
    assertThat(resources.getMemoryLimit()).isEqualTo("512Mi");
    assertThat(resources.getCpuRequest()).isNull();
    assertThat(resources.getMemoryRequest()).isNull();
    assertThat(
            PolicyResolver.resolve(
                    stored, new EffectivePolicy.Resources("200m", "1", "256Mi", "1Gi"))
                .injection()
                .resources())
        .isEqualTo(new EffectivePolicy.Resources("200m", "1", "256Mi", "512Mi"));
  }

  @Test
  void aFullPolicyIsStoredAsWritten() throws IOException {
    ObservabilityPolicy policy;
    try (InputStream in = getClass().getResourceAsStream("/policies/full.yaml")) {
      policy = Serialization.unmarshal(in, ObservabilityPolicy.class);
    }
    policy.getMetadata().setNamespace(NAMESPACE);
    policy.getMetadata().setCreationTimestamp(null);
    client.resource(policy).create();
    ObservabilityPolicy stored =
        client
            .resources(ObservabilityPolicy.class)
            .inNamespace(NAMESPACE)
            .withName("checkout")
            .get();
    assertThat(stored.getSpec().getProxy().getRateLimit().getRequestsPerSecond()).isEqualTo(2.5);
    assertThat(stored.getSpec().getLogs().getOutputs().getForward().getPort())
        .as("defaults inside a given section")
        .isEqualTo(24224);
    assertThat(PolicyResolver.resolve(stored).sidecar().tracing().samplingRatio()).isEqualTo(0.5);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          wrong type: priority is a word           | {"priority": "high"}                                        | spec.priority                   | must be of type integer
          wrong type: propagators is a string      | {"tracing": {"propagators": "b3"}}                          | spec.tracing.propagators        | must be of type array
          out of range: sampling ratio above 1     | {"tracing": {"samplingRatio": 2}}                           | spec.tracing.samplingRatio      | less than or equal to 1
          out of range: header limit below minimum | {"proxy": {"maxHeaderBytes": 10}}                           | spec.proxy.maxHeaderBytes       | greater than or equal to 1024
          out of range: priority above maximum     | {"priority": 5000}                                          | spec.priority                   | less than or equal to 1000
          unknown enum: interception mode          | {"injection": {"interception": "magic"}}                    | spec.injection.interception     | Unsupported value
          unknown enum: propagator                 | {"tracing": {"propagators": ["w3c"]}}                       | spec.tracing.propagators        | Unsupported value
          missing required: exporter protocol      | {"tracing": {"exporter": {"endpoint": "http://x:4317"}}}    | spec.tracing.exporter.protocol  | Required value
          missing required: forward host           | {"logs": {"paths": ["/var/log/app/a.log"], "outputs": {"forward": {}}}} | spec.logs.outputs.forward.host | Required value
          bad pattern: duration                    | {"proxy": {"requestTimeout": "10 parsecs"}}                 | spec.proxy.requestTimeout       | should match
          bad pattern: quantity                    | {"injection": {"resources": {"memoryLimit": "lots"}}}        | spec.injection.resources.memoryLimit | should match
          too many items: inbound ports            | {"injection": {"inboundPorts": [1,2,3,4,5,6,7,8,9,10,11,12,13,14,15]}} | spec.injection.inboundPorts | should have at most 14 items
          """)
  void schemaInvalidPoliciesAreRefusedNamingTheField(
      String name, String specJson, String field, String reason) throws IOException {
    Map<String, Object> spec = new ObjectMapper().readValue(specJson, Map.class);
    GenericKubernetesResource policy = new GenericKubernetesResource();
    policy.setApiVersion(ObservabilityPolicy.GROUP + "/" + ObservabilityPolicy.VERSION);
    policy.setKind("ObservabilityPolicy");
    policy.setMetadata(
        new ObjectMetaBuilder().withName("invalid").withNamespace(NAMESPACE).build());
    policy.setAdditionalProperty("spec", spec);

    assertThatThrownBy(() -> client.genericKubernetesResources(POLICIES).resource(policy).create())
        .isInstanceOfSatisfying(
            KubernetesClientException.class,
            e -> {
              assertThat(e.getCode()).isEqualTo(422);
              assertThat(e.getMessage()).contains(field).contains(reason);
            });
    assertThat(
            client
                .genericKubernetesResources(POLICIES)
                .inNamespace(NAMESPACE)
                .withName("invalid")
                .get())
        .as("nothing was stored")
        .isNull();
  }

  @Test
  void theCrdServedBackDocumentsEverySpecField() {
    CustomResourceDefinition served =
        client
            .apiextensions()
            .v1()
            .customResourceDefinitions()
            .withName(ObservabilityPolicy.CRD_NAME)
            .get();
    JsonNode schema =
        new ObjectMapper()
            .valueToTree(served.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema());
    JsonNode spec = schema.path("properties").path("spec");
    List<String> paths = CrdSchemaWalker.allPaths(spec, "spec");
    assertThat(paths).hasSizeGreaterThan(100).contains("spec.tracing.exporter.protocol");
    assertThat(CrdSchemaWalker.undocumented(spec, "spec")).isEmpty();
    assertThat(CrdSchemaWalker.undocumented(schema.path("properties").path("status"), "status"))
        .isEmpty();
  }

  @Test
  void kubectlExplainTeachesTheFields() throws Exception {
    Path kubeconfig = Files.createTempFile("outrigger-it", ".kubeconfig");
    Files.writeString(kubeconfig, RealKubeApiServer.kubeConfigYaml());
    Path kubectl = RealKubeApiServer.binary("kubectl");
    // The server publishes a new CRD's OpenAPI a moment after it is established.
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> {
              Process explain =
                  new ProcessBuilder(
                          kubectl.toString(),
                          "--kubeconfig",
                          kubeconfig.toString(),
                          "explain",
                          "obspol.spec.proxy.requestTimeout")
                      .redirectErrorStream(true)
                      .start();
              String out =
                  new String(explain.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
              assertThat(explain.waitFor(30, TimeUnit.SECONDS)).isTrue();
              assertThat(out).contains("How long the app may take to start answering");
            });
  }
}
