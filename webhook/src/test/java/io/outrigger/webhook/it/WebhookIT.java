package io.outrigger.webhook.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.outrigger.api.Names;
import io.outrigger.api.v1alpha1.spec.InjectionSpec;
import io.outrigger.api.v1alpha1.spec.ObservabilityPolicySpec;
import io.outrigger.api.v1alpha1.spec.SidecarResourcesSpec;
import io.outrigger.config.Defaults;
import io.outrigger.testing.RealKubeApiServer;
import io.outrigger.webhook.InjectedNames;
import io.outrigger.webhook.InjectionStatus;
import io.outrigger.webhook.PodJson;
import io.outrigger.webhook.admission.AdmissionMetrics.Result;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The webhook behind a real kube-apiserver 1.20.2: the API server calls it over TLS (caBundle from
 * a test CA), applies its patch, validates and stores the result.
 */
class WebhookIT {

  private static final String SELECTOR = "webhook-up";
  private static final String NAMESPACE = "it-inject";
  private static final String OPTED_OUT = "it-opted-out";
  private static final String POD_SECURITY = "it-pod-security";
  private static final Map<String, String> WEB = Map.of("app", "web", Names.INJECT, "true");
  private static final ObjectMapper JSON = new ObjectMapper();

  private static KubernetesClient client;
  private static WebhookHarness webhook;

  @BeforeAll
  static void start() throws Exception {
    client = RealKubeApiServer.client();
    // Fail, not Ignore: a webhook that is silently skipped would let every injection test pass
    // for the wrong reason. The Ignore case has its own test below.
    webhook = WebhookHarness.start(client, SELECTOR, "Fail");
    webhook.namespace(NAMESPACE, Map.of(WebhookHarness.SELECTOR_LABEL, SELECTOR));
    webhook.namespace(
        OPTED_OUT,
        Map.of(WebhookHarness.SELECTOR_LABEL, SELECTOR, Names.NAMESPACE_INJECTION, "disabled"));
    ObservabilityPolicySpec spec = new ObservabilityPolicySpec();
    spec.setSelector(new LabelSelectorBuilder().addToMatchLabels("app", "web").build());
    SidecarResourcesSpec resources = new SidecarResourcesSpec();
    resources.setCpuLimit("500m");
    spec.setInjection(new InjectionSpec());
    spec.getInjection().setResources(resources);
    webhook.namespace(POD_SECURITY, Map.of(WebhookHarness.SELECTOR_LABEL, SELECTOR));
    for (String namespace : List.of(NAMESPACE, OPTED_OUT, POD_SECURITY)) {
      client.resource(Pods.policy(namespace, "web", spec)).createOr(existing -> existing.update());
    }
  }

  @AfterAll
  static void stop() {
    if (webhook != null) {
      webhook.close();
    }
    if (client != null) {
      client.close();
    }
  }

  private static Pod stored(String namespace, String name) {
    return client.pods().inNamespace(namespace).withName(name).get();
  }

  private static List<String> names(List<? extends Object> items) {
    return items.stream()
        .map(i -> i instanceof Container c ? c.getName() : ((Volume) i).getName())
        .toList();
  }

  /**
   * The namespace's Pod Security label is read from the API server at admission and decides the
   * mode: 1.20 has no Pod Security admission to refuse the pod, so this shows the label read and
   * the choice made; that the result passes the level is {@code InjectedPodSecurityTest}'s.
   */
  @Test
  void aNamespaceEnforcingBaselineGetsPortInterceptionWithoutTheInitContainer() throws Exception {
    webhook.namespace(
        POD_SECURITY,
        Map.of(
            WebhookHarness.SELECTOR_LABEL,
            SELECTOR,
            "pod-security.kubernetes.io/enforce",
            "baseline",
            "pod-security.kubernetes.io/enforce-version",
            "v1.29"));
    client.pods().inNamespace(POD_SECURITY).resource(Pods.web("web-psa-1", WEB)).create();
    Pod pod = stored(POD_SECURITY, "web-psa-1");
    InjectionStatus status =
        JSON.readValue(pod.getMetadata().getAnnotations().get(Names.STATUS), InjectionStatus.class);
    assertThat(status.interception()).isEqualTo("port");
    assertThat(pod.getSpec().getInitContainers()).as("no iptables init container").isEmpty();
    Container sidecar = pod.getSpec().getContainers().get(0);
    assertThat(sidecar.getPorts())
        .as("the app's named port moved to the sidecar")
        .anyMatch(p -> "http".equals(p.getName()) && p.getContainerPort() == 15006);

    // The owner wants iptables: labelled privileged, the next pod gets it.
    webhook.namespace(
        POD_SECURITY,
        Map.of(
            WebhookHarness.SELECTOR_LABEL,
            SELECTOR,
            "pod-security.kubernetes.io/enforce",
            "privileged"));
    client.pods().inNamespace(POD_SECURITY).resource(Pods.web("web-psa-2", WEB)).create();
    Pod privileged = stored(POD_SECURITY, "web-psa-2");
    assertThat(names(privileged.getSpec().getInitContainers())).containsExactly("outrigger-init");
    assertThat(
            JSON.readValue(
                    privileged.getMetadata().getAnnotations().get(Names.STATUS),
                    InjectionStatus.class)
                .interception())
        .isEqualTo("iptables");
  }

  @Test
  void aPodCreatedThroughTheApiServerIsStoredInjected() throws Exception {
    client.pods().inNamespace(NAMESPACE).resource(Pods.web("web-1", WEB)).create();

    Pod pod = stored(NAMESPACE, "web-1");
    assertThat(pod.getMetadata().getLabels()).containsEntry(Names.INJECTED, "true");
    InjectionStatus status =
        JSON.readValue(pod.getMetadata().getAnnotations().get(Names.STATUS), InjectionStatus.class);
    assertThat(status.policy()).isEqualTo("web");
    assertThat(status.mode()).as("1.20 has no native sidecars").isEqualTo("classic");
    assertThat(status.interception()).isEqualTo("iptables");
    assertThat(pod.getMetadata().getAnnotations())
        .containsEntry("prometheus.io/port", "15020")
        .containsEntry("outrigger.io/original-prometheus-port", "9100");

    assertThat(names(pod.getSpec().getContainers())).containsExactly("outrigger-sidecar", "app");
    assertThat(names(pod.getSpec().getInitContainers())).containsExactly("outrigger-init");
    assertThat(names(pod.getSpec().getVolumes()))
        .contains("outrigger-config", "outrigger-podinfo", "outrigger-token", "outrigger-tmp");

    Container sidecar = pod.getSpec().getContainers().get(0);
    SecurityContext restricted = sidecar.getSecurityContext();
    assertThat(restricted.getRunAsUser()).isEqualTo(Defaults.SIDECAR_UID);
    assertThat(restricted.getRunAsNonRoot()).isTrue();
    assertThat(restricted.getReadOnlyRootFilesystem()).isTrue();
    assertThat(restricted.getAllowPrivilegeEscalation()).isFalse();
    assertThat(restricted.getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(restricted.getCapabilities().getAdd()).isEmpty();
    assertThat(restricted.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(sidecar.getLifecycle().getPostStart().getExec().getCommand())
        .contains(InjectedNames.WAIT_COMMAND);
    assertThat(sidecar.getResources().getLimits().get("cpu").toString()).isEqualTo("500m");
    assertThat(
            pod.getSpec()
                .getInitContainers()
                .get(0)
                .getSecurityContext()
                .getCapabilities()
                .getAdd())
        .containsExactly("NET_ADMIN", "NET_RAW");

    Volume token =
        pod.getSpec().getVolumes().stream()
            .filter(v -> v.getName().equals("outrigger-token"))
            .findFirst()
            .orElseThrow();
    assertThat(token.getProjected().getSources().get(0).getServiceAccountToken().getAudience())
        .isEqualTo(Names.TOKEN_AUDIENCE);
    Container app = pod.getSpec().getContainers().get(1);
    assertThat(app.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/app-health/app/readyz");
    assertThat(app.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/app-health/app/livez");
    assertThat(app.getLivenessProbe().getTcpSocket()).isNull();
  }

  @Test
  void aSecondAdmissionOfTheStoredPodChangesNothing() throws Exception {
    client.pods().inNamespace(NAMESPACE).resource(Pods.web("web-2", WEB)).create();
    Pod first = stored(NAMESPACE, "web-2");

    // Straight to the webhook: the stored pod as the object of a new review.
    ObjectNode review = JSON.createObjectNode();
    review.put("apiVersion", "admission.k8s.io/v1").put("kind", "AdmissionReview");
    ObjectNode request = review.putObject("request");
    request.put("uid", "second-admission").put("namespace", NAMESPACE).put("operation", "CREATE");
    request.putObject("kind").put("group", "").put("version", "v1").put("kind", "Pod");
    request.set("object", PodJson.toTree(first));
    JsonNode response = JSON.readTree(post(review.toString()).body()).path("response");
    assertThat(response.path("allowed").asBoolean()).isTrue();
    assertThat(response.has("patch")).isFalse();
    assertThat(response.path("auditAnnotations").path("decision").asText())
        .startsWith("already injected");

    // And through the API server: the stored pod created again under another name.
    Pod again = PodJson.copy(first);
    again.getMetadata().setName("web-2-again");
    again.getMetadata().setUid(null);
    again.getMetadata().setResourceVersion(null);
    again.getMetadata().setCreationTimestamp(null);
    again.getMetadata().setManagedFields(null);
    again.setStatus(null);
    client.pods().inNamespace(NAMESPACE).resource(again).create();
    Pod second = stored(NAMESPACE, "web-2-again");
    assertThat(second.getSpec().getContainers()).isEqualTo(first.getSpec().getContainers());
    assertThat(second.getSpec().getInitContainers()).isEqualTo(first.getSpec().getInitContainers());
    assertThat(second.getSpec().getVolumes()).isEqualTo(first.getSpec().getVolumes());
    assertThat(second.getMetadata().getAnnotations())
        .isEqualTo(first.getMetadata().getAnnotations());
  }

  @Test
  void aDryRunCreateReturnsTheInjectedPodAndStoresNothing() {
    long injectedForReal = webhook.metrics.count(Result.INJECTED, false);
    Pod returned =
        client.pods().inNamespace(NAMESPACE).resource(Pods.web("web-dry", WEB)).dryRun().create();

    assertThat(names(returned.getSpec().getContainers()))
        .containsExactly("outrigger-sidecar", "app");
    assertThat(returned.getMetadata().getLabels()).containsEntry(Names.INJECTED, "true");
    assertThat(stored(NAMESPACE, "web-dry")).as("nothing stored").isNull();
    assertThat(webhook.metrics.count(Result.INJECTED, true)).isGreaterThanOrEqualTo(1);
    assertThat(webhook.metrics.count(Result.INJECTED, false)).isEqualTo(injectedForReal);
  }

  @Test
  void aPodInAnOptedOutNamespaceStaysUntouched() {
    long before = webhook.metrics.count(Result.SKIPPED);
    Pod sent = Pods.web("quiet", Map.of("app", "web"));
    client.pods().inNamespace(OPTED_OUT).resource(sent).create();

    Pod pod = stored(OPTED_OUT, "quiet");
    assertThat(webhook.metrics.count(Result.SKIPPED))
        .as("the webhook was asked")
        .isEqualTo(before + 1);
    assertThat(names(pod.getSpec().getContainers())).containsExactly("app");
    assertThat(pod.getSpec().getInitContainers()).isEmpty();
    assertThat(pod.getMetadata().getLabels()).doesNotContainKey(Names.INJECTED);
    assertThat(pod.getMetadata().getAnnotations())
        .containsExactly(Map.entry("prometheus.io/port", "9100"));
    assertThat(pod.getSpec().getContainers().get(0).getReadinessProbe().getHttpGet().getPath())
        .isEqualTo("/ready");
  }

  @Test
  void aMalformedReviewGets400AndTheServerKeepsServing() throws Exception {
    HttpResponse<String> bad =
        post("{\"apiVersion\": \"admission.k8s.io/v1\", \"kind\": \"AdmissionReview\"}");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("AdmissionReview has no request");

    client.pods().inNamespace(NAMESPACE).resource(Pods.web("after-400", WEB)).create();
    assertThat(names(stored(NAMESPACE, "after-400").getSpec().getContainers()))
        .containsExactly("outrigger-sidecar", "app");
  }

  @Test
  void withTheWebhookDownAndFailurePolicyIgnoreThePodIsCreatedWithoutTheSidecar() throws Exception {
    String selector = "webhook-down";
    try (WebhookHarness down = WebhookHarness.start(client, selector, "Ignore")) {
      String namespace = down.namespace("it-down", Map.of(WebhookHarness.SELECTOR_LABEL, selector));
      ObservabilityPolicySpec spec = new ObservabilityPolicySpec();
      client.resource(Pods.policy(namespace, "all", spec)).createOr(existing -> existing.update());

      client.pods().inNamespace(namespace).resource(Pods.web("while-up", WEB)).create();
      assertThat(names(stored(namespace, "while-up").getSpec().getContainers()))
          .as("the webhook works while it is up")
          .containsExactly("outrigger-sidecar", "app");

      down.stopServing();
      client.pods().inNamespace(namespace).resource(Pods.web("while-down", WEB)).create();
      Pod pod = stored(namespace, "while-down");
      assertThat(names(pod.getSpec().getContainers())).containsExactly("app");
      assertThat(pod.getMetadata().getLabels()).doesNotContainKey(Names.INJECTED);
    }
  }

  private static HttpResponse<String> post(String body) throws Exception {
    HttpClient http = HttpClient.newBuilder().sslContext(webhook.ca.clientContext()).build();
    return http.send(
        HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + webhook.server.port() + "/mutate"))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
