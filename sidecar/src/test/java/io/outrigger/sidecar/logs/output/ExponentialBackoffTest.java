package io.outrigger.sidecar.logs.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ExponentialBackoffTest {
  private final ExponentialBackoff backoff =
      new ExponentialBackoff(Duration.ofMillis(100), Duration.ofSeconds(5));

  @Test
  void theCeilingDoublesUntilTheCap() {
    assertThat(backoff.ceilingMillis(0)).isEqualTo(100);
    assertThat(backoff.ceilingMillis(1)).isEqualTo(200);
    assertThat(backoff.ceilingMillis(5)).isEqualTo(3200);
    assertThat(backoff.ceilingMillis(6)).isEqualTo(5000);
    assertThat(backoff.ceilingMillis(10_000)).as("no overflow").isEqualTo(5000);
  }

  @Test
  void fullJitterSpansZeroToTheCeiling() {
    assertThat(backoff.delayMillis(3, 0.0)).isZero();
    assertThat(backoff.delayMillis(3, 0.5)).isEqualTo(400);
    assertThat(backoff.delayMillis(3, 0.999_999)).isEqualTo(800);
    assertThat(backoff.delayMillis(40, 0.999_999)).isEqualTo(5000);
  }

  @Test
  void nonsenseBoundsAreRefused() {
    assertThatThrownBy(() -> new ExponentialBackoff(Duration.ZERO, Duration.ofSeconds(1)))
        .hasMessageContaining("must be positive");
    assertThatThrownBy(() -> new ExponentialBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .hasMessageContaining("below the initial");
  }
}
