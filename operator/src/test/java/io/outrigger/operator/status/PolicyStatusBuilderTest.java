package io.outrigger.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.outrigger.api.v1alpha1.status.ObservabilityPolicyStatus;
import io.outrigger.api.v1alpha1.status.PolicyCondition;
import io.outrigger.api.validation.Violation;
import io.outrigger.operator.OperatorNames;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class PolicyStatusBuilderTest {

  private static final Instant T0 = Instant.parse("2026-01-01T10:00:00.123Z");
  private static final Instant T1 = Instant.parse("2026-01-01T11:00:00Z");
  private static final String AT_T0 = "2026-01-01T10:00:00Z";
  private static final String AT_T1 = "2026-01-01T11:00:00Z";
  private static final PodCounts PODS = new PodCounts(4, 3, 2, 1, 1);
  private static final List<Violation> BAD =
      List.of(new Violation("spec.metrics.scrape.port", "must be an app port, not 15020"));

  private static PolicyObservations valid(long generation, String hash, Instant now) {
    return new PolicyObservations(
        generation,
        List.of(),
        Optional.of(hash),
        PodCounts.NONE,
        List.of(),
        List.of(),
        Optional.empty(),
        Optional.empty(),
        now);
  }

  private static PolicyObservations invalid(long generation, Instant now) {
    return new PolicyObservations(
        generation,
        BAD,
        Optional.empty(),
        PodCounts.NONE,
        List.of(),
        List.of(),
        Optional.empty(),
        Optional.empty(),
        now);
  }

  private static PolicyObservations withPods(PolicyObservations o, PodCounts pods) {
    return new PolicyObservations(
        o.generation(),
        o.violations(),
        o.configHash(),
        pods,
        o.winners(),
        o.errors(),
        o.lastReport(),
        o.interceptionFallback(),
        o.now());
  }

  private static PolicyObservations withWinners(PolicyObservations o, List<String> winners) {
    return new PolicyObservations(
        o.generation(),
        o.violations(),
        o.configHash(),
        o.pods(),
        winners,
        o.errors(),
        o.lastReport(),
        o.interceptionFallback(),
        o.now());
  }

  private static PolicyObservations withErrors(PolicyObservations o, List<ReportedError> errors) {
    return new PolicyObservations(
        o.generation(),
        o.violations(),
        o.configHash(),
        o.pods(),
        o.winners(),
        errors,
        Optional.of(T0),
        o.interceptionFallback(),
        o.now());
  }

  private static PolicyObservations withFallback(PolicyObservations o, String why) {
    return new PolicyObservations(
        o.generation(),
        o.violations(),
        o.configHash(),
        o.pods(),
        o.winners(),
        o.errors(),
        o.lastReport(),
        Optional.ofNullable(why),
        o.now());
  }

  private static PolicyObservations reported(Instant at) {
    return new PolicyObservations(
        1,
        List.of(),
        Optional.of("h1"),
        PodCounts.NONE,
        List.of(),
        List.of(new ReportedError("metrics", "scrape failed", 3, at)),
        Optional.of(at),
        Optional.empty(),
        at);
  }

  private static ObservabilityPolicyStatus first(PolicyObservations o) {
    return PolicyStatusBuilder.build(null, o);
  }

  private static PolicyCondition condition(ObservabilityPolicyStatus status, String type) {
    return PolicyStatusBuilder.find(status, type).orElseThrow();
  }

  private static Consumer<ObservabilityPolicyStatus> is(
      String type, String status, String reason, String transition) {
    return s -> {
      PolicyCondition c = condition(s, type);
      assertThat(c.getStatus()).as(type + " status").isEqualTo(status);
      assertThat(c.getReason()).as(type + " reason").isEqualTo(reason);
      assertThat(c.getLastTransitionTime()).as(type + " lastTransitionTime").isEqualTo(transition);
    };
  }

  record Case(
      String name,
      ObservabilityPolicyStatus current,
      PolicyObservations seen,
      List<Consumer<ObservabilityPolicyStatus>> checks) {
    @Override
    public String toString() {
      return name;
    }
  }

  static final String FALLBACK =
      "interception port, not iptables: namespace shop enforces Pod Security \"restricted\" (latest)";

  static Stream<Case> cases() {
    ObservabilityPolicyStatus readyAtT0 = first(valid(1, "h1", T0));
    ObservabilityPolicyStatus fallbackAtT0 = first(withFallback(valid(1, "h1", T0), FALLBACK));
    ObservabilityPolicyStatus invalidAtT0 = first(invalid(1, T0));
    ObservabilityPolicyStatus reportedAtT0 = first(reported(T0));
    return Stream.of(
        new Case(
            "first reconcile of a valid policy",
            null,
            withPods(valid(1, "h1", T0), PODS),
            List.of(
                is(OperatorNames.READY, "True", OperatorNames.REASON_RENDERED, AT_T0),
                is(OperatorNames.VALID, "True", OperatorNames.REASON_VALID, AT_T0),
                is(OperatorNames.CONFLICT, "False", OperatorNames.REASON_NO_CONFLICT, AT_T0),
                is(OperatorNames.DEGRADED, "True", OperatorNames.REASON_MISSED, AT_T0),
                s -> {
                  assertThat(s.getObservedGeneration()).isEqualTo(1L);
                  assertThat(s.getConfigHash()).isEqualTo("h1");
                  assertThat(List.of(s.getMatchedPods(), s.getInjectedPods(), s.getReadyPods()))
                      .containsExactly(4, 3, 2);
                  assertThat(List.of(s.getOutdatedPods(), s.getMissedPods())).containsExactly(1, 1);
                  assertThat(condition(s, OperatorNames.READY).getMessage())
                      .contains("h1", "next report");
                  assertThat(condition(s, OperatorNames.READY).getObservedGeneration())
                      .isEqualTo(1L);
                })),
        new Case(
            "nothing changed: every transition time is kept and the status is the same",
            readyAtT0,
            valid(1, "h1", T1),
            List.of(
                is(OperatorNames.READY, "True", OperatorNames.REASON_RENDERED, AT_T0),
                is(OperatorNames.DEGRADED, "False", OperatorNames.REASON_HEALTHY, AT_T0),
                s -> assertThat(PolicyStatusBuilder.same(s, readyAtT0)).isTrue())),
        new Case(
            "edited policy: new hash and generation, same condition statuses keep their times",
            readyAtT0,
            valid(2, "h2", T1),
            List.of(
                is(OperatorNames.READY, "True", OperatorNames.REASON_RENDERED, AT_T0),
                s -> {
                  assertThat(s.getConfigHash()).isEqualTo("h2");
                  assertThat(s.getObservedGeneration()).isEqualTo(2L);
                  assertThat(condition(s, OperatorNames.READY).getMessage()).contains("h2");
                  assertThat(condition(s, OperatorNames.VALID).getObservedGeneration())
                      .isEqualTo(2L);
                  assertThat(PolicyStatusBuilder.same(s, readyAtT0)).isFalse();
                })),
        new Case(
            "policy turns invalid: Ready and Valid flip now, the last rendered hash stays",
            readyAtT0,
            invalid(2, T1),
            List.of(
                is(OperatorNames.READY, "False", OperatorNames.REASON_INVALID, AT_T1),
                is(OperatorNames.VALID, "False", OperatorNames.REASON_INVALID, AT_T1),
                is(OperatorNames.CONFLICT, "False", OperatorNames.REASON_NO_CONFLICT, AT_T0),
                s -> {
                  assertThat(condition(s, OperatorNames.VALID).getMessage())
                      .isEqualTo("spec.metrics.scrape.port: must be an app port, not 15020");
                  assertThat(s.getConfigHash()).isEqualTo("h1");
                })),
        new Case(
            "invalid from the start: nothing rendered, no hash",
            null,
            invalid(1, T0),
            List.of(
                is(OperatorNames.READY, "False", OperatorNames.REASON_INVALID, AT_T0),
                s -> {
                  assertThat(s.getConfigHash()).isNull();
                })),
        new Case(
            "fixed policy: Ready and Valid flip back to True now",
            invalidAtT0,
            valid(2, "h1", T1),
            List.of(
                is(OperatorNames.READY, "True", OperatorNames.REASON_RENDERED, AT_T1),
                is(OperatorNames.VALID, "True", OperatorNames.REASON_VALID, AT_T1),
                is(OperatorNames.DEGRADED, "False", OperatorNames.REASON_HEALTHY, AT_T0))),
        new Case(
            "another policy wins: Conflict names the winners",
            readyAtT0,
            withWinners(valid(1, "h1", T1), List.of("gold", "silver")),
            List.of(
                is(OperatorNames.CONFLICT, "True", OperatorNames.REASON_LOST_TO, AT_T1),
                is(OperatorNames.READY, "True", OperatorNames.REASON_RENDERED, AT_T0),
                s ->
                    assertThat(condition(s, OperatorNames.CONFLICT).getMessage())
                        .contains("gold, silver"))),
        new Case(
            "sidecar errors degrade, the most reported first, at most five kept",
            readyAtT0,
            withErrors(
                valid(1, "h1", T1),
                IntStream.range(0, 7)
                    .mapToObj(i -> new ReportedError("metrics", "scrape failed " + i, 7 - i, T1))
                    .toList()),
            List.of(
                is(OperatorNames.DEGRADED, "True", OperatorNames.REASON_SIDECAR_ERRORS, AT_T1),
                s -> {
                  assertThat(s.getSidecarErrors()).hasSize(PolicyStatusBuilder.MAX_ERRORS);
                  assertThat(s.getSidecarErrors().get(0).getMessage()).isEqualTo("scrape failed 0");
                  assertThat(s.getSidecarErrors().get(0).getPods()).isEqualTo(7);
                  assertThat(s.getLastReportTime()).isEqualTo(AT_T0);
                  assertThat(condition(s, OperatorNames.DEGRADED).getMessage())
                      .contains("metrics", "7 pods", "scrape failed 0");
                })),
        new Case(
            "heartbeats within a minute: only report times moved, not worth a write",
            reportedAtT0,
            reported(T0.plusSeconds(59)),
            List.of(
                s -> {
                  assertThat(s.getLastReportTime()).isEqualTo("2026-01-01T10:00:59Z");
                  assertThat(PolicyStatusBuilder.same(s, reportedAtT0)).isFalse();
                  assertThat(PolicyStatusBuilder.worthWriting(s, reportedAtT0)).isFalse();
                })),
        new Case(
            "a report a minute after the time shown is worth a write",
            reportedAtT0,
            reported(T0.plusSeconds(60)),
            List.of(s -> assertThat(PolicyStatusBuilder.worthWriting(s, reportedAtT0)).isTrue())),
        new Case(
            "a new error within the minute is written at once, times and all",
            reportedAtT0,
            withErrors(
                reported(T0.plusSeconds(30)),
                List.of(
                    new ReportedError("metrics", "scrape failed", 3, T0.plusSeconds(30)),
                    new ReportedError("logs", "disk full", 1, T0.plusSeconds(30)))),
            List.of(
                s -> {
                  assertThat(PolicyStatusBuilder.worthWriting(s, reportedAtT0)).isTrue();
                  assertThat(s.getSidecarErrors().get(1).getLastSeen())
                      .isEqualTo("2026-01-01T10:00:30Z");
                })),
        new Case(
            "pod counts changed within the minute: written at once",
            reportedAtT0,
            withPods(reported(T0.plusSeconds(10)), PODS),
            List.of(s -> assertThat(PolicyStatusBuilder.worthWriting(s, reportedAtT0)).isTrue())),
        new Case(
            "missed pods are named before sidecar errors",
            null,
            withPods(
                withErrors(valid(1, "h1", T0), List.of(new ReportedError("logs", "x", 1, T0))),
                new PodCounts(2, 0, 0, 0, 2)),
            List.of(
                is(OperatorNames.DEGRADED, "True", OperatorNames.REASON_MISSED, AT_T0),
                s ->
                    assertThat(condition(s, OperatorNames.DEGRADED).getMessage())
                        .startsWith("2 opted-in pods run without a sidecar"))),
        new Case(
            "pods get the interception the policy asks for",
            null,
            valid(1, "h1", T0),
            List.of(
                is(
                    OperatorNames.INTERCEPTION_FALLBACK,
                    "False",
                    OperatorNames.REASON_AS_REQUESTED,
                    AT_T0))),
        new Case(
            "the namespace starts enforcing restricted: the fallback is shown now, with its reason",
            readyAtT0,
            withFallback(valid(1, "h1", T1), FALLBACK),
            List.of(
                is(
                    OperatorNames.INTERCEPTION_FALLBACK,
                    "True",
                    OperatorNames.REASON_POD_SECURITY,
                    AT_T1),
                is(OperatorNames.READY, "True", OperatorNames.REASON_RENDERED, AT_T0),
                s -> {
                  assertThat(condition(s, OperatorNames.INTERCEPTION_FALLBACK).getMessage())
                      .isEqualTo(FALLBACK);
                  assertThat(PolicyStatusBuilder.worthWriting(s, readyAtT0)).isTrue();
                })),
        new Case(
            "the namespace is labelled privileged again: the fallback clears now",
            fallbackAtT0,
            valid(1, "h1", T1),
            List.of(
                is(
                    OperatorNames.INTERCEPTION_FALLBACK,
                    "False",
                    OperatorNames.REASON_AS_REQUESTED,
                    AT_T1))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void builds(Case c) {
    ObservabilityPolicyStatus built = PolicyStatusBuilder.build(c.current(), c.seen());
    c.checks().forEach(check -> check.accept(built));
    assertThat(built.getConditions())
        .extracting(PolicyCondition::getType)
        .containsExactly(
            OperatorNames.READY,
            OperatorNames.VALID,
            OperatorNames.CONFLICT,
            OperatorNames.DEGRADED,
            OperatorNames.INTERCEPTION_FALLBACK);
    assertThat(PolicyStatusBuilder.same(built, PolicyStatusBuilder.build(built, c.seen())))
        .as("building again from the result changes nothing")
        .isTrue();
    assertThat(PolicyStatusBuilder.worthWriting(built, built)).isFalse();
  }
}
