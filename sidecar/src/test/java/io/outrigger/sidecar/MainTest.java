package io.outrigger.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.outrigger.config.SidecarConfig;
import io.outrigger.config.SidecarEnvironment;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MainTest {
  @Test
  void inboundPortsFromTheEnvironmentOverrideTheConfig() {
    SidecarConfig config =
        SidecarEnvironment.apply(
            SidecarConfig.defaults(), Map.of("OUTRIGGER_INBOUND_PORTS", "8080, 9090"));
    assertThat(config.proxy().appPorts()).containsExactly(8080, 9090);
    assertThat(PortLayout.DEFAULT.listeners(config.proxy()))
        .extracting(l -> l.appPort() + "->" + l.listenPort())
        .containsExactly("8080->15006", "9090->15007");
  }

  @Test
  void aBadPortInTheEnvironmentIsNamed() {
    assertThatThrownBy(
            () ->
                SidecarEnvironment.apply(
                    SidecarConfig.defaults(), Map.of("OUTRIGGER_INBOUND_PORTS", "8080,http")))
        .hasMessage("OUTRIGGER_INBOUND_PORTS: 'http' is not a port number");
  }

  @Test
  void theCommandLineTakesRunAndAConfigFile() {
    Sidecar.Options options =
        Main.options(List.of("run", "--config", "/etc/outrigger/config/sidecar.json"), Map.of());
    assertThat(options.source().file()).isEqualTo(Path.of("/etc/outrigger/config/sidecar.json"));
    assertThat(options.ports().telemetry()).isEqualTo(15020);
    assertThat(Main.options(List.of(), Map.of("OUTRIGGER_PORT_BASE", "20000")).ports().admin())
        .isEqualTo(20000);
    assertThatThrownBy(() -> Main.options(List.of("--config"), Map.of()))
        .hasMessage("--config needs a file");
    assertThatThrownBy(() -> Main.options(List.of("--verbose"), Map.of()))
        .hasMessageContaining("unknown arguments");
    assertThatThrownBy(() -> Main.options(List.of(), Map.of("OUTRIGGER_EVENT_LOOPS", "two")))
        .hasMessage("OUTRIGGER_EVENT_LOOPS: 'two' is not a number");
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
