package io.outrigger.e2e;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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

  /**
   * Kills a container's process with SIGKILL through the node's containerd, as a crash or the OOM
   * killer would: the kubelet sees it exit and restarts it. On this machine's node through its
   * containerd socket; on another cluster through {@code outrigger.e2e.nodeExec}, the command that
   * runs a command on its node (Kind: {@code docker exec <cluster>-control-plane}).
   */
  static void killContainer(String containerId) throws Exception {
    List<String> command = new ArrayList<>();
    String nodeExec = System.getProperty("outrigger.e2e.nodeExec", "");
    if (!nodeExec.isBlank()) {
      command.addAll(List.of(nodeExec.trim().split("\\s+")));
      command.add("ctr");
    } else if ("local".equals(System.getProperty("outrigger.e2e.cluster", "local"))) {
      command.addAll(
          List.of("ctr", "--address", "/var/lib/outrigger-cluster/containerd/containerd.sock"));
    } else {
      throw new IllegalStateException(
          "killing a container needs a way onto the node: -Doutrigger.e2e.nodeExec=... (Kind:"
              + " 'docker exec <cluster>-control-plane')");
    }
    String id = containerId.replaceFirst("^containerd://", "");
    command.addAll(List.of("-n", "k8s.io", "tasks", "kill", "--signal", "SIGKILL", id));
    Process ctr = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(ctr.getInputStream().readAllBytes());
    if (ctr.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", command) + ": " + out);
    }
  }

  /** Paths in the repository, from {@code outrigger.repoRoot} (set by the POM). */
  static Path repo(String relative) {
    return Path.of(System.getProperty("outrigger.repoRoot", "..")).resolve(relative).normalize();
  }
}
