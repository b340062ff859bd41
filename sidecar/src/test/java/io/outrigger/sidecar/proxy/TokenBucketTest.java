package io.outrigger.sidecar.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TokenBucketTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void aFullBucketAllowsTheBurstThenRefusesWithTheWait() {
    TokenBucket bucket = new TokenBucket(2, 3, 0);
    assertThat(bucket.tryAcquire(0)).isZero();
    assertThat(bucket.tryAcquire(0)).isZero();
    assertThat(bucket.tryAcquire(0)).isZero();
    assertThat(bucket.tryAcquire(0)).isEqualTo(Duration.ofMillis(500));
  }

  @Test
  void tokensComeBackAtTheRateAndNeverAboveTheBurst() {
    TokenBucket bucket = new TokenBucket(10, 2, 0);
    bucket.tryAcquire(0);
    bucket.tryAcquire(0);
    assertThat(bucket.tryAcquire(SECOND / 10)).as("one token after 100 ms").isZero();
    assertThat(bucket.tryAcquire(SECOND / 10)).isPositive();
    assertThat(bucket.tryAcquire(100 * SECOND)).isZero();
    assertThat(bucket.tryAcquire(100 * SECOND)).isZero();
    assertThat(bucket.tryAcquire(100 * SECOND)).as("burst caps the savings").isPositive();
  }

  @Test
  void fractionalRatesWork() {
    TokenBucket bucket = new TokenBucket(0.5, 1, 0);
    assertThat(bucket.tryAcquire(0)).isZero();
    assertThat(bucket.tryAcquire(0)).isEqualTo(Duration.ofSeconds(2));
    assertThat(bucket.tryAcquire(2 * SECOND)).isZero();
  }

  @Test
  void timeGoingBackwardsIsIgnored() {
    TokenBucket bucket = new TokenBucket(1, 1, 10 * SECOND);
    assertThat(bucket.tryAcquire(10 * SECOND)).isZero();
    assertThat(bucket.tryAcquire(5 * SECOND)).isPositive();
  }

  @Test
  void nonsenseSettingsAreRefused() {
    assertThatThrownBy(() -> new TokenBucket(0, 1, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TokenBucket(1, 0, 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
