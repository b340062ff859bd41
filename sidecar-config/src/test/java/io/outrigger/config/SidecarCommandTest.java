package io.outrigger.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SidecarCommandTest {

  @Test
  void runTakesAConfigFile() {
    assertThat(SidecarCommand.parse(List.of("run", "--config", "/etc/x.json"), Map.of()))
        .isEqualTo(new SidecarCommand.Run(Path.of("/etc/x.json")));
    assertThat(SidecarCommand.parse(List.of(), Map.of())).isEqualTo(new SidecarCommand.Run(null));
  }

  @Test
  void initReadsItsFlagsAndTheEnvironment() {
    SidecarCommand command =
        SidecarCommand.parse(
            List.of("init", "--inbound-ports=8080"), Map.of("OUTRIGGER_CAPTURE_OUTBOUND", "true"));
    assertThat(command).isInstanceOf(SidecarCommand.Init.class);
    assertThat(((SidecarCommand.Init) command).options().rules().captureOutbound()).isTrue();
  }

  @Test
  void waitIsTheClassicSidecarsPostStartHook() {
    assertThat(SidecarCommand.parse(List.of("wait", "--timeout=120s"), Map.of()))
        .isEqualTo(new SidecarCommand.Wait(Duration.ofSeconds(120)));
    assertThat(SidecarCommand.parse(List.of("wait"), Map.of()))
        .isEqualTo(new SidecarCommand.Wait(SidecarCommand.DEFAULT_WAIT));
    assertThatThrownBy(() -> SidecarCommand.parse(List.of("wait", "--timeout=soon"), Map.of()))
        .hasMessageStartingWith("--timeout: not a duration: 'soon'");
    assertThatThrownBy(() -> SidecarCommand.parse(List.of("wait", "--verbose"), Map.of()))
        .hasMessageStartingWith("unknown argument '--verbose'");
  }

  @Test
  void anythingElseIsRefusedWithTheUsage() {
    assertThatThrownBy(() -> SidecarCommand.parse(List.of("--verbose"), Map.of()))
        .hasMessageContaining("unknown arguments [--verbose]")
        .hasMessageContaining("usage: outrigger-sidecar");
  }
}
