package io.outrigger.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.LocalPortForward;
import io.outrigger.config.Ports;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A GET on a sidecar's admin API, which listens on the pod's loopback only: reached through the API
 * server's port-forward, as {@code kubectl port-forward pod 15000} would.
 */
final class SidecarAdmin {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private SidecarAdmin() {}

  /** The body of {@code GET path}; fails with a message a person can act on. */
  static String get(KubernetesClient client, String namespace, String pod, String path)
      throws IOException {
    try (LocalPortForward forward =
        client.pods().inNamespace(namespace).withName(pod).portForward(Ports.ADMIN)) {
      HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + forward.getLocalPort() + path))
                  .timeout(TIMEOUT)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IOException(
            "the sidecar of " + pod + " answered " + response.statusCode() + " to " + path);
      }
      return response.body();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
