package io.outrigger.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.outrigger.testing.RealKubeApiServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Prometheus Operator's objects follow what the cluster serves, as {@code helm install} sees it
 * through discovery: asked for on a server without {@code monitoring.coreos.com/v1}, none is
 * rendered (the install still succeeds); once that API is served, the same values make the
 * PodMonitor, the ServiceMonitor and the PrometheusRule, stored by the real API server.
 *
 * <p>The Prometheus Operator's own CRDs are not available offline; the three served here carry its
 * group, version and kinds with an open schema, which is what Helm's capability check looks at.
 */
class ChartPrometheusOperatorIT {
  private static final String RELEASE = "promop";
  private static final String NAMESPACE = "promop-system";
  private static final String GROUP = "monitoring.coreos.com";
  private static final List<String[]> KINDS =
      List.of(
          new String[] {"PodMonitor", "podmonitors"},
          new String[] {"ServiceMonitor", "servicemonitors"},
          new String[] {"PrometheusRule", "prometheusrules"});

  private static KubernetesClient client;

  @BeforeAll
  static void connect() {
    client = RealKubeApiServer.client();
  }

  @AfterAll
  static void close() {
    for (String[] kind : KINDS) {
      client
          .apiextensions()
          .v1()
          .customResourceDefinitions()
          .withName(kind[1] + "." + GROUP)
          .delete();
    }
    client.close();
  }

  private static CustomResourceDefinition crd(String kind, String plural) {
    return new CustomResourceDefinitionBuilder()
        .withNewMetadata()
        .withName(plural + "." + GROUP)
        .endMetadata()
        .withNewSpec()
        .withGroup(GROUP)
        .withScope("Namespaced")
        .withNewNames()
        .withKind(kind)
        .withPlural(plural)
        .withSingular(kind.toLowerCase(java.util.Locale.ROOT))
        .endNames()
        .addNewVersion()
        .withName("v1")
        .withServed(true)
        .withStorage(true)
        .withNewSchema()
        .withNewOpenAPIV3Schema()
        .withType("object")
        .withXKubernetesPreserveUnknownFields(true)
        .endOpenAPIV3Schema()
        .endSchema()
        .endVersion()
        .endSpec()
        .build();
  }

  private static void serveMonitoringApi() {
    for (String[] kind : KINDS) {
      client.resource(crd(kind[0], kind[1])).createOr(existing -> existing.update());
      client
          .apiextensions()
          .v1()
          .customResourceDefinitions()
          .withName(kind[1] + "." + GROUP)
          .waitUntilCondition(
              c ->
                  c != null
                      && c.getStatus() != null
                      && c.getStatus().getConditions().stream()
                          .anyMatch(
                              x ->
                                  x.getType().equals("Established")
                                      && x.getStatus().equals("True")),
              30,
              TimeUnit.SECONDS);
    }
  }

  private static List<GenericKubernetesResource> stored(String kind) {
    return client
        .genericKubernetesResources(GROUP + "/v1", kind)
        .inNamespace(NAMESPACE)
        .withLabel("app.kubernetes.io/instance", RELEASE)
        .list()
        .getItems();
  }

  private static boolean served() {
    return client.getApiGroups().getGroups().stream().anyMatch(g -> g.getName().equals(GROUP));
  }

  @Test
  void theMonitoringObjectsAppearOnceTheClusterServesTheirApi() {
    String kubeconfig = RealKubeApiServer.kubeConfigYaml();
    assertThat(served()).as("%s before the test serves it", GROUP).isFalse();
    try {
      new Helm(Repo.chart())
          .install()
          .withName(RELEASE)
          .withNamespace(NAMESPACE)
          .createNamespace()
          .set("crds.install", "false")
          .set("prometheusOperator.podMonitor.enabled", "true")
          .set("prometheusOperator.serviceMonitor.enabled", "true")
          .set("prometheusOperator.prometheusRule.enabled", "true")
          .withKubeConfigContents(kubeconfig)
          .call();

      serveMonitoringApi();
      for (String[] kind : KINDS) {
        assertThat(stored(kind[0])).as("%s while the API was not served", kind[0]).isEmpty();
      }

      new Helm(Repo.chart())
          .upgrade()
          .withName(RELEASE)
          .withNamespace(NAMESPACE)
          .reuseValues()
          .withKubeConfigContents(kubeconfig)
          .call();

      for (String[] kind : KINDS) {
        assertThat(stored(kind[0])).as("%s once %s/v1 is served", kind[0], GROUP).hasSize(1);
      }
      assertThat(
              ChartRender.tree(stored("PodMonitor").get(0))
                  .at("/spec/podMetricsEndpoints/0/port")
                  .asText())
          .isEqualTo(io.outrigger.config.Ports.TELEMETRY_NAME);
    } finally {
      try {
        Helm.uninstall(RELEASE).withNamespace(NAMESPACE).withKubeConfigContents(kubeconfig).call();
      } finally {
        // A Service-backed webhook must not outlive the test (see ChartLifecycleIT).
        client
            .admissionRegistration()
            .v1()
            .mutatingWebhookConfigurations()
            .withName(RELEASE + "-outrigger")
            .delete();
      }
    }
    for (String[] kind : KINDS) {
      eventuallyEmpty(kind[0]);
    }
  }

  private static void eventuallyEmpty(String kind) {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!stored(kind).isEmpty()) {
      assertThat(System.nanoTime())
          .as("%s left behind by helm uninstall", kind)
          .isLessThan(deadline);
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }
}
