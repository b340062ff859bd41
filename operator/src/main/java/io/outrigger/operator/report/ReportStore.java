package io.outrigger.operator.report;

import io.outrigger.config.SidecarReport;
import io.outrigger.operator.status.ReportedError;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The latest report of every sidecar, in memory, forgotten after {@code ttl} without a heartbeat (a
 * deleted pod stops reporting; its errors must not stay in the status forever). The data plane does
 * not depend on it: after an operator restart the sidecars' next heartbeats refill it.
 */
public final class ReportStore implements ReportSummary.Source {

  private record Received(SidecarReport report, Instant at) {}

  private final Map<String, Received> byPod = new ConcurrentHashMap<>();
  private final Duration ttl;
  private final InstantSource clock;

  public ReportStore(Duration ttl, InstantSource clock) {
    this.ttl = ttl;
    this.clock = clock;
  }

  /** Keeps {@code report} as its pod's latest. */
  public void put(SidecarReport report) {
    byPod.put(report.namespace() + "/" + report.pod(), new Received(report, clock.instant()));
  }

  public int size() {
    return byPod.size();
  }

  /**
   * Forgets expired reports and returns the policies ({@code namespace/name}) whose status they
   * were part of.
   */
  public Set<String> expire() {
    Instant cutoff = clock.instant().minus(ttl);
    Set<String> touched = new HashSet<>();
    byPod
        .entrySet()
        .removeIf(
            e -> {
              boolean expired = e.getValue().at().isBefore(cutoff);
              if (expired) {
                touched.add(
                    e.getValue().report().namespace() + "/" + e.getValue().report().policy());
              }
              return expired;
            });
    return touched;
  }

  /** Errors grouped by component and message, most reported first; the latest report time. */
  @Override
  public ReportSummary summarize(String namespace, String policy) {
    Instant cutoff = clock.instant().minus(ttl);
    Map<List<String>, ReportedError> errors = new HashMap<>();
    Optional<Instant> last = Optional.empty();
    for (Received received : byPod.values()) {
      SidecarReport report = received.report();
      if (!namespace.equals(report.namespace())
          || !policy.equals(report.policy())
          || received.at().isBefore(cutoff)) {
        continue;
      }
      if (last.isEmpty() || received.at().isAfter(last.get())) {
        last = Optional.of(received.at());
      }
      for (SidecarReport.ComponentError error : Set.copyOf(report.errorsOrEmpty())) {
        errors.merge(
            List.of(error.component(), error.message()),
            new ReportedError(error.component(), error.message(), 1, received.at()),
            (a, b) ->
                new ReportedError(
                    a.component(),
                    a.message(),
                    a.pods() + b.pods(),
                    a.lastSeen().isAfter(b.lastSeen()) ? a.lastSeen() : b.lastSeen()));
      }
    }
    List<ReportedError> sorted =
        errors.values().stream()
            .sorted(
                Comparator.comparingInt(ReportedError::pods)
                    .reversed()
                    .thenComparing(ReportedError::component)
                    .thenComparing(ReportedError::message))
            .toList();
    return new ReportSummary(sorted, last);
  }
}
