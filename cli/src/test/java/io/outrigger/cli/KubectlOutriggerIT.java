package io.outrigger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.outrigger.api.v1alpha1.ObservabilityPolicy;
import io.outrigger.api.v1alpha1.spec.ObservabilityPolicySpec;
import io.outrigger.testing.RealKubeApiServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The plugin reading what it decides from the real kube-apiserver: the namespace's labels, its
 * policies (an invalid one included), the webhook configuration's selectors; a manifest's
 * Deployment checked as its pods would be admitted.
 */
class KubectlOutriggerIT {
  private static final String NS = "cli-shop";
  private static final String WEBHOOK = "outrigger-cli-it";
  private static KubernetesClient client;

  @BeforeAll
  static void cluster() throws Exception {
    client = RealKubeApiServer.client();
    RealKubeApiServer.applyCrd(client, Path.of(System.getProperty("outrigger.crdFile")));
    client
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(NS)
                .addToLabels(io.outrigger.api.Names.NAMESPACE_INJECTION, "enabled")
                .addToLabels("team", "shop")
                .endMetadata()
                .build())
        .createOr(existing -> existing.update());
    client.resource(policy("checkout", Map.of("app", "checkout"), 0)).createOr(e -> e.update());
    client.resource(policy("web", Map.of("tier", "web"), 10)).createOr(e -> e.update());
    // Never called: the plugin reads only its selectors and service.
    client
        .resource(
            new MutatingWebhookConfigurationBuilder()
                .withNewMetadata()
                .withName(WEBHOOK)
                .endMetadata()
                .addNewWebhook()
                .withName("inject.outrigger.io")
                .withNewClientConfig()
                .withNewService()
                .withName("outrigger-operator")
                .withNamespace("outrigger-system")
                .withPath("/mutate")
                .endService()
                .endClientConfig()
                .withNewNamespaceSelector()
                .addNewMatchExpression()
                .withKey("outrigger.io/skip")
                .withOperator("DoesNotExist")
                .endMatchExpression()
                .endNamespaceSelector()
                .withSideEffects("NoneOnDryRun")
                .withAdmissionReviewVersions("v1")
                .withFailurePolicy("Ignore")
                .addNewRule()
                .withOperations("CREATE")
                .withApiGroups("")
                .withApiVersions("v1")
                .withResources("pods")
                .endRule()
                .endWebhook()
                .build())
        .createOr(e -> e.update());
  }

  private static ObservabilityPolicy policy(
      String name, Map<String, String> selector, int priority) {
    ObservabilityPolicy policy = new ObservabilityPolicy();
    policy.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).build());
    ObservabilityPolicySpec spec = new ObservabilityPolicySpec();
    spec.setPriority(priority);
    spec.setSelector(new io.fabric8.kubernetes.api.model.LabelSelector(List.of(), selector));
    policy.setSpec(spec);
    return policy;
  }

  private static String run(String... args) {
    KubectlOutrigger root = new KubectlOutrigger();
    root.client = RealKubeApiServer.client();
    StringWriter out = new StringWriter();
    int code = KubectlOutrigger.run(root, args, new PrintWriter(out, true));
    assertThat(code).as(out.toString()).isZero();
    return out.toString();
  }

  @Test
  void aManifestsDeploymentIsExplainedWithEveryPolicyAndTheConflict() throws Exception {
    Path manifest = Files.createTempFile("cli-it", ".yaml");
    Files.writeString(
        manifest,
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: checkout, namespace: cli-shop}
        spec:
          selector: {matchLabels: {app: checkout}}
          template:
            metadata: {labels: {app: checkout, tier: web}}
            spec: {containers: [{name: app, image: shop/checkout:1}]}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: batch, namespace: cli-shop}
        spec:
          selector: {matchLabels: {app: batch}}
          template:
            metadata: {labels: {app: batch}}
            spec: {containers: [{name: app, image: shop/batch:1}]}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: not-a-workload}
        """);

    String out =
        run(
            "check-inject",
            "-n",
            NS,
            "-f",
            manifest.toString(),
            "--webhook-configuration",
            WEBHOOK);

    assertThat(out)
        .contains(
            "cli-shop/deployment/checkout: injected from policy web — opted in by namespace"
                + " cli-shop; policy web wins over checkout")
        .contains("policy checkout (priority 0): selects the pod too, but loses to web")
        .contains(
            "cli-shop/deployment/batch: not injected — opted in, but no policy selects the pod")
        .contains(
            "policy checkout (priority 0): does not select the pod: its selector wants"
                + " app=checkout, but it has app=batch")
        .contains(
            "policy web (priority 10): does not select the pod: its selector wants tier=web, but"
                + " it has no label tier")
        .doesNotContain("not-a-workload");
  }

  @Test
  void theWebhookConfigurationsSelectorIsTheFirstReason() {
    client
        .namespaces()
        .withName(NS)
        .edit(
            n -> {
              n.getMetadata().getLabels().put("outrigger.io/skip", "yes");
              return n;
            });
    try {
      Path manifest = Files.createTempFile("cli-it-pod", ".yaml");
      Files.writeString(
          manifest,
          """
          apiVersion: v1
          kind: Pod
          metadata: {name: one, namespace: cli-shop, labels: {app: checkout}}
          spec: {containers: [{name: app, image: shop/checkout:1}]}
          """);
      String out =
          run("check-inject", "-f", manifest.toString(), "--webhook-configuration", WEBHOOK);
      assertThat(out)
          .contains("cli-shop/pod/one: not injected — the API server does not call the webhook")
          .contains(
              "the webhook's namespaceSelector wants outrigger.io/skip does not exist, but it has"
                  + " outrigger.io/skip=yes");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } finally {
      client
          .namespaces()
          .withName(NS)
          .edit(
              n -> {
                n.getMetadata().getLabels().remove("outrigger.io/skip");
                return n;
              });
    }
  }

  /**
   * Pods already stored, created without the sidecar (nothing answers the webhook here, and it
   * fails open): by name, and every pod of the namespace when none is named, each decided as the
   * webhook would decide it now.
   */
  @Test
  void storedPodsWithoutTheSidecarAreDecidedByNameAndAllOfTheNamespace() {
    for (String[] pod : new String[][] {{"lone-checkout", "checkout"}, {"lone-batch", "batch"}}) {
      client
          .pods()
          .inNamespace(NS)
          .resource(
              new io.fabric8.kubernetes.api.model.PodBuilder()
                  .withNewMetadata()
                  .withName(pod[0])
                  .addToLabels("app", pod[1])
                  .endMetadata()
                  .withNewSpec()
                  .addNewContainer()
                  .withName("app")
                  .withImage("shop/" + pod[1] + ":1")
                  .endContainer()
                  .endSpec()
                  .build())
          .createOr(e -> e.update());
    }
    try {
      String byName =
          run("check-inject", "-n", NS, "lone-batch", "--webhook-configuration", WEBHOOK);
      assertThat(byName)
          .contains(
              "cli-shop/pod/lone-batch: not injected — opted in, but no policy selects the pod")
          .contains(
              "policy checkout (priority 0): does not select the pod: its selector wants"
                  + " app=checkout, but it has app=batch")
          .doesNotContain("lone-checkout");

      String all = run("check-inject", "-n", NS, "--webhook-configuration", WEBHOOK);
      assertThat(all)
          .contains(
              "cli-shop/pod/lone-checkout: injected from policy checkout — opted in by namespace"
                  + " cli-shop")
          .contains(
              "cli-shop/pod/lone-batch: not injected — opted in, but no policy selects the pod")
          .doesNotContain("has the sidecar");
    } finally {
      client.pods().inNamespace(NS).withName("lone-checkout").delete();
      client.pods().inNamespace(NS).withName("lone-batch").delete();
    }
  }

  @Test
  void noWebhookConfigurationSaysSo() throws Exception {
    Path manifest = Files.createTempFile("cli-it-none", ".yaml");
    Files.writeString(
        manifest,
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: two, namespace: cli-shop, labels: {app: checkout}}
        spec: {containers: [{name: app, image: shop/checkout:1}]}
        """);
    String out =
        run("check-inject", "-f", manifest.toString(), "--webhook-configuration", "absent");
    assertThat(out).contains("no MutatingWebhookConfiguration absent").contains("not injected");
  }
}
