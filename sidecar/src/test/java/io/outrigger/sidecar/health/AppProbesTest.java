package io.outrigger.sidecar.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AppProbesTest {
  private static final Duration DEFAULT = Duration.ofSeconds(1);

  @Test
  void readsTheWebhooksJson() {
    AppProbes probes =
        AppProbes.parse(
            """
            {"web/readyz": {"httpGet": {"path": "/ready", "port": 8080, "scheme": "HTTP",
                            "httpHeaders": [{"name": "X-Probe", "value": "1"}]}, "timeoutSeconds": 3},
             "web/livez": {"tcpSocket": {"port": 8080}},
             "grpc/startupz": {"grpc": {"port": 9090, "service": "shop"}},
             "tls/readyz": {"httpGet": {"port": 8443, "scheme": "HTTPS", "host": "10.0.0.5"}}}
            """,
            DEFAULT);
    assertThat(probes.get("web", "readyz"))
        .isEqualTo(
            new AppProbe.Http(
                "127.0.0.1", 8080, "/ready", false, Map.of("X-Probe", "1"), Duration.ofSeconds(3)));
    assertThat(probes.get("web", "livez")).isEqualTo(new AppProbe.Tcp("127.0.0.1", 8080, DEFAULT));
    assertThat(probes.get("grpc", "startupz")).isEqualTo(new AppProbe.Grpc(9090, "shop", DEFAULT));
    assertThat(probes.get("tls", "readyz"))
        .isEqualTo(new AppProbe.Http("10.0.0.5", 8443, "/", true, Map.of(), DEFAULT));
    assertThat(probes.get("web", "startupz")).isNull();
  }

  @Test
  void unusableEntriesAreReportedPerProbe() {
    AppProbes probes =
        AppProbes.parse(
            """
            {"web/readyz": {"httpGet": {"port": "http"}}, "web/livez": {"exec": {"command": ["true"]}},
             "ok/livez": {"tcpSocket": {"port": 1}}}
            """,
            DEFAULT);
    assertThat(probes.problem("web", "readyz")).contains("named ports must be resolved");
    assertThat(probes.problem("web", "livez")).isEqualTo("neither httpGet, tcpSocket nor grpc");
    assertThat(probes.get("ok", "livez")).isNotNull();
  }

  @Test
  void garbageIsAnErrorForEveryProbeNotACrash() {
    AppProbes probes = AppProbes.parse("{not json", DEFAULT);
    assertThat(probes.all()).isEmpty();
    assertThat(probes.problem("any", "livez")).startsWith("OUTRIGGER_APP_PROBES is not JSON");
    assertThat(AppProbes.parse(null, DEFAULT).all()).isEmpty();
  }
}
