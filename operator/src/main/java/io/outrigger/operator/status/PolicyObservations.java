package io.outrigger.operator.status;

import io.outrigger.api.validation.Violation;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Everything one reconcile learned about a policy, the input of {@link PolicyStatusBuilder}.
 *
 * @param generation the policy's {@code metadata.generation}
 * @param violations what {@code PolicyValidator} found; empty when the policy is valid
 * @param configHash hash of the config rendered this time; empty when nothing was rendered (an
 *     invalid policy's sidecars keep their last config, so the status keeps its last hash)
 * @param pods the pod counts
 * @param winners policies that took pods this policy also selects, best first
 * @param errors the errors the sidecars report, most reported first
 * @param lastReport when a sidecar of this policy last reported, if ever
 * @param interceptionFallback why the policy's pods get another interception mode than it asks for
 *     (the namespace's Pod Security level); empty when they get the one it asks for
 * @param now the time to stamp changed conditions with
 */
public record PolicyObservations(
    long generation,
    List<Violation> violations,
    Optional<String> configHash,
    PodCounts pods,
    List<String> winners,
    List<ReportedError> errors,
    Optional<Instant> lastReport,
    Optional<String> interceptionFallback,
    Instant now) {

  public boolean valid() {
    return violations.isEmpty();
  }
}
