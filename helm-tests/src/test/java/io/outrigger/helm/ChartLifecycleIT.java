package io.outrigger.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.Release;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.outrigger.testing.RealKubeApiServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code helm install}, {@code helm upgrade} and {@code helm uninstall} (Helm's own code, through
 * helm-java) against the real API server: what the operator writes survives an upgrade, the upgrade
 * updates the CRD, and an uninstall leaves nothing of the release behind but the CRD ({@code
 * crds.keep}).
 *
 * <p>The release's webhook configuration names a Service; no pod is created while it is registered
 * (the test removes it before returning), so the API server never dials the Service's cluster IP.
 */
class ChartLifecycleIT {
  private static final String RELEASE = "lifecycle";
  private static final String NAMESPACE = "lifecycle-system";
  private static final String FULLNAME = "lifecycle-outrigger";
  private static final String SELECTOR = "app.kubernetes.io/instance=" + RELEASE;
  private static final String CRD = "observabilitypolicies.outrigger.io";

  private static KubernetesClient client;

  @BeforeAll
  static void connect() {
    client = RealKubeApiServer.client();
  }

  @AfterAll
  static void close() {
    client.close();
  }

  /**
   * The chart as it was before the CRD change of this version: {@code cpuRequest} had a schema
   * default (which kept the cluster's sidecar resources from applying). An upgrade to the current
   * chart must take it out of the stored CRD: the proof that {@code helm upgrade} updates the CRD.
   */
  private static Path previousChart() throws IOException {
    Path copy = ChartRender.copyChart();
    Path crd = copy.resolve("files/crds").resolve(Repo.crd().getFileName());
    String current = Files.readString(crd);
    String previous =
        current.replace(
            "                      cpuRequest:\n",
            "                      cpuRequest:\n                        default: \"50m\"\n");
    assertThat(previous).isNotEqualTo(current);
    Files.writeString(crd, previous);
    return copy;
  }

  /**
   * What UPGRADING.md tells an admin whose CRD is not (yet) the release's: label and annotate it so
   * that Helm adopts it. The CRD exists here when another test applied it first.
   */
  private static void adoptExistingCrd() {
    var crds = client.apiextensions().v1().customResourceDefinitions();
    var existing = crds.withName(CRD).get();
    if (existing != null) {
      crds.withName(CRD)
          .edit(
              crd -> {
                crd.setMetadata(
                    new io.fabric8.kubernetes.api.model.ObjectMetaBuilder(crd.getMetadata())
                        .addToLabels("app.kubernetes.io/managed-by", "Helm")
                        .addToAnnotations("meta.helm.sh/release-name", RELEASE)
                        .addToAnnotations("meta.helm.sh/release-namespace", NAMESPACE)
                        .build());
                return crd;
              });
    }
  }

  private static JsonNode cpuRequestSchema() {
    return ChartRender.YAML
        .valueToTree(client.apiextensions().v1().customResourceDefinitions().withName(CRD).get())
        .at(
            "/spec/versions/0/schema/openAPIV3Schema/properties/spec/properties/injection"
                + "/properties/resources/properties/cpuRequest");
  }

  @Test
  void installUpgradeUninstall() throws IOException {
    String kubeconfig = RealKubeApiServer.kubeConfigYaml();
    adoptExistingCrd();
    Path previous = previousChart();
    Release installed =
        new Helm(previous)
            .install()
            .withName(RELEASE)
            .withNamespace(NAMESPACE)
            .createNamespace()
            .withKubeConfigContents(kubeconfig)
            .call();
    try {
      assertThat(installed.getStatus()).isEqualTo("deployed");
      assertThat(
              client
                  .apps()
                  .deployments()
                  .inNamespace(NAMESPACE)
                  .withName(FULLNAME + "-operator")
                  .get())
          .isNotNull();
      assertThat(
              client
                  .apiextensions()
                  .v1()
                  .customResourceDefinitions()
                  .withName("observabilitypolicies.outrigger.io")
                  .get())
          .as("the CRD from the chart's templates")
          .isNotNull();
      assertThat(cpuRequestSchema().path("default").asText()).isEqualTo("50m");

      // What the operator does once running: fill its Secret, patch the CA bundle in.
      Secret secret =
          client.secrets().inNamespace(NAMESPACE).withName("outrigger-webhook-tls").get();
      assertThat(secret.getData()).isNullOrEmpty();
      secret.setData(Map.of("tls.crt", Base64.getEncoder().encodeToString("issued".getBytes())));
      client.resource(secret).update();
      MutatingWebhookConfiguration webhook = webhook();
      webhook
          .getWebhooks()
          .get(0)
          .getClientConfig()
          .setCaBundle(Base64.getEncoder().encodeToString("ca".getBytes()));
      client.resource(webhook).update();

      Release upgraded =
          new Helm(Repo.chart())
              .upgrade()
              .withName(RELEASE)
              .withNamespace(NAMESPACE)
              .reuseValues()
              .set("webhook.timeoutSeconds", 7)
              .withKubeConfigContents(kubeconfig)
              .call();

      assertThat(upgraded.getRevision()).isEqualTo("2");
      assertThat(cpuRequestSchema().has("default"))
          .as("helm upgrade updated the CRD (the previous chart's schema default is gone)")
          .isFalse();
      assertThat(cpuRequestSchema().path("description").asText()).contains("cluster's default");
      assertThat(webhook().getWebhooks().get(0).getTimeoutSeconds()).isEqualTo(7);
      // The chart renders neither the Secret's data nor caBundle, so Helm's three-way merge keeps
      // both.
      assertThat(
              client
                  .secrets()
                  .inNamespace(NAMESPACE)
                  .withName("outrigger-webhook-tls")
                  .get()
                  .getData())
          .containsKey("tls.crt");
      assertThat(webhook().getWebhooks().get(0).getClientConfig().getCaBundle()).isNotEmpty();
    } finally {
      ChartRender.delete(previous);
      try {
        Helm.uninstall(RELEASE).withNamespace(NAMESPACE).withKubeConfigContents(kubeconfig).call();
      } finally {
        // Whatever happened above, this Service-backed webhook must not outlive the test: a later
        // pod would make the API server dial a cluster IP that is not on this machine.
        client
            .admissionRegistration()
            .v1()
            .mutatingWebhookConfigurations()
            .withName(FULLNAME)
            .delete();
      }
    }

    assertThat(leftovers()).as("left behind by helm uninstall").isEmpty();
    assertThat(client.secrets().inNamespace(NAMESPACE).withName("outrigger-webhook-tls").get())
        .isNull();
    assertThat(
            client
                .apiextensions()
                .v1()
                .customResourceDefinitions()
                .withName("observabilitypolicies.outrigger.io")
                .get())
        .as("crds.keep: helm uninstall leaves the CRD (deleting it would delete every policy)")
        .isNotNull();
  }

  private static MutatingWebhookConfiguration webhook() {
    return client
        .admissionRegistration()
        .v1()
        .mutatingWebhookConfigurations()
        .withName(FULLNAME)
        .get();
  }

  /** Everything carrying the release's instance label, of every kind the chart renders. */
  private static List<String> leftovers() {
    List<HasMetadata> found = new ArrayList<>();
    found.addAll(
        client.apps().deployments().inAnyNamespace().withLabelSelector(SELECTOR).list().getItems());
    found.addAll(client.services().inAnyNamespace().withLabelSelector(SELECTOR).list().getItems());
    found.addAll(client.secrets().inAnyNamespace().withLabelSelector(SELECTOR).list().getItems());
    found.addAll(
        client.configMaps().inAnyNamespace().withLabelSelector(SELECTOR).list().getItems());
    found.addAll(
        client.serviceAccounts().inAnyNamespace().withLabelSelector(SELECTOR).list().getItems());
    found.addAll(
        client.rbac().roles().inAnyNamespace().withLabelSelector(SELECTOR).list().getItems());
    found.addAll(
        client
            .rbac()
            .roleBindings()
            .inAnyNamespace()
            .withLabelSelector(SELECTOR)
            .list()
            .getItems());
    found.addAll(client.rbac().clusterRoles().withLabelSelector(SELECTOR).list().getItems());
    found.addAll(client.rbac().clusterRoleBindings().withLabelSelector(SELECTOR).list().getItems());
    found.addAll(
        client
            .admissionRegistration()
            .v1()
            .mutatingWebhookConfigurations()
            .withLabelSelector(SELECTOR)
            .list()
            .getItems());
    found.addAll(
        client
            .policy()
            .v1beta1()
            .podDisruptionBudget()
            .inAnyNamespace()
            .withLabelSelector(SELECTOR)
            .list()
            .getItems());
    // Helm's own record of the release.
    found.addAll(
        client
            .secrets()
            .inNamespace(NAMESPACE)
            .withLabelSelector("owner=helm,name=" + RELEASE)
            .list()
            .getItems());
    return found.stream().map(o -> o.getKind() + " " + o.getMetadata().getName()).toList();
  }
}
