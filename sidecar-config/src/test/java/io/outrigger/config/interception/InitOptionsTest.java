package io.outrigger.config.interception;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class InitOptionsTest {

  @Test
  void readsTheFlagsTheWebhookPasses() {
    InitOptions options =
        InitOptions.parse(
            List.of(
                "--inbound-ports=8080,9090",
                "--inbound-listener-base=15006",
                "--sidecar-uid=1337",
                "--capture-outbound",
                "--outbound-port=15001",
                "--exclude-outbound-cidrs=10.0.0.0/8,169.254.169.254",
                "--exclude-outbound-ports=5432"),
            Map.of());
    InterceptionRules rules = options.rules();
    assertThat(rules.inboundPorts()).containsExactly(8080, 9090);
    assertThat(rules.captureOutbound()).isTrue();
    assertThat(rules.excludeOutboundCidrs()).containsExactly("10.0.0.0/8", "169.254.169.254");
    assertThat(rules.excludeOutboundPorts()).containsExactly(5432);
    assertThat(rules.sidecarUid()).isEqualTo(1337);
    assertThat(options.backend()).isNull();
    assertThat(options.dryRun()).isFalse();
  }

  @Test
  void environmentFillsWhatFlagsLeaveOutAndFlagsWin() {
    InitOptions options =
        InitOptions.parse(
            List.of("--inbound-ports=80"),
            Map.of(
                "OUTRIGGER_INBOUND_PORTS", "9999",
                "OUTRIGGER_SKIP_INBOUND_PORTS", "9100",
                "OUTRIGGER_IPTABLES_BACKEND", "legacy"));
    assertThat(options.rules().inboundPorts()).containsExactly(80);
    assertThat(options.rules().skipInboundPorts()).containsExactly(9100);
    assertThat(options.backend()).isEqualTo(IptablesBackend.LEGACY);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "nothing to do||nothing to intercept",
        "not a port|--inbound-ports=http|--inbound-ports: 'http' is not a port number",
        "port out of range|--inbound-ports=70000|port 70000 is outside 1-65535",
        "port listed twice|--inbound-ports=80,80|lists a port twice",
        "sidecar's own port|--inbound-ports=15020|15020 is one of the sidecar's own ports",
        "bad cidr|--capture-outbound --exclude-outbound-cidrs=10.0.0.0/33|'10.0.0.0/33' is not an IPv4",
        "ipv6 cidr|--capture-outbound --exclude-outbound-cidrs=fd00::/8|'fd00::/8' is IPv6; outbound capture is IPv4 only",
        "signed prefix|--capture-outbound --exclude-outbound-cidrs=10.0.0.0/+8|'10.0.0.0/+8' is not an IPv4",
        "leading zero|--capture-outbound --exclude-outbound-cidrs=010.0.0.0/8|'010.0.0.0/8' is not an IPv4",
        "unknown flag|--inbound-ports=80 --redirect-all|unknown flag --redirect-all",
        "flag without value|--inbound-ports|--inbound-ports needs a value",
        "positional argument|8080|unexpected argument '8080'",
        "bad backend|--inbound-ports=80 --iptables-backend=ebpf|must be auto, nft or legacy",
        "bad switch|--inbound-ports=80 --capture-outbound=maybe|must be true or false",
        "negative uid|--inbound-ports=80 --sidecar-uid=-1|--sidecar-uid must be 0 or more",
      })
  void refusesBadInputNamingIt(String name, String args, String message) {
    List<String> list = args == null ? List.of() : List.of(args.split(" "));
    assertThatThrownBy(() -> InitOptions.parse(list, Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @Test
  void theRenderedArgumentsParseBackToTheSameRules() {
    InterceptionRules rules =
        new InterceptionRules(
            List.of(8080, 9090),
            15006,
            List.of(9100),
            true,
            15001,
            1337,
            List.of("10.0.0.0/8", "169.254.169.254"),
            List.of(5432),
            InitOptions.SIDECAR_PORTS);
    assertThat(InitOptions.parse(InitOptions.arguments(rules), Map.of()).rules()).isEqualTo(rules);
    InterceptionRules inboundOnly =
        new InterceptionRules(
            List.of(80),
            15006,
            List.of(),
            false,
            15001,
            1337,
            List.of(),
            List.of(),
            InitOptions.SIDECAR_PORTS);
    assertThat(InitOptions.arguments(inboundOnly))
        .containsExactly(
            "--inbound-ports=80", "--inbound-listener-base=15006", "--sidecar-uid=1337");
  }

  @Test
  void everyFlagHasAnEnvironmentVariable() {
    assertThat(InitOptions.envName("exclude-outbound-cidrs"))
        .isEqualTo("OUTRIGGER_EXCLUDE_OUTBOUND_CIDRS");
  }
}
