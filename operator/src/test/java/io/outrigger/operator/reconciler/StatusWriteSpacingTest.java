package io.outrigger.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StatusWriteSpacingTest {
  private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");
  private static final Duration FIVE = Duration.ofSeconds(5);
  private static final ResourceID WEB = new ResourceID("web", "shop");
  private static final ResourceID API = new ResourceID("api", "shop");

  @Test
  void theFirstWriteOfAPolicyGoesAtOnce() {
    assertThat(new StatusWriteSpacing(FIVE).reserve(WEB, T0)).isEmpty();
  }

  @Test
  void aSecondWriteWithinTheIntervalWaitsForItsEnd() {
    StatusWriteSpacing spacing = new StatusWriteSpacing(FIVE);
    spacing.reserve(WEB, T0);
    assertThat(spacing.reserve(WEB, T0.plusSeconds(2))).contains(Duration.ofSeconds(3));
    assertThat(spacing.reserve(WEB, T0.plusMillis(4999))).contains(Duration.ofMillis(1));
    assertThat(spacing.reserve(WEB, T0.plusSeconds(5))).isEmpty();
    assertThat(spacing.reserve(WEB, T0.plusSeconds(6)))
        .as("the interval counts from the last write")
        .contains(Duration.ofSeconds(4));
  }

  @Test
  void policiesAreSpacedEachOnTheirOwn() {
    StatusWriteSpacing spacing = new StatusWriteSpacing(FIVE);
    spacing.reserve(WEB, T0);
    assertThat(spacing.reserve(API, T0.plusSeconds(1))).isEmpty();
  }

  @Test
  void aWriteMadeWithoutReservingStartsTheIntervalToo() {
    StatusWriteSpacing spacing = new StatusWriteSpacing(FIVE);
    spacing.wrote(WEB, T0);
    assertThat(spacing.reserve(WEB, T0.plusSeconds(1))).contains(Duration.ofSeconds(4));
  }

  @Test
  void waitIsZeroWithoutAPreviousWriteOrWhenTheIntervalIsOver() {
    assertThat(StatusWriteSpacing.wait(Optional.empty(), T0, FIVE)).isZero();
    assertThat(StatusWriteSpacing.wait(Optional.of(T0), T0.plusSeconds(9), FIVE)).isZero();
  }
}
