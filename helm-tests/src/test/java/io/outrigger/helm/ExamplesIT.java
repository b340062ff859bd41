package io.outrigger.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.outrigger.api.policy.PolicyResolver;
import io.outrigger.api.v1alpha1.ObservabilityPolicy;
import io.outrigger.api.validation.PolicyValidator;
import io.outrigger.testing.RealKubeApiServer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every manifest under {@code examples/} is stored by the real API server (its schemas, the CRD's
 * defaults), and every policy also passes the validator the operator runs and resolves to an
 * effective policy, so an example never shows up as {@code Valid=False}.
 */
class ExamplesIT {
  private static final String NAMESPACE = "examples";
  private static KubernetesClient client;

  @BeforeAll
  static void crd() {
    client = RealKubeApiServer.client();
    Cluster.applyChartCrd(client);
    Cluster.namespace(client, NAMESPACE);
  }

  @AfterAll
  static void close() {
    client.close();
  }

  static List<Path> manifests() {
    return Examples.manifests();
  }

  @Test
  void thereIsAPolicyForEachCommonCaseAndTheDemoApp() {
    assertThat(manifests().stream().map(Examples::name))
        .contains(
            "policy-metrics.yaml",
            "policy-logs-fluentd.yaml",
            "policy-full-tracing.yaml",
            "demo-app/kubernetes.yaml");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("manifests")
  void isStoredByTheRealApiServer(Path manifest) {
    List<GenericKubernetesResource> objects = Examples.objects(manifest);
    assertThat(objects).as(Examples.name(manifest)).isNotEmpty();

    for (GenericKubernetesResource object : objects) {
      assertThat(object.getMetadata().getNamespace())
          .as("examples are applied with -n <namespace>")
          .isNull();
      GenericKubernetesResource stored =
          client.resource(object).inNamespace(NAMESPACE).createOr(existing -> existing.update());
      assertThat(stored.getMetadata().getUid()).isNotBlank();

      if (object.getKind().equals("ObservabilityPolicy")) {
        ObservabilityPolicy policy =
            client
                .resources(ObservabilityPolicy.class)
                .inNamespace(NAMESPACE)
                .withName(object.getMetadata().getName())
                .get();
        assertThat(PolicyValidator.describe(PolicyValidator.validate(policy.getSpec())))
            .as("%s passes the operator's validator", Examples.name(manifest))
            .isEmpty();
        assertThat(PolicyResolver.resolve(policy).name()).isEqualTo(object.getMetadata().getName());
        // The file as written (before server defaults) reads as the same API type.
        assertThat(
                Serialization.unmarshal(Serialization.asJson(object), ObservabilityPolicy.class)
                    .getSpec())
            .isNotNull();
      }
    }
  }
}
