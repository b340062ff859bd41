package io.outrigger.webhook.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.zjsonpatch.JsonPatch;
import io.outrigger.api.policy.EffectivePolicy;
import io.outrigger.api.policy.PolicyResolver;
import io.outrigger.api.v1alpha1.ObservabilityPolicy;
import io.outrigger.api.v1alpha1.spec.ObservabilityPolicySpec;
import io.outrigger.webhook.ClusterFacts;
import io.outrigger.webhook.NodeKubelet;
import io.outrigger.webhook.PodJson;
import io.outrigger.webhook.SidecarInjector;
import io.outrigger.webhook.admission.AdmissionMetrics.Result;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The handler with AdmissionReview JSON as the API server sends it, bad bodies included. */
class AdmissionHandlerTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ClusterFacts FACTS =
      new ClusterFacts(1, 20, "ghcr.io/outrigger/sidecar:0.1.0", "0.1.0", "outrigger-system");

  /** The namespace "shop" has one policy selecting app=checkout; "empty" has none. */
  private final ClusterView cluster =
      new ClusterView() {
        @Override
        public Map<String, String> namespaceLabels(String namespace) {
          return Map.of();
        }

        @Override
        public List<EffectivePolicy> policies(String namespace) {
          return "shop".equals(namespace) ? List.of(policy("checkout", 0)) : List.of();
        }

        @Override
        public Optional<List<NodeKubelet>> kubelets() {
          return Optional.empty();
        }
      };

  private final AdmissionMetrics metrics = new AdmissionMetrics();
  private final AdmissionHandler handler = new AdmissionHandler(cluster, FACTS, metrics);

  static EffectivePolicy policy(String name, int priority) {
    ObservabilityPolicy policy = new ObservabilityPolicy();
    policy.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("shop").build());
    ObservabilityPolicySpec spec = new ObservabilityPolicySpec();
    spec.setPriority(priority);
    policy.setSpec(spec);
    return PolicyResolver.resolve(policy);
  }

  static final String POD =
      """
      {"apiVersion": "v1", "kind": "Pod",
       "metadata": {"generateName": "checkout-", "namespace": "shop",
                    "labels": {"app": "checkout", "outrigger.io/inject": "true"}},
       "spec": {"containers": [{"name": "app", "image": "shop/checkout:1.4", "args": [],
                                "ports": [{"name": "http", "containerPort": 8080}],
                                "futureField": {"kept": true}}]}}
      """;

  static String review(String object, String extraRequestFields) {
    return """
        {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
         "request": {"uid": "705ab4f5-6393-11e8-b7cc-42010a800002",
                     "kind": {"group": "", "version": "v1", "kind": "Pod"},
                     "resource": {"group": "", "version": "v1", "resource": "pods"},
                     "namespace": "shop", "operation": "CREATE" %s,
                     "object": %s}}
        """
        .formatted(extraRequestFields, object);
  }

  JsonNode respond(String body) throws Exception {
    JsonNode review = JSON.readTree(handler.handle(body.getBytes(StandardCharsets.UTF_8)));
    assertThat(review.path("apiVersion").asText()).isEqualTo("admission.k8s.io/v1");
    assertThat(review.path("kind").asText()).isEqualTo("AdmissionReview");
    JsonNode response = review.path("response");
    assertThat(response.path("uid").asText()).isEqualTo("705ab4f5-6393-11e8-b7cc-42010a800002");
    assertThat(response.path("allowed").asBoolean()).as("always allowed").isTrue();
    return response;
  }

  static JsonNode patchOf(JsonNode response) throws Exception {
    assertThat(response.path("patchType").asText()).isEqualTo("JSONPatch");
    return JSON.readTree(Base64.getDecoder().decode(response.path("patch").asText()));
  }

  @Test
  void anOptedInPodGetsAPatchThatTurnsTheRawObjectIntoTheInjectedPod() throws Exception {
    JsonNode response = respond(review(POD, ""));
    JsonNode patch = patchOf(response);

    JsonNode raw = JSON.readTree(POD);
    JsonNode patched = JsonPatch.apply(patch, raw);
    Pod expected = SidecarInjector.inject(PodJson.fromTree(raw), policy("checkout", 0), FACTS);
    assertThat(PodJson.toTree(PodJson.fromTree(patched))).isEqualTo(PodJson.toTree(expected));
    assertThat(patched.at("/spec/containers/1/futureField/kept").asBoolean())
        .as("fields the model does not know survive")
        .isTrue();
    assertThat(patch.toString())
        .as("no operation touches what the model merely renders differently")
        .doesNotContain("/args")
        .doesNotContain("futureField");
    assertThat(response.path("auditAnnotations").path("decision").asText())
        .isEqualTo("opted in by the pod");
    assertThat(response.has("warnings")).isFalse();
    assertThat(metrics.count(Result.INJECTED, false)).isEqualTo(1);
  }

  /** As the API server sends a pod a controller made: its field bookkeeping included. */
  static final String POD_WITH_MANAGED_FIELDS =
      POD.replace(
          "\"namespace\": \"shop\",",
          """
          "namespace": "shop",
          "managedFields": [{"manager": "kube-controller-manager", "operation": "Update",
            "apiVersion": "v1", "time": "2026-11-27T04:30:00Z", "fieldsType": "FieldsV1",
            "fieldsV1": {"f:metadata": {"f:labels": {".": {}, "f:app": {}}},
                         "f:spec": {"f:containers": {"k:{\\"name\\":\\"app\\"}": {".": {}}}}}}],
          """);

  @Test
  void managedFieldsAreNeitherReadNorPatchedOnEitherPath() throws Exception {
    JsonNode raw = JSON.readTree(POD_WITH_MANAGED_FIELDS);
    assertThat(raw.at("/metadata/managedFields/0/manager").asText())
        .isEqualTo("kube-controller-manager");
    JsonNode fast = patchOf(respond(review(POD_WITH_MANAGED_FIELDS, "")));
    JsonNode tree =
        patchOf(
            JSON.readTree(
                    PodJson.write(
                        handler.review(JSON.readTree(review(POD_WITH_MANAGED_FIELDS, "")), 0)))
                .path("response"));

    assertThat(fast).as("both paths answer alike").isEqualTo(tree);
    assertThat(fast.findValuesAsText("path")).noneMatch(path -> path.contains("managedFields"));
    JsonNode patched = JsonPatch.apply(fast, raw);
    assertThat(patched.at("/metadata/managedFields")).isEqualTo(raw.at("/metadata/managedFields"));
    assertThat(patched.at("/spec/containers/0/name").asText()).isEqualTo("outrigger-sidecar");
    assertThat(PodReview.read(review(POD_WITH_MANAGED_FIELDS, "").getBytes(StandardCharsets.UTF_8)))
        .as("the fast path took it")
        .extracting(r -> r.pod().getMetadata().getManagedFields())
        .asList()
        .isEmpty();
  }

  @Test
  void anInjectedPodIsAdmittedWithoutAPatch() throws Exception {
    JsonNode raw = JSON.readTree(POD);
    JsonNode patched = JsonPatch.apply(patchOf(respond(review(POD, ""))), raw);
    JsonNode again = respond(review(patched.toString(), ""));
    assertThat(again.has("patch")).isFalse();
    assertThat(again.has("patchType")).isFalse();
    assertThat(again.path("auditAnnotations").path("decision").asText())
        .startsWith("already injected");
    assertThat(metrics.count(Result.SKIPPED)).isEqualTo(1);
  }

  @Test
  void dryRunIsAnsweredTheSameButCountedApart() throws Exception {
    JsonNode dry = respond(review(POD, ", \"dryRun\": true"));
    assertThat(patchOf(dry)).isEqualTo(patchOf(respond(review(POD, ""))));
    assertThat(metrics.count(Result.INJECTED, true)).isEqualTo(1);
    assertThat(metrics.count(Result.INJECTED, false)).isEqualTo(1);
    assertThat(metrics.prometheusText())
        .contains("outrigger_webhook_admissions_total{result=\"injected\",dry_run=\"true\"} 1")
        .contains("outrigger_webhook_admission_duration_seconds_count 2");
  }

  @Test
  void aPodThatNeverAskedIsAdmittedSilently() throws Exception {
    JsonNode response =
        respond(review(POD.replace("\"outrigger.io/inject\": \"true\"", "\"x\": \"y\""), ""));
    assertThat(response.has("patch")).isFalse();
    assertThat(response.has("warnings")).isFalse();
    assertThat(response.path("auditAnnotations").path("decision").asText())
        .startsWith("not opted in");
  }

  @Test
  void aPodThatAskedButHasNoPolicyIsWarned() throws Exception {
    JsonNode response =
        respond(
            review(POD.replace("\"namespace\": \"shop\"", "\"namespace\": \"empty\""), "")
                .replace("\"namespace\": \"shop\"", "\"namespace\": \"empty\""));
    assertThat(response.has("patch")).isFalse();
    assertThat(response.path("warnings").get(0).asText())
        .isEqualTo("outrigger: opted in, but no policy selects the pod");
  }

  /** {@link #POD} as a ReplicaSet's pod: its controller named in the owner references. */
  static String ownedBy(String pod, String namespace) {
    return pod.replace(
            "\"generateName\": \"checkout-\",",
            """
            "generateName": "checkout-5d8f7c9b4-",
            "ownerReferences": [
              {"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "checkout-5d8f7c9b4",
               "uid": "0c2c8f3e-1111-4a4a-9b9b-000000000001", "controller": true}],
            """)
        .replace("\"namespace\": \"shop\"", "\"namespace\": \"" + namespace + "\"");
  }

  @Test
  void theOwnerOfEachPodThatAskedIsToldWhatHappenedButNotForADryRun() throws Exception {
    List<InjectionEvent> told = new java.util.ArrayList<>();
    AdmissionHandler telling = new AdmissionHandler(cluster, FACTS, metrics, told::add);
    String injected = review(ownedBy(POD, "shop"), "");
    String skipped =
        review(ownedBy(POD, "empty"), "")
            .replace("\"namespace\": \"shop\"", "\"namespace\": \"empty\"");
    String neverAsked =
        review(
            ownedBy(POD, "shop").replace("\"outrigger.io/inject\": \"true\"", "\"x\": \"y\""), "");

    for (String body : List.of(injected, skipped, neverAsked, review(POD, ""))) {
      telling.handle(body.getBytes(StandardCharsets.UTF_8));
    }
    telling.handle(
        review(ownedBy(POD, "shop"), ", \"dryRun\": true").getBytes(StandardCharsets.UTF_8));

    assertThat(told)
        .as(
            "one event each for the injected and the skipped pod; none for the pod that never"
                + " asked, the pod without an owner or the dry run")
        .extracting(InjectionEvent::reason, InjectionEvent::message, e -> e.owner().getName())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "Injected",
                "outrigger sidecar injected from policy checkout",
                "checkout-5d8f7c9b4"),
            org.assertj.core.groups.Tuple.tuple(
                "InjectionSkipped",
                "no outrigger sidecar: opted in, but no policy selects the pod",
                "checkout-5d8f7c9b4"));
    assertThat(told).extracting(InjectionEvent::namespace).containsExactly("shop", "empty");
  }

  @Test
  void aRecorderThatThrowsDoesNotChangeTheAnswer() throws Exception {
    AdmissionHandler throwing =
        new AdmissionHandler(
            cluster,
            FACTS,
            metrics,
            e -> {
              throw new IllegalStateException("recorder broken");
            });
    JsonNode review =
        JSON.readTree(
            throwing.handle(review(ownedBy(POD, "shop"), "").getBytes(StandardCharsets.UTF_8)));
    assertThat(review.at("/response/patchType").asText()).isEqualTo("JSONPatch");
    assertThat(metrics.count(Result.INJECTED, false)).isEqualTo(1);
  }

  @Test
  void updatesAreNotInjected() throws Exception {
    JsonNode response = respond(review(POD, "").replace("\"CREATE\"", "\"UPDATE\""));
    assertThat(response.has("patch")).isFalse();
    assertThat(response.path("auditAnnotations").path("decision").asText())
        .isEqualTo("operation UPDATE is not injected");
  }

  @Test
  void anotherKindIsAdmittedUnchangedWithAWarning() throws Exception {
    String deployment =
        review("{\"apiVersion\": \"apps/v1\", \"kind\": \"Deployment\"}", "")
            .replace(
                "{\"group\": \"\", \"version\": \"v1\", \"kind\": \"Pod\"}",
                "{\"group\": \"apps\", \"version\": \"v1\", \"kind\": \"Deployment\"}");
    JsonNode response = respond(deployment);
    assertThat(response.has("patch")).isFalse();
    assertThat(response.path("warnings").get(0).asText())
        .isEqualTo("outrigger: not a pod (apps/Deployment)");
    assertThat(metrics.count(Result.SKIPPED)).isEqualTo(1);
  }

  /** The CA bundle as the operator now has it goes into the pod, for its sidecar to trust. */
  @Test
  void theReportCaAsNowWrittenGoesIntoThePod() throws Exception {
    String pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
    ClusterView withCa =
        new ClusterView() {
          @Override
          public Map<String, String> namespaceLabels(String namespace) {
            return Map.of();
          }

          @Override
          public List<EffectivePolicy> policies(String namespace) {
            return List.of(policy("web", 1));
          }

          @Override
          public Optional<List<NodeKubelet>> kubelets() {
            return Optional.empty();
          }

          @Override
          public Optional<String> reportCa() {
            return Optional.of(pem);
          }
        };
    JsonNode response =
        JSON.readTree(
                new AdmissionHandler(
                        withCa,
                        FACTS.withReportUrl("https://outrigger.outrigger-system.svc/v1/reports"),
                        metrics)
                    .handle(review(POD, "").getBytes(StandardCharsets.UTF_8)))
            .path("response");
    JsonNode annotations = null;
    for (JsonNode op : patchOf(response)) {
      if (op.path("path").asText().equals("/metadata/annotations")) {
        annotations = op.path("value");
      }
    }
    assertThat(annotations).isNotNull();
    assertThat(annotations.path("outrigger.io/report-ca").asText()).isEqualTo(pem);
    assertThat(annotations.path("outrigger.io/sidecar-config").asText()).contains("shop/web");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          containers is not a list | {"metadata": {"labels": {"outrigger.io/inject": "true"}}, "spec": {"containers": "app"}}
          labels is a number       | {"metadata": {"labels": 7}}
          object is a string       | "a pod"
          object is missing        | null
          """)
  void aGarbageObjectFailsOpenWithAWarningAndACount(String name, String object) throws Exception {
    JsonNode response = respond(review(object, ""));
    assertThat(response.has("patch")).isFalse();
    String warning = response.path("warnings").get(0).asText();
    assertThat(warning).startsWith("outrigger: injection failed, pod admitted without a sidecar: ");
    assertThat(warning)
        .hasSizeLessThanOrEqualTo(AdmissionHandler.MAX_WARNING_LENGTH)
        .doesNotContain("\n");
    assertThat(response.path("auditAnnotations").path("decision").asText())
        .startsWith("failed open");
    assertThat(metrics.count(Result.FAILED_OPEN)).isEqualTo(1);
  }

  @Test
  void aFailingClusterLookupFailsOpen() throws Exception {
    ClusterView broken =
        new ClusterView() {
          @Override
          public Map<String, String> namespaceLabels(String namespace) {
            throw new IllegalStateException("informer not synced");
          }

          @Override
          public List<EffectivePolicy> policies(String namespace) {
            return List.of();
          }

          @Override
          public Optional<List<NodeKubelet>> kubelets() {
            return Optional.empty();
          }
        };
    AdmissionHandler failing = new AdmissionHandler(broken, FACTS, metrics);
    JsonNode response =
        JSON.readTree(failing.handle(review(POD, "").getBytes(StandardCharsets.UTF_8)))
            .path("response");
    assertThat(response.path("allowed").asBoolean()).isTrue();
    assertThat(response.path("warnings").get(0).asText())
        .contains("IllegalStateException: informer not synced");
    assertThat(metrics.count(Result.FAILED_OPEN)).isEqualTo(1);
  }

  @Test
  void twoMatchingPoliciesInjectTheWinnerAndWarnAboutTheConflict() throws Exception {
    ClusterView two =
        new ClusterView() {
          @Override
          public Map<String, String> namespaceLabels(String namespace) {
            return Map.of();
          }

          @Override
          public List<EffectivePolicy> policies(String namespace) {
            return List.of(policy("low", 1), policy("high", 2));
          }

          @Override
          public Optional<List<NodeKubelet>> kubelets() {
            return Optional.empty();
          }
        };
    JsonNode response =
        JSON.readTree(
                new AdmissionHandler(two, FACTS, metrics)
                    .handle(review(POD, "").getBytes(StandardCharsets.UTF_8)))
            .path("response");
    assertThat(response.path("warnings").get(0).asText()).contains("policy high wins over low");
    assertThat(response.path("auditAnnotations").path("policy").asText())
        .contains("high wins over low");
    assertThat(patchOf(response).toString()).contains("\\\"policy\\\":\\\"shop/high\\\"");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          not JSON                | {"apiVersion": "admission.k8s.io/v1", | body is not JSON
          empty body              | ''                                    | body is not a JSON object
          a JSON array            | []                                    | body is not a JSON object
          an older review version | {"apiVersion": "admission.k8s.io/v1beta1", "kind": "AdmissionReview", "request": {"uid": "1"}} | expected admission.k8s.io/v1 AdmissionReview, got "admission.k8s.io/v1beta1" "AdmissionReview"
          another kind            | {"apiVersion": "admission.k8s.io/v1", "kind": "Pod"} | expected admission.k8s.io/v1 AdmissionReview
          no request              | {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview"} | AdmissionReview has no request
          request not an object   | {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": 5} | AdmissionReview has no request
          no uid                  | {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {"object": {}}} | AdmissionReview request has no uid
          uid not a string        | {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {"uid": 42}} | AdmissionReview request has no uid
          """)
  void aMalformedBodyIsRefusedWithAMessage(String name, String body, String message) {
    assertThatThrownBy(() -> handler.handle(body.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(MalformedAdmissionReviewException.class)
        .hasMessageContaining(message);
    assertThat(metrics.count(Result.MALFORMED)).isEqualTo(1);
  }

  @Test
  void warningsAreOneShortLine() {
    String warning = AdmissionHandler.warning("a\nb\tc " + "x".repeat(1000));
    assertThat(warning)
        .startsWith("outrigger: a b c ")
        .hasSize(AdmissionHandler.MAX_WARNING_LENGTH)
        .endsWith("...");
  }
}
