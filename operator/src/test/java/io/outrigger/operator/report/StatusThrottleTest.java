package io.outrigger.operator.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** What the throttle remembers (issue 19 item 8: it never forgot a policy). */
class StatusThrottleTest {

  @Test
  void aPolicyIsForgottenOnceItsIntervalIsOver() {
    AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
    Duration interval = Duration.ofMillis(50);
    ReportStore store = new ReportStore(Duration.ofMinutes(1), now::get);
    try (StatusThrottle throttle = new StatusThrottle(store, interval, now::get)) {
      for (int i = 0; i < 1000; i++) {
        throttle.reported("shop", "policy-" + i);
      }
      // Every first report fires at once (no earlier reconcile to space it from).
      await().atMost(Duration.ofSeconds(10)).until(() -> throttle.tracked() == 1000);
      throttle.forgetQuiet();
      assertThat(throttle.tracked()).as("within the interval: still spaced").isEqualTo(1000);

      now.set(now.get().plus(interval));
      throttle.forgetQuiet();
      assertThat(throttle.tracked()).as("after the interval nothing is held").isZero();

      // Forgetting changes nothing about spacing: the next report fires at once again.
      throttle.reported("shop", "policy-1");
      await().atMost(Duration.ofSeconds(10)).until(() -> throttle.tracked() == 1);
    }
  }

  @Test
  void aPolicyWaitingForItsTurnIsKept() {
    AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
    Duration interval = Duration.ofSeconds(30);
    ReportStore store = new ReportStore(Duration.ofMinutes(1), now::get);
    try (StatusThrottle throttle = new StatusThrottle(store, interval, now::get)) {
      throttle.reported("shop", "web");
      await().atMost(Duration.ofSeconds(10)).until(() -> throttle.tracked() == 1);
      throttle.reported("shop", "web"); // due in 30 s: pending
      now.set(now.get().plus(interval));
      throttle.forgetQuiet();
      assertThat(throttle.tracked()).as("the pending reconcile is not lost").isEqualTo(2);
    }
  }
}
