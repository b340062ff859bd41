package io.outrigger.sidecar.it;

import static org.awaitility.Awaitility.await;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * StatsD over UDP into the sidecar process; the series join the merged /metrics with the pod's
 * labels.
 */
class StatsdIT {
  @Test
  void statsdSeriesJoinTheMergedExposition() throws Exception {
    int statsdPort;
    try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      statsdPort = probe.getLocalPort();
    }
    try (SidecarProcess sidecar =
            SidecarProcess.start(
                "metrics: {statsd: {port: " + statsdPort + "}}\n",
                Map.of("POD_NAME", "worker-1", "POD_NAMESPACE", "batch"),
                List.of("-Xmx64m"));
        DatagramSocket client = new DatagramSocket()) {
      byte[] payload =
          "jobs.done:3|c|#queue:emails\njobs.done:1|c|#queue:emails\nnot a statsd line\n"
              .getBytes(StandardCharsets.UTF_8);
      URI metrics = URI.create("http://127.0.0.1:" + sidecar.telemetryPort() + "/metrics");
      HttpClient http = HttpClient.newHttpClient();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> {
                client.send(
                    new DatagramPacket(
                        payload, payload.length, InetAddress.getLoopbackAddress(), statsdPort));
                return http.send(
                        HttpRequest.newBuilder(metrics).build(),
                        HttpResponse.BodyHandlers.ofString())
                    .body()
                    .contains(
                        "jobs_done_total{queue=\"emails\",namespace=\"batch\",pod=\"worker-1\"");
              });
    }
  }
}
