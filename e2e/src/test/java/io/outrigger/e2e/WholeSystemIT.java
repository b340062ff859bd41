package io.outrigger.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.Release;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Outrigger as a cluster admin and an app team run it, on a real node: the chart installed with
 * Helm's own code, the operator running as pods from its image, the examples applied unchanged, the
 * demo pods injected and Ready, the policy's status from the sidecars' own reports, and an
 * uninstall that leaves nothing of the release behind. The steps build on each other, so they run
 * in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WholeSystemIT {
  private static final String RELEASE = "outrigger";
  private static final String SYSTEM = "outrigger-system";
  private static final String DEMO = "demo";
  private static final String RELEASE_SELECTOR = "app.kubernetes.io/instance=" + RELEASE;
  private static final ResourceDefinitionContext POLICIES =
      new ResourceDefinitionContext.Builder()
          .withGroup("outrigger.io")
          .withVersion("v1alpha1")
          .withPlural("observabilitypolicies")
          .withKind("ObservabilityPolicy")
          .withNamespaced(true)
          .build();

  private static KubernetesClient client;

  @BeforeAll
  static void connect() {
    client = Node.client();
  }

  @AfterAll
  static void close() {
    if (client != null) {
      client.close();
    }
  }

  @Test
  @Order(1)
  void theChartInstallsAndTheOperatorRunsFromItsImage() {
    Release installed =
        new Helm(Node.repo("helm/outrigger"))
            .install()
            .withName(RELEASE)
            .withNamespace(SYSTEM)
            .createNamespace()
            .withKubeConfigContents(Node.kubeconfigYaml())
            .call();
    assertThat(installed.getStatus()).isEqualTo("deployed");

    eventually(
            "the operator's Deployment available with every replica ready", Duration.ofMinutes(4))
        .untilAsserted(
            () -> {
              Deployment operator =
                  client
                      .apps()
                      .deployments()
                      .inNamespace(SYSTEM)
                      .withName(RELEASE + "-operator")
                      .get();
              assertThat(operator.getStatus().getReadyReplicas())
                  .isEqualTo(operator.getSpec().getReplicas());
            });
    await("a leader holds the Lease")
        .atMost(Duration.ofMinutes(2))
        .untilAsserted(
            () ->
                assertThat(
                        client.leases().inNamespace(SYSTEM).list().getItems().stream()
                            .map(Lease::getSpec)
                            .filter(s -> s.getHolderIdentity() != null)
                            .toList())
                    .isNotEmpty());
    await("the operator's CA in the webhook configuration")
        .atMost(Duration.ofMinutes(2))
        .untilAsserted(
            () -> {
              MutatingWebhookConfiguration webhook =
                  client
                      .admissionRegistration()
                      .v1()
                      .mutatingWebhookConfigurations()
                      .withName(RELEASE)
                      .get();
              assertThat(webhook.getWebhooks())
                  .allSatisfy(w -> assertThat(w.getClientConfig().getCaBundle()).isNotBlank());
            });
  }

  @Test
  @Order(2)
  void theDemoPodsAreInjectedReadyAndReportedByTheirSidecars() throws Exception {
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(DEMO).endMetadata().build())
        .serverSideApply();
    apply(DEMO, "examples/policy-metrics.yaml");
    apply(DEMO, "examples/demo-app/kubernetes.yaml");

    eventually("two demo pods Running and Ready with the sidecar", Duration.ofMinutes(4))
        .untilAsserted(
            () -> {
              List<Pod> pods =
                  client.pods().inNamespace(DEMO).withLabel("app", "demo-app").list().getItems();
              assertThat(pods).hasSize(2);
              for (Pod pod : pods) {
                assertThat(pod.getSpec().getContainers().stream().map(Container::getName))
                    .contains("app", "outrigger-sidecar");
                assertThat(pod.getStatus().getPhase()).isEqualTo("Running");
                assertThat(pod.getStatus().getConditions())
                    .anySatisfy(
                        c -> {
                          assertThat(c.getType()).isEqualTo("Ready");
                          assertThat(c.getStatus()).isEqualTo("True");
                        });
              }
            });
    eventually("the policy Ready from the sidecars' reports", Duration.ofMinutes(2))
        .untilAsserted(
            () -> {
              GenericKubernetesResource policy =
                  client
                      .genericKubernetesResources(POLICIES)
                      .inNamespace(DEMO)
                      .withName("demo-metrics")
                      .get();
              @SuppressWarnings("unchecked")
              Map<String, Object> status =
                  (Map<String, Object>) policy.getAdditionalProperties().get("status");
              assertThat(status).isNotNull();
              assertThat(String.valueOf(status)).contains("Ready");
              @SuppressWarnings("unchecked")
              List<Map<String, Object>> conditions =
                  (List<Map<String, Object>>) status.get("conditions");
              assertThat(conditions)
                  .anySatisfy(
                      c -> {
                        assertThat(c.get("type")).isEqualTo("Ready");
                        assertThat(c.get("status")).isEqualTo("True");
                      });
            });
  }

  @Test
  @Order(9)
  void uninstallLeavesNothingLabelledWithTheRelease() {
    client.namespaces().withName(DEMO).delete();
    new Helm(Node.repo("helm/outrigger"))
        .uninstall(RELEASE)
        .withNamespace(SYSTEM)
        .withKubeConfigContents(Node.kubeconfigYaml())
        .call();
    await("nothing of the release left")
        .atMost(Duration.ofMinutes(2))
        .untilAsserted(() -> assertThat(labelledWithTheRelease()).isEmpty());
  }

  private static List<String> labelledWithTheRelease() {
    List<HasMetadata> left = new ArrayList<>();
    left.addAll(
        client
            .apps()
            .deployments()
            .inAnyNamespace()
            .withLabelSelector(RELEASE_SELECTOR)
            .list()
            .getItems());
    left.addAll(
        client.pods().inAnyNamespace().withLabelSelector(RELEASE_SELECTOR).list().getItems());
    left.addAll(
        client.services().inAnyNamespace().withLabelSelector(RELEASE_SELECTOR).list().getItems());
    left.addAll(
        client.secrets().inAnyNamespace().withLabelSelector(RELEASE_SELECTOR).list().getItems());
    left.addAll(
        client.configMaps().inAnyNamespace().withLabelSelector(RELEASE_SELECTOR).list().getItems());
    left.addAll(
        client
            .serviceAccounts()
            .inAnyNamespace()
            .withLabelSelector(RELEASE_SELECTOR)
            .list()
            .getItems());
    left.addAll(client.rbac().clusterRoles().withLabelSelector(RELEASE_SELECTOR).list().getItems());
    left.addAll(
        client.rbac().clusterRoleBindings().withLabelSelector(RELEASE_SELECTOR).list().getItems());
    left.addAll(
        client
            .rbac()
            .roles()
            .inAnyNamespace()
            .withLabelSelector(RELEASE_SELECTOR)
            .list()
            .getItems());
    left.addAll(
        client
            .rbac()
            .roleBindings()
            .inAnyNamespace()
            .withLabelSelector(RELEASE_SELECTOR)
            .list()
            .getItems());
    left.addAll(
        client
            .admissionRegistration()
            .v1()
            .mutatingWebhookConfigurations()
            .withLabelSelector(RELEASE_SELECTOR)
            .list()
            .getItems());
    left.addAll(
        client
            .policy()
            .v1beta1()
            .podDisruptionBudget()
            .inAnyNamespace()
            .withLabelSelector(RELEASE_SELECTOR)
            .list()
            .getItems());
    return left.stream()
        .map(
            o ->
                o.getKind()
                    + " "
                    + o.getMetadata().getNamespace()
                    + "/"
                    + o.getMetadata().getName())
        .toList();
  }

  /**
   * Waits up to {@code max} for {@code what}, asking every 2 s (pods and status move in seconds).
   */
  private static org.awaitility.core.ConditionFactory eventually(String what, Duration max) {
    return await(what).atMost(max).pollInterval(Duration.ofSeconds(2));
  }

  private static void apply(String namespace, String file) throws Exception {
    try (InputStream in = Files.newInputStream(Node.repo(file))) {
      for (HasMetadata object : client.load(in).items()) {
        client
            .resource(object)
            .inNamespace(namespace)
            .fieldManager("e2e")
            .forceConflicts()
            .serverSideApply();
      }
    }
  }
}
