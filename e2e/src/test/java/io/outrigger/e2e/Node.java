package io.outrigger.e2e;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The cluster the e2e tier runs on: this machine's node (hack/cluster.sh) or the kubeconfig given
 * as {@code outrigger.e2e.kubeconfig}. The tests fail, never skip, when it is not there.
 */
final class Node {
  private Node() {}

  static Path kubeconfig() {
    Path path = Path.of(System.getProperty("outrigger.e2e.kubeconfig", ""));
    if (!Files.isRegularFile(path)) {
      throw new IllegalStateException(
          "no kubeconfig at '"
              + path
              + "': the e2e tier runs against hack/cluster.sh's node (mvn verify starts it) or"
              + " -Doutrigger.e2e.kubeconfig=...");
    }
    return path;
  }

  static String kubeconfigYaml() {
    try {
      return Files.readString(kubeconfig());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static KubernetesClient client() {
    return new KubernetesClientBuilder()
        .withConfig(Config.fromKubeconfig(kubeconfigYaml()))
        .build();
  }

  /** Paths in the repository, from {@code outrigger.repoRoot} (set by the POM). */
  static Path repo(String relative) {
    return Path.of(System.getProperty("outrigger.repoRoot", "..")).resolve(relative).normalize();
  }
}
