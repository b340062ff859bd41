package io.outrigger.sidecar.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import io.outrigger.sidecar.outbound.CircuitBreaker.State;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {
  private final AtomicLong now = new AtomicLong();
  private final CircuitBreaker breaker = new CircuitBreaker(3, Duration.ofSeconds(30), now::get);

  @Test
  void opensAfterConsecutiveFailuresOnly() {
    breaker.onFailure();
    breaker.onFailure();
    breaker.onSuccess(); // resets the streak
    breaker.onFailure();
    breaker.onFailure();
    assertThat(breaker.state()).isEqualTo(State.CLOSED);
    assertThat(breaker.tryAcquire()).isTrue();
    breaker.onFailure();
    assertThat(breaker.state()).isEqualTo(State.OPEN);
    assertThat(breaker.tryAcquire()).isFalse();
  }

  @Test
  void halfOpensAfterTheIntervalWithExactlyOneProbe() {
    open();
    now.addAndGet(Duration.ofSeconds(29).toNanos());
    assertThat(breaker.tryAcquire()).as("still open").isFalse();
    now.addAndGet(Duration.ofSeconds(1).toNanos());
    assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
    assertThat(breaker.tryAcquire()).as("the probe").isTrue();
    assertThat(breaker.tryAcquire()).as("a second request while the probe runs").isFalse();
    breaker.onSuccess();
    assertThat(breaker.state()).isEqualTo(State.CLOSED);
    assertThat(breaker.tryAcquire()).isTrue();
    assertThat(breaker.tryAcquire()).isTrue();
  }

  @Test
  void aFailedProbeOpensForAnotherInterval() {
    open();
    now.addAndGet(Duration.ofSeconds(30).toNanos());
    assertThat(breaker.tryAcquire()).isTrue();
    breaker.onFailure();
    assertThat(breaker.state()).isEqualTo(State.OPEN);
    now.addAndGet(Duration.ofSeconds(29).toNanos());
    assertThat(breaker.tryAcquire()).isFalse();
    now.addAndGet(Duration.ofSeconds(1).toNanos());
    assertThat(breaker.tryAcquire()).isTrue();
  }

  @Test
  void reopenedCircuitNeedsAFullStreakAgainAfterClosing() {
    open();
    now.addAndGet(Duration.ofSeconds(30).toNanos());
    breaker.tryAcquire();
    breaker.onSuccess();
    breaker.onFailure();
    breaker.onFailure();
    assertThat(breaker.state()).isEqualTo(State.CLOSED);
  }

  private void open() {
    for (int i = 0; i < 3; i++) {
      breaker.onFailure();
    }
    assertThat(breaker.state()).isEqualTo(State.OPEN);
  }
}
