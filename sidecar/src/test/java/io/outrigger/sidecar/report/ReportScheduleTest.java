package io.outrigger.sidecar.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ReportScheduleTest {
  private static final Instant T0 = Instant.parse("2026-11-26T00:00:00Z");
  private static final Duration HEARTBEAT = Duration.ofSeconds(30);

  @Test
  void theFirstReportGoesOutAtOnce() {
    assertThat(ReportSchedule.due(T0, false, null, null, 0, HEARTBEAT)).isTrue();
  }

  @Test
  void aChangeGoesOutAtOnceAndSilenceWaitsForTheHeartbeat() {
    Instant accepted = T0;
    assertThat(ReportSchedule.due(T0.plusSeconds(2), true, accepted, accepted, 0, HEARTBEAT))
        .isTrue();
    assertThat(ReportSchedule.due(T0.plusSeconds(29), false, accepted, accepted, 0, HEARTBEAT))
        .isFalse();
    assertThat(ReportSchedule.due(T0.plusSeconds(30), false, accepted, accepted, 0, HEARTBEAT))
        .isTrue();
  }

  @Test
  void failuresBackOffEvenWhenSomethingChanged() {
    Instant attempt = T0;
    assertThat(ReportSchedule.due(T0.plusMillis(999), true, null, attempt, 1, HEARTBEAT)).isFalse();
    assertThat(ReportSchedule.due(T0.plusSeconds(1), true, null, attempt, 1, HEARTBEAT)).isTrue();
    assertThat(ReportSchedule.due(T0.plusSeconds(7), true, null, attempt, 4, HEARTBEAT)).isFalse();
    assertThat(ReportSchedule.due(T0.plusSeconds(8), true, null, attempt, 4, HEARTBEAT)).isTrue();
  }

  @Test
  void backoffDoublesAndStopsAtAMinute() {
    assertThat(ReportSchedule.backoff(0)).isZero();
    assertThat(ReportSchedule.backoff(1)).hasSeconds(1);
    assertThat(ReportSchedule.backoff(2)).hasSeconds(2);
    assertThat(ReportSchedule.backoff(6)).hasSeconds(32);
    assertThat(ReportSchedule.backoff(7)).isEqualTo(ReportSchedule.MAX_BACKOFF);
    assertThat(ReportSchedule.backoff(1_000)).isEqualTo(ReportSchedule.MAX_BACKOFF);
  }
}
