package io.outrigger.operator.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.outrigger.config.SidecarReport;
import java.io.IOException;
import java.util.Optional;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code POST /v1/reports} without the HTTP: checks the bearer token with the API server, checks
 * the token may speak for the reported pod, stores the report and asks for a (throttled) status
 * update. The HTTP layer only moves bytes and status codes.
 */
public final class ReportIntake {
  private static final Logger LOG = Logger.getLogger(ReportIntake.class.getName());
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The answer: an HTTP status code and a one-line reason. */
  public record Answer(int status, String message) {}

  /** Told about every accepted report (the status throttle). */
  public interface Listener {
    void reported(String namespace, String policy);
  }

  private final Function<String, Optional<TokenReviewer.Identity>> reviewer;
  private final ReportStore store;
  private final Listener listener;
  private final ReportMetrics metrics;

  public ReportIntake(
      Function<String, Optional<TokenReviewer.Identity>> reviewer,
      ReportStore store,
      Listener listener,
      ReportMetrics metrics) {
    this.reviewer = reviewer;
    this.store = store;
    this.listener = listener;
    this.metrics = metrics;
  }

  public Answer accept(String authorization, byte[] body) {
    Answer answer = decide(authorization, body);
    metrics.report(answer.status());
    return answer;
  }

  private Answer decide(String authorization, byte[] body) {
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
      return new Answer(401, "token refused (audience outrigger, not expired, pod still there)");
    }
    SidecarReport report;
    try {
      report = JSON.readValue(body, SidecarReport.class);
    } catch (IOException e) {
      return new Answer(400, "not a report: " + oneLine(e.getMessage()));
    }
    if (blank(report.namespace()) || blank(report.pod()) || blank(report.policy())) {
      return new Answer(400, "a report names its namespace, pod and policy");
    }
    // A token speaks for its own namespace only (and, when bound to a pod, for that pod only):
    // one team's sidecars cannot write into another team's policy status.
    TokenReviewer.Identity who = identity.get();
    if (!who.namespace().equals(report.namespace())) {
      return new Answer(
          403,
          "a token of namespace " + who.namespace() + " cannot report for " + report.namespace());
    }
    if (who.pod().isPresent() && !who.pod().get().equals(report.pod())) {
      return new Answer(
          403, "a token of pod " + who.pod().get() + " cannot report for pod " + report.pod());
    }
    store.put(report);
    listener.reported(report.namespace(), report.policy());
    return new Answer(202, "accepted");
  }

  private static boolean blank(String value) {
    return value == null || value.isBlank();
  }

  private static String oneLine(String text) {
    String line = text == null ? "" : text.replaceAll("\\s+", " ").strip();
    return line.length() > 200 ? line.substring(0, 200) + "..." : line;
  }
}
