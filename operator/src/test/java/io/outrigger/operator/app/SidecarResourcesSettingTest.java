package io.outrigger.operator.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.outrigger.api.policy.EffectivePolicy;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The chart's sidecar.resources reach the operator as settings; a set no pod could carry stops it.
 */
class SidecarResourcesSettingTest {

  private static OperatorConfig.Resources given(
      String cpuRequest, String cpuLimit, String memoryRequest, String memoryLimit) {
    return new OperatorConfig.Resources() {
      @Override
      public String cpuRequest() {
        return cpuRequest;
      }

      @Override
      public Optional<String> cpuLimit() {
        return Optional.ofNullable(cpuLimit);
      }

      @Override
      public String memoryRequest() {
        return memoryRequest;
      }

      @Override
      public String memoryLimit() {
        return memoryLimit;
      }
    };
  }

  @Test
  void validDefaultsBecomeTheResolversDefaults() {
    assertThat(OperatorLifecycle.sidecarResources(given("100m", null, "256Mi", "512Mi")))
        .isEqualTo(new EffectivePolicy.Resources("100m", null, "256Mi", "512Mi"));
  }

  @Test
  void aRequestAboveItsLimitStopsTheOperatorNamingTheValue() {
    assertThatThrownBy(
            () -> OperatorLifecycle.sidecarResources(given("100m", null, "1Gi", "512Mi")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "outrigger.sidecar.resources (the chart's sidecar.resources): memory request 1Gi is"
                + " above the memory limit 512Mi");
  }
}
