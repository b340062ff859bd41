package io.outrigger.webhook.admission;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.outrigger.webhook.ClusterFacts;
import io.outrigger.webhook.PodAdmission;
import io.outrigger.webhook.PodJson;
import io.outrigger.webhook.admission.AdmissionMetrics.Result;
import io.outrigger.webhook.patch.ModelDiff;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The mutating admission webhook without a web framework: an {@code admission.k8s.io/v1}
 * AdmissionReview in, an AdmissionReview out whose patch is the JSON-Patch diff of the pod as sent
 * and the pod as injected. Thread-safe; the HTTP layer only moves bytes.
 *
 * <p>It fails open: whatever goes wrong once the request is understood, the pod is admitted
 * unchanged with a warning and the failure is counted. A sidecar is an add-on; refusing pods
 * because of it would turn an observability outage into an application outage. (The webhook
 * configuration's {@code failurePolicy: Ignore} covers the webhook being unreachable.)
 */
public final class AdmissionHandler {

  public static final String API_VERSION = "admission.k8s.io/v1";
  public static final String KIND = "AdmissionReview";

  /** The API server refuses longer warnings; keep ours well inside. */
  static final int MAX_WARNING_LENGTH = 250;

  static final String WARNING_PREFIX = "outrigger: ";

  private static final ModelDiff MODEL_DIFF = new ModelDiff(PodJson.MAPPER);

  private final ClusterView cluster;
  private final ClusterFacts facts;
  private final AdmissionMetrics metrics;
  private final InjectionEvents events;

  public AdmissionHandler(ClusterView cluster, ClusterFacts facts, AdmissionMetrics metrics) {
    this(cluster, facts, metrics, InjectionEvents.NONE);
  }

  /**
   * @param events told what happened to each pod that asked for a sidecar (not for dry runs: the
   *     webhook declares {@code sideEffects: NoneOnDryRun})
   */
  public AdmissionHandler(
      ClusterView cluster, ClusterFacts facts, AdmissionMetrics metrics, InjectionEvents events) {
    this.cluster = cluster;
    this.facts = facts;
    this.metrics = metrics;
    this.events = events;
  }

  public AdmissionMetrics metrics() {
    return metrics;
  }

  /**
   * The response body for a request body.
   *
   * @throws MalformedAdmissionReviewException when the body is not an AdmissionReview v1 with a
   *     request and a uid (there is no uid to answer to)
   */
  public byte[] handle(byte[] body) {
    long start = System.nanoTime();
    PodReview fast = PodReview.read(body);
    if (fast != null) {
      return write(answer(fast, start));
    }
    JsonNode review;
    try {
      review = PodJson.MAPPER.readTree(body);
    } catch (IOException e) {
      metrics.record(Result.MALFORMED, false, System.nanoTime() - start);
      throw new MalformedAdmissionReviewException(
          "body is not JSON: " + oneLine(e.getMessage()), e);
    }
    try {
      return write(review(review, start));
    } catch (MalformedAdmissionReviewException e) {
      metrics.record(Result.MALFORMED, false, System.nanoTime() - start);
      throw e;
    }
  }

  /** The response review for a request review (see {@link #handle(byte[])}). */
  public ObjectNode review(JsonNode review, long startNanos) {
    return answer(PodReview.of(requestOf(review)), startNanos);
  }

  private ObjectNode answer(PodReview request, long startNanos) {
    Outcome outcome;
    try {
      outcome = admit(request);
    } catch (RuntimeException e) {
      outcome =
          new Outcome(
              Result.FAILED_OPEN,
              null,
              List.of("injection failed, pod admitted without a sidecar: " + describe(e)),
              Map.of("decision", "failed open: " + describe(e)));
    }
    ObjectNode response = respond(request.uid(), outcome);
    // dryRun: the API server stores nothing and we must cause nothing beyond the answer. Nothing
    // here writes anywhere; the flag only keeps such requests apart in the metrics.
    metrics.record(outcome.result(), request.dryRun(), System.nanoTime() - startNanos);
    return response;
  }

  private static JsonNode requestOf(JsonNode review) {
    if (review == null || !review.isObject()) {
      throw new MalformedAdmissionReviewException("body is not a JSON object");
    }
    String apiVersion = review.path("apiVersion").asText("");
    String kind = review.path("kind").asText("");
    if (!API_VERSION.equals(apiVersion) || !KIND.equals(kind)) {
      throw new MalformedAdmissionReviewException(
          "expected " + API_VERSION + " " + KIND + ", got \"" + apiVersion + "\" \"" + kind + "\"");
    }
    JsonNode request = review.get("request");
    if (request == null || !request.isObject()) {
      throw new MalformedAdmissionReviewException("AdmissionReview has no request");
    }
    JsonNode uid = request.get("uid");
    if (uid == null || !uid.isTextual() || uid.asText().isEmpty()) {
      throw new MalformedAdmissionReviewException("AdmissionReview request has no uid");
    }
    return request;
  }

  /** What to answer; any exception thrown here is answered by failing open. */
  private Outcome admit(PodReview request) {
    if (!request.group().isEmpty() || !"Pod".equals(request.kind())) {
      // The webhook configuration should only send pods; admitting anything else unchanged
      // keeps a misconfiguration from blocking other resources.
      return Outcome.skipped("not a pod (" + request.group() + "/" + request.kind() + ")", true);
    }
    String operation = request.operation();
    if (!"CREATE".equals(operation)) {
      // Containers cannot be added to a running pod; only creation is injected.
      return Outcome.skipped("operation " + operation + " is not injected", false);
    }
    Pod pod = request.pod();
    String namespace = request.namespace();
    if (namespace.isEmpty() && pod.getMetadata() != null) {
      namespace = pod.getMetadata().getNamespace();
    }

    String finalNamespace = namespace;
    PodAdmission admission =
        PodAdmission.admit(
            pod,
            namespace,
            cluster.namespaceLabels(namespace),
            () -> cluster.policies(finalNamespace),
            // The nodes as now listed: native sidecars only where every kubelet that may run the
            // pod runs them.
            facts
                .withKubelets(cluster.kubelets().orElse(null))
                .withReportCa(cluster.reportCa().orElse(null)));
    if (admission.policy().isEmpty()) {
      tell(request, pod, namespace, admission);
      return new Outcome(Result.SKIPPED, null, admission.warnings(), admission.audit());
    }
    // The patch is the diff of both pods as the model renders them, so that fields the model
    // leaves out (an empty list, say) never show up as changes we did not make; ModelDiff gives it
    // without rendering what the injector left alone.
    ArrayNode patch = MODEL_DIFF.diff(pod, admission.pod());
    if (!patch.isEmpty()) {
      tell(request, pod, namespace, admission);
    }
    return new Outcome(
        patch.isEmpty() ? Result.SKIPPED : Result.INJECTED,
        patch,
        admission.warnings(),
        admission.audit());
  }

  /** An event is a courtesy: whatever goes wrong with it, the pod's admission goes on. */
  private void tell(PodReview request, Pod pod, String namespace, PodAdmission admission) {
    if (request.dryRun()) {
      return;
    }
    try {
      InjectionEvent.of(pod, namespace, admission).ifPresent(events::record);
    } catch (RuntimeException e) {
      // nothing to do on the admission path; the recorder logs its own failures
    }
  }

  private static ObjectNode respond(String uid, Outcome outcome) {
    ObjectNode review = PodJson.MAPPER.createObjectNode();
    review.put("apiVersion", API_VERSION);
    review.put("kind", KIND);
    ObjectNode response = review.putObject("response");
    response.put("uid", uid);
    response.put("allowed", true);
    if (outcome.patch() != null && !outcome.patch().isEmpty()) {
      response.put("patchType", "JSONPatch");
      response.put(
          "patch",
          Base64.getEncoder()
              .encodeToString(PodJson.write(outcome.patch()).getBytes(StandardCharsets.UTF_8)));
    }
    if (!outcome.warnings().isEmpty()) {
      ArrayNode warnings = response.putArray("warnings");
      outcome.warnings().forEach(w -> warnings.add(warning(w)));
    }
    if (!outcome.audit().isEmpty()) {
      ObjectNode audit = response.putObject("auditAnnotations");
      outcome.audit().forEach(audit::put);
    }
    return review;
  }

  /** One line, prefixed, short enough for the API server to pass on. */
  static String warning(String text) {
    String line = WARNING_PREFIX + oneLine(text);
    return line.length() <= MAX_WARNING_LENGTH
        ? line
        : line.substring(0, MAX_WARNING_LENGTH - 3) + "...";
  }

  private static String oneLine(String text) {
    return text == null ? "" : text.replaceAll("[\\r\\n\\t]+", " ").strip();
  }

  private static String describe(RuntimeException e) {
    return e.getClass().getSimpleName()
        + (e.getMessage() == null ? "" : ": " + oneLine(e.getMessage()));
  }

  private static byte[] write(ObjectNode review) {
    try {
      return PodJson.MAPPER.writeValueAsBytes(review);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render the response", e);
    }
  }

  /**
   * @param patch {@code null} or empty: nothing to change
   * @param warnings shown to the client ({@code kubectl} prints them)
   * @param audit audit annotations; the API server prefixes each key with the webhook's name
   */
  private record Outcome(
      Result result, ArrayNode patch, List<String> warnings, Map<String, String> audit) {

    /** Warn only a pod that asked for a sidecar and does not get one. */
    static Outcome skipped(String reason, boolean warn) {
      return new Outcome(
          Result.SKIPPED, null, warn ? List.of(reason) : List.of(), Map.of("decision", reason));
    }
  }
}
