package io.outrigger.operator.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.outrigger.api.policy.EffectivePolicy;
import io.outrigger.config.ReportAnswer;
import io.outrigger.config.SidecarConfigCodec;
import io.outrigger.config.SidecarReport;
import io.outrigger.operator.reconciler.PodCensus;
import io.outrigger.webhook.InjectionStatus;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code POST /v1/reports} without the HTTP: checks the bearer token with the API server, checks
 * the token may speak for the reported pod, bounds the report, hands it to the leader when another
 * replica leads, checks the policy against the pod's injection status, stores it and asks for a
 * (throttled) status update. The answer to an accepted report ({@link ReportAnswer}) carries the
 * policy's config when the sidecar runs another one, and the report endpoint's CA bundle: that is
 * how edits and rotations reach running sidecars (ADR 0010). The HTTP layer only moves bytes and
 * status codes.
 */
public final class ReportIntake {
  private static final Logger LOG = Logger.getLogger(ReportIntake.class.getName());
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The answer: an HTTP status code and its body, a one-line reason ({@code text/plain}) or, for an
   * accepted report, a {@link ReportAnswer} ({@code application/json}).
   */
  public record Answer(int status, String message, String contentType) {
    public static final String TEXT = "text/plain";
    public static final String JSON = "application/json";

    public Answer(int status, String message) {
      this(status, message, TEXT);
    }
  }

  /** A policy of the cluster, resolved; empty when unknown or invalid. */
  @FunctionalInterface
  public interface Policies {
    Optional<EffectivePolicy> find(String namespace, String name);
  }

  /** Told about every accepted report (the status throttle). */
  public interface Listener {
    void reported(String namespace, String policy);
  }

  /** The pod a report speaks for, as the cluster has it; empty when it does not exist. */
  @FunctionalInterface
  public interface Pods {
    Optional<Pod> find(String namespace, String name);
  }

  /**
   * Where an authenticated report goes when this replica does not take it: the leader's answer, or
   * empty to take it here (ADR 0005).
   */
  @FunctionalInterface
  public interface Leader {
    Optional<Answer> forward(String authorization, byte[] body);

    Leader HERE = (authorization, body) -> Optional.empty();
  }

  private final Function<String, Optional<TokenReviewer.Identity>> reviewer;
  private final Pods pods;
  private final Policies policies;
  private final Supplier<Optional<String>> reportCa;
  private final ReportStore store;
  private final Listener listener;
  private final ReportMetrics metrics;

  public ReportIntake(
      Function<String, Optional<TokenReviewer.Identity>> reviewer,
      Pods pods,
      Policies policies,
      Supplier<Optional<String>> reportCa,
      ReportStore store,
      Listener listener,
      ReportMetrics metrics) {
    this.reviewer = reviewer;
    this.pods = pods;
    this.policies = policies;
    this.reportCa = reportCa;
    this.store = store;
    this.listener = listener;
    this.metrics = metrics;
  }

  /** Takes the report on this replica. */
  public Answer accept(String authorization, byte[] body) {
    return accept(authorization, body, Leader.HERE);
  }

  /**
   * Authenticates the report and checks what its token may say, then lets {@code leader} take it or
   * takes it here: a replica forwards only reports it would have accepted itself.
   */
  public Answer accept(String authorization, byte[] body, Leader leader) {
    Answer answer = decide(authorization, body, leader);
    metrics.report(answer.status());
    return answer;
  }

  private Answer decide(String authorization, byte[] body, Leader leader) {
    // Authenticate before reading the body: unauthenticated clients get no parser to play with.
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return new Answer(401, "a bearer token is required (the sidecar's projected token)");
    }
    String token = authorization.substring(7).strip();
    if (token.isEmpty()) {
      return new Answer(401, "a bearer token is required (the sidecar's projected token)");
    }
    Optional<TokenReviewer.Identity> identity;
    try {
      identity = reviewer.apply(token);
    } catch (KubernetesClientException e) {
      // The sidecar retries; 503 tells it the fault is ours, not its token's.
      LOG.log(Level.WARNING, "TokenReview failed: " + e.getMessage());
      return new Answer(503, "cannot review the token now");
    }
    if (identity.isEmpty()) {
      return new Answer(
          401,
          "token refused (a signed token for audience outrigger, bound to a pod that is still"
              + " there, not expired)");
    }
    TokenReviewer.Identity who = identity.get();
    // Only a token bound to a pod says which pod is speaking; any other token of the namespace
    // could report for every pod in it.
    if (who.pod().isEmpty()) {
      return new Answer(403, "the token is not bound to a pod (the sidecar's projected token is)");
    }
    SidecarReport report;
    try {
      report = JSON.readValue(body, SidecarReport.class);
    } catch (IOException e) {
      return new Answer(400, "not a report: " + oneLine(e.getMessage()));
    }
    if (report == null
        || blank(report.namespace())
        || blank(report.pod())
        || blank(report.policy())) {
      return new Answer(400, "a report names its namespace, pod and policy");
    }
    Optional<String> tooBig = ReportBounds.violation(report);
    if (tooBig.isPresent()) {
      return new Answer(400, "report too large: " + tooBig.get());
    }
    // A token speaks for its own namespace and pod only: one team's sidecars cannot write into
    // another team's policy status, nor one pod for another.
    if (!who.namespace().equals(report.namespace())) {
      return new Answer(
          403,
          "a token of namespace " + who.namespace() + " cannot report for " + report.namespace());
    }
    if (!who.pod().get().equals(report.pod())) {
      return new Answer(
          403, "a token of pod " + who.pod().get() + " cannot report for pod " + report.pod());
    }
    Optional<Answer> forwarded = leader.forward(authorization, body);
    if (forwarded.isPresent()) {
      return forwarded.get();
    }
    Optional<Answer> policyRefused = checkPolicy(report);
    if (policyRefused.isPresent()) {
      return policyRefused.get();
    }
    SidecarReport kept = ReportBounds.trimmed(report);
    store.put(kept);
    listener.reported(kept.namespace(), kept.policy());
    return accepted(report);
  }

  /** What the sidecar should run and trust now; the report stands even if this cannot be said. */
  private Answer accepted(SidecarReport report) {
    Optional<EffectivePolicy> policy = Optional.empty();
    try {
      policy = policies.find(report.namespace(), report.policy());
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "cannot resolve policy " + report.policy() + ": " + e.getMessage());
    }
    String hash = policy.map(EffectivePolicy::configHash).orElse(null);
    String config =
        policy
            .filter(p -> !p.configHash().equals(report.configHash()))
            .map(p -> SidecarConfigCodec.toCompactJson(p.sidecar()))
            .orElse(null);
    ReportAnswer answer = new ReportAnswer("accepted", hash, config, reportCa.get().orElse(null));
    try {
      return new Answer(202, JSON.writeValueAsString(answer), Answer.JSON);
    } catch (IOException e) {
      throw new IllegalStateException("a ReportAnswer always serialises", e);
    }
  }

  /**
   * A pod reports for the policy it was injected from (its {@code outrigger.io/status}), not for
   * any policy of its namespace.
   */
  private Optional<Answer> checkPolicy(SidecarReport report) {
    Optional<Pod> pod;
    try {
      pod = pods.find(report.namespace(), report.pod());
    } catch (KubernetesClientException e) {
      LOG.log(Level.WARNING, "cannot read pod " + report.pod() + ": " + e.getMessage());
      return Optional.of(new Answer(503, "cannot read the pod now"));
    }
    if (pod.isEmpty()) {
      return Optional.of(new Answer(403, "pod " + report.pod() + " does not exist"));
    }
    Map<String, String> annotations =
        pod.get().getMetadata() == null || pod.get().getMetadata().getAnnotations() == null
            ? Map.of()
            : pod.get().getMetadata().getAnnotations();
    Optional<String> injectedFrom =
        PodCensus.injectionStatus(annotations).map(InjectionStatus::policy);
    if (injectedFrom.isEmpty()) {
      return Optional.of(new Answer(403, "pod " + report.pod() + " was not injected"));
    }
    if (!injectedFrom.get().equals(report.policy())) {
      return Optional.of(
          new Answer(
              403,
              "pod "
                  + report.pod()
                  + " was injected from policy "
                  + injectedFrom.get()
                  + ", not "
                  + report.policy()));
    }
    return Optional.empty();
  }

  private static boolean blank(String value) {
    return value == null || value.isBlank();
  }

  private static String oneLine(String text) {
    String line = text == null ? "" : text.replaceAll("\\s+", " ").strip();
    return line.length() > 200 ? line.substring(0, 200) + "..." : line;
  }
}
