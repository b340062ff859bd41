package io.outrigger.sidecar.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.semconv.SchemaUrls;
import io.outrigger.config.SidecarConfig;
import io.outrigger.config.SidecarConfig.TracingConfig;
import io.outrigger.sidecar.PodIdentity;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The resource as the OpenTelemetry Kubernetes conventions compute it ("Populating resource
 * attributes in Kubernetes"), one test per rule, with the policy's explicit settings winning.
 */
class PodResourceTest {
  private static final TracingConfig DEFAULTS = SidecarConfig.defaults().tracing();
  private static final TracingConfig WELL_KNOWN_LABELS =
      new TracingConfig(
          DEFAULTS.enabled(),
          DEFAULTS.samplingRatio(),
          DEFAULTS.propagators(),
          null,
          DEFAULTS.exporter(),
          Map.of(),
          true,
          DEFAULTS.httpKnownMethods());

  private static final Map<String, String> APP_LABELS =
      Map.of(
          "app.kubernetes.io/instance", "checkout-eu",
          "app.kubernetes.io/name", "checkout",
          "app.kubernetes.io/version", "2.3.1",
          "pod-template-hash", "7d9f5c");

  private static PodIdentity pod(
      String kind, Map<String, String> labels, Map<String, String> annotations) {
    return new PodIdentity(
        "checkout-7d9f5c-x2x",
        "shop",
        "node-a",
        "uid-1",
        kind == null ? "checkout-7d9f5c-x2x" : "checkout",
        labels,
        kind,
        annotations,
        "web");
  }

  private static String attribute(Resource resource, String key) {
    return resource.getAttribute(AttributeKey.stringKey(key));
  }

  @Test
  void serviceNamespaceIsTheAnnotationElseTheKubernetesNamespace() {
    assertThat(
            attribute(
                PodResource.of(DEFAULTS, pod("Deployment", Map.of(), Map.of())),
                "service.namespace"))
        .isEqualTo("shop");
    assertThat(
            attribute(
                PodResource.of(
                    DEFAULTS,
                    pod(
                        "Deployment",
                        Map.of(),
                        Map.of("resource.opentelemetry.io/service.namespace", "payments"))),
                "service.namespace"))
        .isEqualTo("payments");
  }

  @Test
  void serviceNameIsTheAnnotationFirst() {
    Resource resource =
        PodResource.of(
            WELL_KNOWN_LABELS,
            pod(
                "Deployment",
                APP_LABELS,
                Map.of("resource.opentelemetry.io/service.name", "checkout-api")));
    assertThat(attribute(resource, "service.name")).isEqualTo("checkout-api");
  }

  @Test
  void serviceNameIsTheInstanceLabelThenTheNameLabelWhenWellKnownLabelsAreOn() {
    assertThat(
            attribute(
                PodResource.of(WELL_KNOWN_LABELS, pod("Deployment", APP_LABELS, Map.of())),
                "service.name"))
        .isEqualTo("checkout-eu");
    assertThat(
            attribute(
                PodResource.of(
                    WELL_KNOWN_LABELS,
                    pod("Deployment", Map.of("app.kubernetes.io/name", "checkout-app"), Map.of())),
                "service.name"))
        .isEqualTo("checkout-app");
  }

  @Test
  void wellKnownLabelsAreReadOnlyWhenOptedIn() {
    Resource resource = PodResource.of(DEFAULTS, pod("Deployment", APP_LABELS, Map.of()));
    assertThat(attribute(resource, "service.name")).isEqualTo("checkout");
    assertThat(attribute(resource, "service.version")).isNull();
  }

  @Test
  void serviceNameIsThenTheWorkloadThenThePod() {
    assertThat(
            attribute(
                PodResource.of(DEFAULTS, pod("StatefulSet", Map.of(), Map.of())), "service.name"))
        .isEqualTo("checkout");
    assertThat(attribute(PodResource.of(DEFAULTS, pod(null, Map.of(), Map.of())), "service.name"))
        .as("a bare pod")
        .isEqualTo("checkout-7d9f5c-x2x");
  }

  @Test
  void aWorkloadOfAKindNoConventionNamesStillNamesTheService() {
    Resource resource = PodResource.of(DEFAULTS, pod("Rollout", Map.of(), Map.of()));
    assertThat(attribute(resource, "service.name")).isEqualTo("checkout");
    assertThat(resource.getAttributes().asMap().keySet().toString()).doesNotContain("rollout");
  }

  @Test
  void serviceVersionIsTheAnnotationElseTheVersionLabel() {
    assertThat(
            attribute(
                PodResource.of(WELL_KNOWN_LABELS, pod("Deployment", APP_LABELS, Map.of())),
                "service.version"))
        .isEqualTo("2.3.1");
    assertThat(
            attribute(
                PodResource.of(
                    WELL_KNOWN_LABELS,
                    pod(
                        "Deployment",
                        APP_LABELS,
                        Map.of("resource.opentelemetry.io/service.version", "2.3.1-hotfix"))),
                "service.version"))
        .isEqualTo("2.3.1-hotfix");
  }

  @Test
  void serviceInstanceIdIsNamespacePodAndContainer() {
    assertThat(
            attribute(
                PodResource.of(DEFAULTS, pod("Deployment", Map.of(), Map.of())),
                "service.instance.id"))
        .isEqualTo("shop.checkout-7d9f5c-x2x.web");
    assertThat(
            attribute(
                PodResource.of(
                    DEFAULTS,
                    pod(
                        "Deployment",
                        Map.of(),
                        Map.of("resource.opentelemetry.io/service.instance.id", "i-1"))),
                "service.instance.id"))
        .isEqualTo("i-1");
  }

  @Test
  void aDeploymentsPodNamesItsDeploymentAndItsReplicaSet() {
    Resource resource = PodResource.of(DEFAULTS, pod("Deployment", APP_LABELS, Map.of()));
    assertThat(attribute(resource, "k8s.deployment.name")).isEqualTo("checkout");
    assertThat(attribute(resource, "k8s.replicaset.name")).isEqualTo("checkout-7d9f5c");
    assertThat(attribute(resource, "k8s.pod.name")).isEqualTo("checkout-7d9f5c-x2x");
    assertThat(attribute(resource, "k8s.pod.uid")).isEqualTo("uid-1");
    assertThat(attribute(resource, "k8s.namespace.name")).isEqualTo("shop");
    assertThat(attribute(resource, "k8s.node.name")).isEqualTo("node-a");
    assertThat(attribute(resource, "k8s.container.name")).isEqualTo("web");
  }

  @Test
  void eachWorkloadKindNamesItsOwnAttribute() {
    assertThat(
            attribute(
                PodResource.of(DEFAULTS, pod("StatefulSet", Map.of(), Map.of())),
                "k8s.statefulset.name"))
        .isEqualTo("checkout");
    assertThat(
            attribute(
                PodResource.of(DEFAULTS, pod("DaemonSet", Map.of(), Map.of())),
                "k8s.daemonset.name"))
        .isEqualTo("checkout");
    assertThat(attribute(PodResource.of(DEFAULTS, pod("Job", Map.of(), Map.of())), "k8s.job.name"))
        .isEqualTo("checkout");
    assertThat(
            attribute(
                PodResource.of(DEFAULTS, pod("ReplicaSet", Map.of(), Map.of())),
                "k8s.replicaset.name"))
        .isEqualTo("checkout");
    assertThat(
            attribute(
                PodResource.of(DEFAULTS, pod(null, Map.of(), Map.of())), "k8s.deployment.name"))
        .isNull();
  }

  @Test
  void everyResourceAnnotationBecomesTheAttributeItNames() {
    Resource resource =
        PodResource.of(
            DEFAULTS,
            pod(
                "Deployment",
                Map.of(),
                Map.of(
                    "resource.opentelemetry.io/deployment.environment.name", "prod",
                    "resource.opentelemetry.io/", "no key",
                    "team", "not a resource annotation")));
    assertThat(attribute(resource, "deployment.environment.name")).isEqualTo("prod");
    assertThat(resource.getAttributes().asMap().keySet().toString())
        .doesNotContain("team")
        .doesNotContain("no key");
  }

  @Test
  void thePolicysServiceNameAndResourceAttributesWinOverThePod() {
    TracingConfig explicit =
        new TracingConfig(
            true,
            1.0,
            DEFAULTS.propagators(),
            "checkout-from-policy",
            DEFAULTS.exporter(),
            Map.of("service.namespace", "from-policy", "k8s.node.name", "pinned"),
            true,
            DEFAULTS.httpKnownMethods());
    Resource resource =
        PodResource.of(
            explicit,
            pod(
                "Deployment",
                APP_LABELS,
                Map.of(
                    "resource.opentelemetry.io/service.name", "from-annotation",
                    "resource.opentelemetry.io/service.namespace", "from-annotation")));
    assertThat(attribute(resource, "service.name")).isEqualTo("checkout-from-policy");
    assertThat(attribute(resource, "service.namespace")).isEqualTo("from-policy");
    assertThat(attribute(resource, "k8s.node.name")).isEqualTo("pinned");
  }

  @Test
  void theResourceNamesTheConventionsVersionItFollows() {
    assertThat(PodResource.of(DEFAULTS, pod("Deployment", Map.of(), Map.of())).getSchemaUrl())
        .isEqualTo(SchemaUrls.V1_39_0);
  }

  @Test
  void aPodWhoseContainerNobodyNamedHasNoContainerInItsResource() {
    Resource resource =
        PodResource.of(DEFAULTS, new PodIdentity("p-1", "ns", "n", "", "p-1", Map.of()));
    assertThat(attribute(resource, "k8s.container.name")).isNull();
    assertThat(attribute(resource, "k8s.pod.uid")).isNull();
    assertThat(attribute(resource, "service.instance.id")).isEqualTo("ns.p-1");
  }
}
