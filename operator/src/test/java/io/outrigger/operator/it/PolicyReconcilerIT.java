package io.outrigger.operator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.outrigger.api.policy.PolicyResolver;
import io.outrigger.api.v1alpha1.ObservabilityPolicy;
import io.outrigger.api.v1alpha1.spec.InjectionSpec;
import io.outrigger.api.v1alpha1.spec.ObservabilityPolicySpec;
import io.outrigger.api.v1alpha1.spec.TracingSpec;
import io.outrigger.api.v1alpha1.status.ObservabilityPolicyStatus;
import io.outrigger.api.v1alpha1.status.PolicyCondition;
import io.outrigger.operator.OperatorNames;
import io.outrigger.operator.OutriggerOperator;
import io.outrigger.operator.status.PolicyStatusBuilder;
import io.outrigger.testing.RealKubeApiServer;
import io.outrigger.webhook.InjectedNames;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The reconciler on JOSDK against a real kube-apiserver 1.20.2: policies resolved, statuses
 * written, events recorded, with pods stored directly (no kubelet runs; the fields the operator
 * reads are set by hand, readiness through the status subresource).
 */
class PolicyReconcilerIT {
  static final String VERSION = ApiServer.VERSION;
  private static final String READY_NS = "op-ready";
  private static final String INVALID_NS = "op-invalid";
  private static final String EDIT_NS = "op-edit";
  private static final String CONFLICT_NS = "op-conflict";
  private static final String MISSED_NS = "op-missed";
  private static final String POD_SECURITY_NS = "op-podsecurity";
  private static final Duration WAIT = Duration.ofSeconds(30);

  private static final String REPORT_CA =
      "-----BEGIN CERTIFICATE-----\nnot parsed by the operator, only copied\n-----END CERTIFICATE-----\n";
  private static KubernetesClient client;
  private static OutriggerOperator operator;

  @BeforeAll
  static void start() throws Exception {
    client = RealKubeApiServer.client();
    ApiServer.applyCrd(client);
    Set<String> namespaces =
        Set.of(READY_NS, INVALID_NS, EDIT_NS, CONFLICT_NS, MISSED_NS, POD_SECURITY_NS);
    namespaces.forEach(n -> ApiServer.namespace(client, n));
    java.nio.file.Path ca = java.nio.file.Files.createTempFile("outrigger-ca", ".crt");
    java.nio.file.Files.writeString(ca, REPORT_CA);
    operator =
        ApiServer.operator(
            client,
            namespaces,
            Optional.empty(),
            "https://outrigger-webhook.outrigger-system.svc/v1/reports",
            ca.toString());
  }

  @AfterAll
  static void stop() {
    if (client != null) {
      UnreachableWebhook.delete(client, "outrigger-it-unreachable");
    }
    if (operator != null) {
      operator.close();
    }
    if (client != null) {
      client.close();
    }
  }

  private static ObservabilityPolicy stored(String namespace, String name) {
    return client.resources(ObservabilityPolicy.class).inNamespace(namespace).withName(name).get();
  }

  private static ObservabilityPolicyStatus statusOf(String namespace, String name) {
    ObservabilityPolicy policy = stored(namespace, name);
    return policy == null ? null : policy.getStatus();
  }

  private static Optional<PolicyCondition> condition(String namespace, String name, String type) {
    return PolicyStatusBuilder.find(statusOf(namespace, name), type);
  }

  private static boolean conditionIs(String namespace, String name, String type, String status) {
    return condition(namespace, name, type).map(c -> status.equals(c.getStatus())).orElse(false);
  }

  private static ObservabilityPolicySpec selecting(String app) {
    ObservabilityPolicySpec spec = new ObservabilityPolicySpec();
    spec.setSelector(new LabelSelectorBuilder().addToMatchLabels("app", app).build());
    return spec;
  }

  private static ObservabilityPolicy create(
      String namespace, String name, ObservabilityPolicySpec spec) {
    return client.resource(ApiServer.policy(namespace, name, spec)).create();
  }

  @Test
  void anAppliedPolicyIsResolvedAndBecomesReadyWritingNothingIntoItsNamespace() {
    create(READY_NS, "web", selecting("web"));

    await().atMost(WAIT).until(() -> conditionIs(READY_NS, "web", OperatorNames.READY, "True"));
    ObservabilityPolicy policy = stored(READY_NS, "web");
    String hash = PolicyResolver.resolve(policy).configHash();
    ObservabilityPolicyStatus status = policy.getStatus();
    assertThat(status.getConfigHash()).isEqualTo(hash);
    assertThat(status.getObservedGeneration()).isEqualTo(policy.getMetadata().getGeneration());
    assertThat(status.getMatchedPods()).isZero();
    assertThat(condition(READY_NS, "web", OperatorNames.VALID).orElseThrow().getStatus())
        .isEqualTo("True");
    assertThat(condition(READY_NS, "web", OperatorNames.READY).orElseThrow().getMessage())
        .contains(hash);
    // The config travels in the pods and the report answers (ADR 0010): no object of ours here.
    assertThat(
            client
                .configMaps()
                .inNamespace(READY_NS)
                .withLabel(OperatorNames.MANAGED_BY_LABEL)
                .list()
                .getItems())
        .isEmpty();
    assertThat(client.configMaps().inNamespace(READY_NS).withName("outrigger-web").get()).isNull();

    // A second look later: an unchanged policy is not written again.
    String resourceVersion = policy.getMetadata().getResourceVersion();
    client
        .pods()
        .inNamespace(READY_NS)
        .resource(ApiServer.optedIn(READY_NS, "other", Map.of("app", "other")))
        .create();
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                stored(READY_NS, "web").getMetadata().getResourceVersion().equals(resourceVersion));
  }

  /**
   * The namespace's labels are read from the operator's informer and a change of them reconciles
   * the namespace's policies at once: the 1.20 server has no Pod Security admission, but the labels
   * are the same, and so is what the webhook makes of them.
   */
  @Test
  void aNamespaceThatStartsEnforcingRestrictedShowsTheInterceptionFallbackWithAnEvent() {
    ObservabilityPolicy created = create(POD_SECURITY_NS, "web", selecting("web"));
    await()
        .atMost(WAIT)
        .until(
            () ->
                conditionIs(POD_SECURITY_NS, "web", OperatorNames.INTERCEPTION_FALLBACK, "False"));

    label(POD_SECURITY_NS, Map.of(POD_SECURITY_ENFORCE, "restricted"));
    await()
        .atMost(WAIT)
        .until(
            () -> conditionIs(POD_SECURITY_NS, "web", OperatorNames.INTERCEPTION_FALLBACK, "True"));
    PolicyCondition fallback =
        condition(POD_SECURITY_NS, "web", OperatorNames.INTERCEPTION_FALLBACK).orElseThrow();
    assertThat(fallback.getReason()).isEqualTo(OperatorNames.REASON_POD_SECURITY);
    assertThat(fallback.getMessage())
        .startsWith(
            "interception port, not iptables: namespace op-podsecurity enforces Pod Security"
                + " \"restricted\" (latest), which refuses the iptables init container");
    await()
        .atMost(WAIT)
        .until(
            () ->
                events(POD_SECURITY_NS, created.getMetadata().getUid()).stream()
                    .anyMatch(e -> OperatorNames.REASON_POD_SECURITY.equals(e.getReason())));
    Event event =
        events(POD_SECURITY_NS, created.getMetadata().getUid()).stream()
            .filter(e -> OperatorNames.REASON_POD_SECURITY.equals(e.getReason()))
            .findFirst()
            .orElseThrow();
    assertThat(event.getType()).isEqualTo("Warning");
    assertThat(event.getMessage()).isEqualTo(fallback.getMessage());

    label(POD_SECURITY_NS, Map.of(POD_SECURITY_ENFORCE, "privileged"));
    await()
        .atMost(WAIT)
        .until(
            () ->
                conditionIs(POD_SECURITY_NS, "web", OperatorNames.INTERCEPTION_FALLBACK, "False"));
  }

  private static final String POD_SECURITY_ENFORCE = "pod-security.kubernetes.io/enforce";

  private static void label(String namespace, Map<String, String> labels) {
    client
        .namespaces()
        .withName(namespace)
        .edit(
            n -> {
              n.getMetadata().setLabels(new java.util.HashMap<>(labels));
              return n;
            });
  }

  @Test
  void aPolicyThatPassesTheSchemaButFailsTheValidatorIsNotValidWithAMessageAndAnEvent() {
    ObservabilityPolicySpec spec = selecting("web");
    spec.setInjection(new InjectionSpec());
    spec.getInjection().setInboundPorts(List.of(8080, 15000));
    ObservabilityPolicy created = create(INVALID_NS, "broken", spec);

    await()
        .atMost(WAIT)
        .until(() -> conditionIs(INVALID_NS, "broken", OperatorNames.VALID, "False"));
    PolicyCondition valid = condition(INVALID_NS, "broken", OperatorNames.VALID).orElseThrow();
    assertThat(valid.getReason()).isEqualTo(OperatorNames.REASON_INVALID);
    assertThat(valid.getMessage())
        .contains("spec.injection.inboundPorts[1]", "port 15000 is the sidecar's own");
    PolicyCondition ready = condition(INVALID_NS, "broken", OperatorNames.READY).orElseThrow();
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getMessage()).isEqualTo(valid.getMessage());
    assertThat(statusOf(INVALID_NS, "broken").getConfigHash()).isNull();

    await().atMost(WAIT).until(() -> !events(INVALID_NS, created.getMetadata().getUid()).isEmpty());
    Event event = events(INVALID_NS, created.getMetadata().getUid()).get(0);
    assertThat(event.getType()).isEqualTo("Warning");
    assertThat(event.getReason()).isEqualTo(OperatorNames.REASON_INVALID);
    assertThat(event.getMessage()).contains("port 15000 is the sidecar's own");
    assertThat(client.configMaps().inNamespace(INVALID_NS).withName("outrigger-broken").get())
        .as("nothing rendered")
        .isNull();
  }

  @Test
  void anEditedPolicyGetsANewHashAndPodsWithTheOldOneCountAsOutdated() {
    create(EDIT_NS, "api", selecting("api"));
    await().atMost(WAIT).until(() -> conditionIs(EDIT_NS, "api", OperatorNames.READY, "True"));
    String oldHash = statusOf(EDIT_NS, "api").getConfigHash();
    Map<String, String> api = Map.of("app", "api");
    for (String name : List.of("api-1", "api-2")) {
      client.resource(ApiServer.injected(EDIT_NS, name, api, "api", oldHash, VERSION)).create();
    }
    client
        .resource(ApiServer.injected(EDIT_NS, "api-old-sidecar", api, "api", oldHash, "0.0.9"))
        .create();
    markSidecarReady(EDIT_NS, "api-1");

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              ObservabilityPolicyStatus status = statusOf(EDIT_NS, "api");
              assertThat(status.getMatchedPods()).isEqualTo(3);
              assertThat(status.getInjectedPods()).isEqualTo(3);
              assertThat(status.getReadyPods()).isEqualTo(1);
              assertThat(status.getOutdatedPods()).as("only the old sidecar version").isEqualTo(1);
              assertThat(status.getMissedPods()).isZero();
            });

    ObservabilityPolicy policy = stored(EDIT_NS, "api");
    policy.getSpec().setTracing(new TracingSpec());
    policy.getSpec().getTracing().setSamplingRatio(0.5);
    client.resource(policy).update();

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              ObservabilityPolicyStatus status = statusOf(EDIT_NS, "api");
              assertThat(status.getConfigHash()).isNotEqualTo(oldHash);
              assertThat(status.getOutdatedPods()).isEqualTo(3);
              assertThat(status.getObservedGeneration()).isEqualTo(2L);
            });
    String newHash = statusOf(EDIT_NS, "api").getConfigHash();
    assertThat(newHash).isEqualTo(PolicyResolver.resolve(stored(EDIT_NS, "api")).configHash());

    // A pod injected with the new hash is up to date.
    client.resource(ApiServer.injected(EDIT_NS, "api-3", api, "api", newHash, VERSION)).create();
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              ObservabilityPolicyStatus status = statusOf(EDIT_NS, "api");
              assertThat(status.getInjectedPods()).isEqualTo(4);
              assertThat(status.getOutdatedPods()).isEqualTo(3);
            });
  }

  @Test
  void ofTwoOverlappingPoliciesTheLoserGetsAConflictNamingTheWinner() {
    ObservabilityPolicySpec gold = selecting("shop");
    gold.setPriority(10);
    create(CONFLICT_NS, "gold", gold);
    create(CONFLICT_NS, "silver", selecting("shop"));
    await()
        .atMost(WAIT)
        .until(
            () ->
                conditionIs(CONFLICT_NS, "silver", OperatorNames.READY, "True")
                    && conditionIs(CONFLICT_NS, "gold", OperatorNames.READY, "True"));
    assertThat(condition(CONFLICT_NS, "silver", OperatorNames.CONFLICT).orElseThrow().getStatus())
        .as("no pod yet, no contest")
        .isEqualTo("False");

    String goldHash = statusOf(CONFLICT_NS, "gold").getConfigHash();
    client
        .resource(
            ApiServer.injected(
                CONFLICT_NS, "shop-1", Map.of("app", "shop"), "gold", goldHash, VERSION))
        .create();

    await()
        .atMost(WAIT)
        .until(() -> conditionIs(CONFLICT_NS, "silver", OperatorNames.CONFLICT, "True"));
    PolicyCondition conflict =
        condition(CONFLICT_NS, "silver", OperatorNames.CONFLICT).orElseThrow();
    assertThat(conflict.getReason()).isEqualTo(OperatorNames.REASON_LOST_TO);
    assertThat(conflict.getMessage()).contains("gold");
    assertThat(statusOf(CONFLICT_NS, "silver").getMatchedPods()).isZero();
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> assertThat(statusOf(CONFLICT_NS, "gold").getMatchedPods()).isEqualTo(1));
    assertThat(condition(CONFLICT_NS, "gold", OperatorNames.CONFLICT).orElseThrow().getStatus())
        .isEqualTo("False");
  }

  @Test
  void anOptedInPodCreatedWithoutASidecarIsCountedMissedWithAnEvent() {
    create(MISSED_NS, "jobs", selecting("worker"));
    await().atMost(WAIT).until(() -> conditionIs(MISSED_NS, "jobs", OperatorNames.READY, "True"));
    // The webhook is registered but unreachable (nothing listens on its port) and fails open, as
    // the chart installs it: the API server stores the pod without a sidecar.
    UnreachableWebhook.register(client, "outrigger-it-unreachable", MISSED_NS);

    Pod pod =
        client.resource(ApiServer.optedIn(MISSED_NS, "worker-1", Map.of("app", "worker"))).create();

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              ObservabilityPolicyStatus status = statusOf(MISSED_NS, "jobs");
              assertThat(status.getMissedPods()).isEqualTo(1);
              assertThat(status.getMatchedPods()).isEqualTo(1);
              assertThat(status.getInjectedPods()).isZero();
            });
    PolicyCondition degraded = condition(MISSED_NS, "jobs", OperatorNames.DEGRADED).orElseThrow();
    assertThat(degraded.getStatus()).isEqualTo("True");
    assertThat(degraded.getReason()).isEqualTo(OperatorNames.REASON_MISSED);
    await().atMost(WAIT).until(() -> !events(MISSED_NS, pod.getMetadata().getUid()).isEmpty());
    Event event = events(MISSED_NS, pod.getMetadata().getUid()).get(0);
    assertThat(event.getType()).isEqualTo("Warning");
    assertThat(event.getReason()).isEqualTo(OperatorNames.REASON_SIDECAR_MISSING);
    assertThat(event.getInvolvedObject().getKind()).isEqualTo("Pod");
    assertThat(event.getMessage()).contains("policy jobs");

    assertThat(pod.getSpec().getContainers()).extracting(c -> c.getName()).containsExactly("app");

    // Deleting the pod clears the count again.
    client.pods().inNamespace(MISSED_NS).withName("worker-1").withGracePeriod(0).delete();
    await()
        .atMost(WAIT)
        .until(() -> conditionIs(MISSED_NS, "jobs", OperatorNames.DEGRADED, "False"));
    assertThat(statusOf(MISSED_NS, "jobs").getMissedPods()).isZero();
  }

  private static List<Event> events(String namespace, String uid) {
    return client.v1().events().inNamespace(namespace).list().getItems().stream()
        .filter(e -> uid.equals(e.getInvolvedObject().getUid()))
        .toList();
  }

  static void markSidecarReady(String namespace, String name) {
    Pod pod = client.pods().inNamespace(namespace).withName(name).get();
    pod.setStatus(
        new io.fabric8.kubernetes.api.model.PodStatusBuilder()
            .withPhase("Running")
            .withContainerStatuses(
                new ContainerStatusBuilder()
                    .withName(InjectedNames.SIDECAR_CONTAINER)
                    .withImage("registry.local/outrigger-sidecar:" + VERSION)
                    .withImageID("")
                    .withReady(true)
                    .withRestartCount(0)
                    .build())
            .build());
    client.pods().inNamespace(namespace).resource(pod).updateStatus();
  }
}
