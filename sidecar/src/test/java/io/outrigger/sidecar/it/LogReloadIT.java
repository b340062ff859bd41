package io.outrigger.sidecar.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.outrigger.sidecar.logs.sink.ForwardSink;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The log pipeline's settings change live in the packaged sidecar when the kubelet swaps the
 * config: the parser and the output switch between two lines without a restart; the directory is
 * restart-only and reported as such.
 */
class LogReloadIT {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private String config(Path logs, String parser, ForwardSink sink) {
    return "logs:\n"
        + "  enabled: true\n"
        + "  directory: "
        + logs
        + "\n"
        + "  paths: ['*.log']\n"
        + "  parser: {format: "
        + parser
        + "}\n"
        + "  outputs: {stdout: false, forward: {host: 127.0.0.1, port: "
        + sink.port()
        + "}}\n";
  }

  @Test
  void parserAndOutputChangeLiveTheDirectoryNeedsARestart() throws Exception {
    Path logs = Files.createDirectories(dir.resolve("logs"));
    Path log = logs.resolve("app.log");
    try (ForwardSink first = ForwardSink.start();
        ForwardSink second = ForwardSink.start()) {
      KubeletConfigDir config = new KubeletConfigDir("sidecar.yaml", config(logs, "plain", first));
      try (SidecarProcess sidecar =
          SidecarProcess.start(
              config.file(), Map.of("OUTRIGGER_CONFIG_POLL_MS", "200"), List.of("-Xmx64m"))) {
        Files.writeString(log, "level=warn msg=first\n", StandardOpenOption.CREATE);
        await().atMost(Duration.ofSeconds(15)).until(() -> first.eventCount() == 1);
        assertThat(first.events().get(0).record()).containsEntry("message", "level=warn msg=first");

        config.update(config(logs, "logfmt", second));
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> status(sidecar).at("/config/reloads").asInt() == 1);
        assertThat(status(sidecar).at("/config/restartRequired").size()).isZero();
        Files.writeString(log, "level=warn msg=second\n", StandardOpenOption.APPEND);
        await().atMost(Duration.ofSeconds(15)).until(() -> second.eventCount() == 1);
        assertThat(second.events().get(0).record())
            .containsEntry("message", "second")
            .containsEntry("level", "warn");
        assertThat(first.eventCount()).as("the old output got nothing more").isEqualTo(1);

        config.update(config(dir.resolve("elsewhere"), "logfmt", second));
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> status(sidecar).at("/config/reloads").asInt() == 2);
        JsonNode status = status(sidecar);
        assertThat(status.at("/config/restartRequired").toString()).contains("logs.directory");
        assertThat(status.at("/components/logs/state").asText()).isEqualTo("ready");
        assertThat(status.at("/components/logs/files/0/path").asText()).isEqualTo(log.toString());
      }
    }
  }

  private static JsonNode status(SidecarProcess sidecar) throws Exception {
    return JSON.readTree(
        HTTP.send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + sidecar.portBase + "/status"))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body());
  }
}
