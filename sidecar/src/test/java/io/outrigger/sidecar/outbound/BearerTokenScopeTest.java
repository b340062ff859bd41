package io.outrigger.sidecar.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import io.outrigger.config.SidecarConfig.TokenDestination;
import java.util.List;
import org.junit.jupiter.api.Test;

class BearerTokenScopeTest {
  private static final List<TokenDestination> NAMED =
      List.of(
          new TokenDestination("api.example.com", 443, false),
          new TokenDestination("*.billing.svc", null, true));

  private static OutboundTarget https(String host, int port) {
    return new OutboundTarget(host, port, host, port, "/", true);
  }

  private static OutboundTarget http(String host, int port) {
    return new OutboundTarget(host, port, host, port, "/", false);
  }

  @Test
  void aNamedHttpsDestinationGetsTheToken() {
    assertThat(BearerTokenScope.admits(NAMED, https("api.example.com", 443))).isTrue();
  }

  @Test
  void anotherPortOrHostDoesNot() {
    assertThat(BearerTokenScope.admits(NAMED, https("api.example.com", 8443))).isFalse();
    assertThat(BearerTokenScope.admits(NAMED, https("api.example.com.evil.net", 443))).isFalse();
  }

  @Test
  void plainHttpOnlyWhereTheDestinationAllowsIt() {
    assertThat(BearerTokenScope.admits(NAMED, http("api.example.com", 443))).isFalse();
    assertThat(BearerTokenScope.admits(NAMED, http("ledger.billing.svc", 8080))).isTrue();
  }

  @Test
  void noDestinationsMeansNone() {
    assertThat(BearerTokenScope.admits(List.of(), https("api.example.com", 443))).isFalse();
  }

  @Test
  void aCapturedConnectionCarryingTheTokenGoesToTheNameNotTheDialledAddress() {
    // The kernel's original destination, with the app's Host header naming the destination.
    OutboundTarget captured =
        new OutboundTarget("203.0.113.9", 8080, "ledger.billing.svc", 8080, "/pay", false);
    assertThat(captured.byName())
        .isEqualTo(
            new OutboundTarget(
                "ledger.billing.svc", 8080, "ledger.billing.svc", 8080, "/pay", false));
    OutboundTarget direct = http("ledger.billing.svc", 8080);
    assertThat(direct.byName()).isSameAs(direct);
  }
}
