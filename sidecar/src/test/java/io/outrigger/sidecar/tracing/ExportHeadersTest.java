package io.outrigger.sidecar.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.outrigger.config.SecretHeader;
import io.outrigger.config.SidecarConfig.TraceExporterConfig;
import io.outrigger.config.TraceProtocol;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Export headers from the policy and from the Secrets the kubelet put in the environment. */
class ExportHeadersTest {
  private static final TraceExporterConfig CONFIG =
      new TraceExporterConfig(
          TraceProtocol.OTLP_GRPC,
          "http://otel:4317",
          Map.of("x-tenant", "shop"),
          List.of(
              new SecretHeader("Authorization", "otel-auth", "header"),
              new SecretHeader("X-Api-Key", "otel-auth", "api-key")),
          Duration.ofSeconds(10));

  @Test
  void secretHeadersAreReadFromTheVariablesTheWebhookNamed() {
    Map<String, String> env =
        Map.of(SecretHeader.envName(0), "Bearer s3cr3t\n", SecretHeader.envName(1), "k-1");

    ExportHeaders headers = ExportHeaders.of(CONFIG, env::get);

    assertThat(headers.headers())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("x-tenant", "shop", "Authorization", "Bearer s3cr3t", "X-Api-Key", "k-1"));
    assertThat(headers.missing()).isEmpty();
  }

  @Test
  void aMissingSecretCostsItsHeaderAndSaysWhich() {
    ExportHeaders headers = ExportHeaders.of(CONFIG, Map.of(SecretHeader.envName(1), "k-1")::get);

    assertThat(headers.headers()).containsOnlyKeys("x-tenant", "X-Api-Key");
    assertThat(headers.missing())
        .singleElement()
        .asString()
        .contains("header Authorization is not sent")
        .contains("secret otel-auth, key header");
  }
}
