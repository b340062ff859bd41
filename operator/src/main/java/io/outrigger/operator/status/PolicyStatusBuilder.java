package io.outrigger.operator.status;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.outrigger.api.v1alpha1.status.ObservabilityPolicyStatus;
import io.outrigger.api.v1alpha1.status.PolicyCondition;
import io.outrigger.api.v1alpha1.status.SidecarErrorSummary;
import io.outrigger.api.validation.PolicyValidator;
import io.outrigger.operator.OperatorNames;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Builds a policy's status from its current status and one reconcile's observations, as a pure
 * function (Keycloak's {@code KeycloakStatusAggregator}, Strimzi's {@code StatusUtils}): a
 * condition whose status did not change keeps its {@code lastTransitionTime}, so rebuilding an
 * unchanged status yields an equal object and the reconciler can skip the write.
 */
public final class PolicyStatusBuilder {
  private PolicyStatusBuilder() {}

  /** At most this many reported errors go into the status: it is a summary, not a log. */
  public static final int MAX_ERRORS = 5;

  /**
   * A status whose only change is newer report times ({@code lastReportTime}, an error's {@code
   * lastSeen}) is written when the shown report time is this much behind, not at every heartbeat:
   * sidecars heart-beat every 30 s, so those times move all the time, and writing them as they move
   * would rewrite every policy's status every few seconds while nothing happens (5,000 sidecars,
   * 200 policies: 2,400 writes a minute). Any other change writes them along at once.
   */
  public static final Duration REPORT_TIME_STEP = Duration.ofSeconds(60);

  private static final ObjectMapper JSON = new ObjectMapper();

  public static ObservabilityPolicyStatus build(
      ObservabilityPolicyStatus current, PolicyObservations seen) {
    List<PolicyCondition> previous =
        current == null || current.getConditions() == null ? List.of() : current.getConditions();
    ObservabilityPolicyStatus status = new ObservabilityPolicyStatus();
    status.setObservedGeneration(seen.generation());
    status.setConditions(
        List.of(
            condition(previous, seen, OperatorNames.READY, ready(seen)),
            condition(previous, seen, OperatorNames.VALID, valid(seen)),
            condition(previous, seen, OperatorNames.CONFLICT, conflict(seen)),
            condition(previous, seen, OperatorNames.DEGRADED, degraded(seen)),
            condition(
                previous, seen, OperatorNames.INTERCEPTION_FALLBACK, interceptionFallback(seen))));
    status.setMatchedPods(seen.pods().matched());
    status.setInjectedPods(seen.pods().injected());
    status.setReadyPods(seen.pods().ready());
    status.setOutdatedPods(seen.pods().outdated());
    status.setMissedPods(seen.pods().missed());
    // An invalid policy renders nothing: its sidecars keep the last config they were given, and
    // the status keeps naming what they run.
    String hash = seen.configHash().orElse(current == null ? null : current.getConfigHash());
    status.setConfigHash(hash);
    List<SidecarErrorSummary> errors =
        seen.errors().stream().limit(MAX_ERRORS).map(PolicyStatusBuilder::summary).toList();
    status.setSidecarErrors(errors.isEmpty() ? null : errors);
    status.setLastReportTime(seen.lastReport().map(PolicyStatusBuilder::time).orElse(null));
    return status;
  }

  /** True when both statuses would serialize the same: no write needed. */
  public static boolean same(ObservabilityPolicyStatus a, ObservabilityPolicyStatus b) {
    return Objects.equals(JSON.valueToTree(a), JSON.valueToTree(b));
  }

  /**
   * Whether {@code built} must be written over {@code current}: it differs in anything but report
   * times, or its report time is {@link #REPORT_TIME_STEP} past the one shown.
   */
  public static boolean worthWriting(
      ObservabilityPolicyStatus built, ObservabilityPolicyStatus current) {
    if (same(built, current)) {
      return false;
    }
    if (current == null || !same(withReportTimesOf(built, current), current)) {
      return true;
    }
    Optional<Instant> shown = instant(current.getLastReportTime());
    Optional<Instant> latest = instant(built.getLastReportTime());
    return shown.isEmpty()
        || latest.isEmpty()
        || !latest.get().isBefore(shown.get().plus(REPORT_TIME_STEP));
  }

  /** {@code status} with the report times {@code shown} has, where it has them. */
  private static ObservabilityPolicyStatus withReportTimesOf(
      ObservabilityPolicyStatus status, ObservabilityPolicyStatus shown) {
    ObservabilityPolicyStatus copy = JSON.convertValue(status, ObservabilityPolicyStatus.class);
    copy.setLastReportTime(shown.getLastReportTime());
    if (copy.getSidecarErrors() != null && shown.getSidecarErrors() != null) {
      for (SidecarErrorSummary error : copy.getSidecarErrors()) {
        shown.getSidecarErrors().stream()
            .filter(
                e ->
                    Objects.equals(e.getComponent(), error.getComponent())
                        && Objects.equals(e.getMessage(), error.getMessage()))
            .findFirst()
            .ifPresent(e -> error.setLastSeen(e.getLastSeen()));
      }
    }
    return copy;
  }

  private static Optional<Instant> instant(String time) {
    try {
      return Optional.ofNullable(time).map(Instant::parse);
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /** RFC 3339 in whole seconds, as the API server writes times. */
  public static String time(Instant instant) {
    return instant.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  private record Verdict(boolean status, String reason, String message) {}

  private static Verdict ready(PolicyObservations seen) {
    if (!seen.valid()) {
      return new Verdict(false, OperatorNames.REASON_INVALID, invalidMessage(seen));
    }
    return new Verdict(
        true,
        OperatorNames.REASON_RENDERED,
        "sidecar config rendered"
            + seen.configHash().map(h -> " (hash " + h + ")").orElse("")
            + "; new pods get it at creation, running sidecars with their next report");
  }

  private static Verdict valid(PolicyObservations seen) {
    return seen.valid()
        ? new Verdict(true, OperatorNames.REASON_VALID, "the policy passed validation")
        : new Verdict(false, OperatorNames.REASON_INVALID, invalidMessage(seen));
  }

  private static Verdict conflict(PolicyObservations seen) {
    if (seen.winners().isEmpty()) {
      return new Verdict(
          false, OperatorNames.REASON_NO_CONFLICT, "no other policy takes pods this one selects");
    }
    return new Verdict(
        true,
        OperatorNames.REASON_LOST_TO,
        "pods this policy selects get policy "
            + String.join(", ", seen.winners())
            + " instead (higher priority, then older, then name first)");
  }

  private static Verdict degraded(PolicyObservations seen) {
    int missed = seen.pods().missed();
    if (missed > 0) {
      return new Verdict(
          true,
          OperatorNames.REASON_MISSED,
          missed
              + " opted-in pod"
              + (missed == 1 ? " runs" : "s run")
              + " without a sidecar (created while the webhook was unreachable?); recreate them");
    }
    if (!seen.errors().isEmpty()) {
      ReportedError top = seen.errors().get(0);
      return new Verdict(
          true,
          OperatorNames.REASON_SIDECAR_ERRORS,
          "sidecars report errors, most often from "
              + top.component()
              + " ("
              + top.pods()
              + " pods): "
              + top.message());
    }
    return new Verdict(
        false, OperatorNames.REASON_HEALTHY, "no missed pods and no sidecar errors reported");
  }

  private static Verdict interceptionFallback(PolicyObservations seen) {
    return seen.interceptionFallback()
        .map(why -> new Verdict(true, OperatorNames.REASON_POD_SECURITY, why))
        .orElseGet(
            () ->
                new Verdict(
                    false,
                    OperatorNames.REASON_AS_REQUESTED,
                    "pods get the interception mode the policy asks for"));
  }

  private static String invalidMessage(PolicyObservations seen) {
    return PolicyValidator.describe(seen.violations());
  }

  /** Kubernetes convention: the transition time moves only when the status does. */
  private static PolicyCondition condition(
      List<PolicyCondition> previous, PolicyObservations seen, String type, Verdict verdict) {
    String status = verdict.status() ? "True" : "False";
    Optional<PolicyCondition> before =
        previous.stream().filter(c -> type.equals(c.getType())).findFirst();
    PolicyCondition condition = new PolicyCondition();
    condition.setType(type);
    condition.setStatus(status);
    condition.setReason(verdict.reason());
    condition.setMessage(verdict.message());
    condition.setObservedGeneration(seen.generation());
    condition.setLastTransitionTime(
        before
            .filter(c -> status.equals(c.getStatus()) && c.getLastTransitionTime() != null)
            .map(PolicyCondition::getLastTransitionTime)
            .orElse(time(seen.now())));
    return condition;
  }

  private static SidecarErrorSummary summary(ReportedError error) {
    SidecarErrorSummary summary = new SidecarErrorSummary();
    summary.setComponent(error.component());
    summary.setMessage(error.message());
    summary.setPods(error.pods());
    summary.setLastSeen(time(error.lastSeen()));
    return summary;
  }

  /** The condition of {@code type}, if the status has one. */
  public static Optional<PolicyCondition> find(ObservabilityPolicyStatus status, String type) {
    if (status == null || status.getConditions() == null) {
      return Optional.empty();
    }
    return status.getConditions().stream().filter(c -> type.equals(c.getType())).findFirst();
  }
}
