package io.outrigger.sidecar.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RetryBudgetTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);

  @Test
  void retriesStayWithinTheRatioOfRequests() {
    RetryBudget budget = new RetryBudget(0.2, 0, Duration.ofSeconds(10), now::get);
    for (int i = 0; i < 4; i++) {
      budget.request();
    }
    assertThat(budget.tryRetry()).as("0.2 × 4 = 0.8 < 1").isFalse();
    budget.request();
    assertThat(budget.tryRetry()).as("0.2 × 5 = 1").isTrue();
    assertThat(budget.tryRetry()).isFalse();
    for (int i = 0; i < 5; i++) {
      budget.request();
    }
    assertThat(budget.tryRetry()).as("0.2 × 10 = 2").isTrue();
    assertThat(budget.tryRetry()).isFalse();
  }

  @Test
  void theFloorLetsAQuietClientRetry() {
    RetryBudget budget = new RetryBudget(0.2, 3, Duration.ofSeconds(10), now::get);
    budget.request();
    assertThat(budget.tryRetry()).isTrue();
    assertThat(budget.tryRetry()).isTrue();
    assertThat(budget.tryRetry()).isTrue();
    assertThat(budget.tryRetry()).as("3 + 0.2 × 1 = 3.2").isFalse();
  }

  @Test
  void oldTrafficLeavesTheWindow() {
    RetryBudget budget = new RetryBudget(0.5, 0, Duration.ofSeconds(10), now::get);
    for (int i = 0; i < 4; i++) {
      budget.request();
    }
    assertThat(budget.tryRetry()).isTrue();
    assertThat(budget.tryRetry()).isTrue();
    assertThat(budget.tryRetry()).isFalse();
    now.addAndGet(Duration.ofSeconds(11).toNanos());
    assertThat(budget.tryRetry()).as("the requests that paid for retries are gone").isFalse();
    budget.request();
    budget.request();
    assertThat(budget.tryRetry()).isTrue();
    assertThat(budget.tryRetry()).isFalse();
  }

  @Test
  void aZeroRatioWithoutFloorNeverRetries() {
    RetryBudget budget = new RetryBudget(0, 0, Duration.ofSeconds(10), now::get);
    for (int i = 0; i < 100; i++) {
      budget.request();
    }
    assertThat(budget.tryRetry()).isFalse();
  }
}
