package io.outrigger.sidecar.metrics.statsd;

import static org.assertj.core.api.Assertions.assertThat;

import io.outrigger.config.SidecarConfig.StatsdConfig;
import io.outrigger.config.StatsdListen;
import org.junit.jupiter.api.Test;

class StatsdComponentTest {
  @Test
  void statsdListensOnLoopbackUnlessThePolicyOpensItToThePodNetwork() {
    assertThat(StatsdComponent.host(new StatsdConfig(8125), "0.0.0.0")).isEqualTo("127.0.0.1");
    assertThat(StatsdComponent.host(new StatsdConfig(8125, null), "0.0.0.0"))
        .isEqualTo("127.0.0.1");
    assertThat(StatsdComponent.host(new StatsdConfig(8125, StatsdListen.POD), "0.0.0.0"))
        .isEqualTo("0.0.0.0");
  }
}
