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
import java.util.concurrent.atomic.AtomicReference;

/**
 * The latest report of every sidecar, in memory, forgotten after {@code ttl} without a heartbeat (a
 * deleted pod stops reporting; its errors must not stay in the status forever). The data plane does
 * not depend on it: after an operator restart the sidecars' next heartbeats refill it.
 */
public final class ReportStore implements ReportSummary.Source {

  private record Received(SidecarReport report, Instant at) {}

  private final Map<String, Received> byPod = new ConcurrentHashMap<>();

  /**
   * The same reports by policy ({@code namespace/policy} → pod keys), so a policy's summary reads
   * its own reports, not all 5,000.
   */
  private final Map<String, Set<String>> podsByPolicy = new ConcurrentHashMap<>();

  private final Duration ttl;
  private final InstantSource clock;

  /**
   * Until when an empty summary means "not heard yet": set by the first summary this store gives,
   * i.e. when this replica's first reconcile runs, after starting or on becoming leader (standbys
   * do not reconcile), so both a restart and a leader change warm up.
   */
  private final AtomicReference<Instant> warmUntil = new AtomicReference<>();

  public ReportStore(Duration ttl, InstantSource clock) {
    this.ttl = ttl;
    this.clock = clock;
  }

  /**
   * Half the TTL (45 s by default): sidecars heart-beat every 30 s, so by then every live sidecar
   * has reported once, with room for a retry.
   */
  static Duration warmUp(Duration ttl) {
    return ttl.dividedBy(2);
  }

  @Override
  public boolean warmingUp() {
    Instant until = warmUntil.get();
    return until == null || clock.instant().isBefore(until);
  }

  /** Keeps {@code report} as its pod's latest. */
  public void put(SidecarReport report) {
    String pod = report.namespace() + "/" + report.pod();
    Received previous = byPod.put(pod, new Received(report, clock.instant()));
    if (previous != null && !previous.report().policy().equals(report.policy())) {
      unindex(pod, previous.report());
    }
    podsByPolicy.computeIfAbsent(policyKey(report), k -> ConcurrentHashMap.newKeySet()).add(pod);
  }

  private static String policyKey(SidecarReport report) {
    return report.namespace() + "/" + report.policy();
  }

  private void unindex(String pod, SidecarReport report) {
    podsByPolicy.computeIfPresent(
        policyKey(report), (k, pods) -> pods.remove(pod) && pods.isEmpty() ? null : pods);
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
                touched.add(policyKey(e.getValue().report()));
                unindex(e.getKey(), e.getValue().report());
              }
              return expired;
            });
    return touched;
  }

  /** Errors grouped by component and message, most reported first; the latest report time. */
  @Override
  public ReportSummary summarize(String namespace, String policy) {
    warmUntil.compareAndSet(null, clock.instant().plus(warmUp(ttl)));
    Instant cutoff = clock.instant().minus(ttl);
    Map<List<String>, ReportedError> errors = new HashMap<>();
    Optional<Instant> last = Optional.empty();
    Map<String, String> running = new HashMap<>();
    for (String pod : podsByPolicy.getOrDefault(namespace + "/" + policy, Set.of())) {
      Received received = byPod.get(pod);
      if (received == null) {
        continue;
      }
      SidecarReport report = received.report();
      if (!namespace.equals(report.namespace())
          || !policy.equals(report.policy())
          || received.at().isBefore(cutoff)) {
        continue;
      }
      if (last.isEmpty() || received.at().isAfter(last.get())) {
        last = Optional.of(received.at());
      }
      if (report.runsConfigInFull()) {
        running.put(report.pod(), report.configHash());
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
    return new ReportSummary(sorted, last, Map.copyOf(running));
  }
}
