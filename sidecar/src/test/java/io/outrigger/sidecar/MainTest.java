package io.outrigger.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.outrigger.config.SidecarConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MainTest {
  @Test
  void inboundPortsFromTheEnvironmentOverrideTheConfig() {
    SidecarConfig config =
        Main.withEnvironment(
            SidecarConfig.defaults(), Map.of("OUTRIGGER_INBOUND_PORTS", "8080, 9090"));
    assertThat(config.proxy().appPorts()).containsExactly(8080, 9090);
    assertThat(Sidecar.listeners(config, PortLayout.DEFAULT))
        .extracting(l -> l.appPort() + "->" + l.listenPort())
        .containsExactly("8080->15006", "9090->15007");
  }

  @Test
  void aBadPortInTheEnvironmentIsNamed() {
    assertThatThrownBy(
            () ->
                Main.withEnvironment(
                    SidecarConfig.defaults(), Map.of("OUTRIGGER_INBOUND_PORTS", "8080,http")))
        .hasMessage("OUTRIGGER_INBOUND_PORTS: 'http' is not a port number");
  }

  @Test
  void theLayoutFollowsTheDesignPorts() {
    assertThat(
            List.of(
                PortLayout.DEFAULT.admin(),
                PortLayout.DEFAULT.outbound(),
                PortLayout.DEFAULT.inbound(0),
                PortLayout.DEFAULT.telemetry()))
        .containsExactly(15000, 15001, 15006, 15020);
    assertThat(new PortLayout(20000).telemetry()).isEqualTo(20020);
    assertThatThrownBy(() -> PortLayout.DEFAULT.inbound(14))
        .hasMessageContaining("at most 14 app ports");
  }
}
