package io.outrigger.e2e;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * When an e2e test fails, what one would look at with kubectl: every pod of the namespaces involved
 * with each container's state, restarts and last termination, the namespaces' latest events, and
 * the tail of each sidecar's and operator's log, what the API server logged about calling the
 * webhook. CI keeps no cluster to look at afterwards, so it goes to the log.
 */
final class ClusterDiagnostics implements TestWatcher {
  private static final List<String> NAMESPACES = List.of("outrigger-system", "demo");

  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    try (KubernetesClient client = Node.client()) {
      StringBuilder out =
          new StringBuilder("\n=== cluster after " + context.getDisplayName() + "\n");
      for (String namespace : NAMESPACES) {
        for (Pod pod : client.pods().inNamespace(namespace).list().getItems()) {
          describe(client, pod, out);
        }
        events(client, namespace, out);
      }
      apiServerWebhookLines(out);
      System.err.println(out);
    } catch (RuntimeException e) {
      System.err.println("no cluster diagnostics: " + e);
    }
  }

  private static void describe(KubernetesClient client, Pod pod, StringBuilder out) {
    String namespace = pod.getMetadata().getNamespace();
    String name = pod.getMetadata().getName();
    out.append("pod ").append(namespace).append('/').append(name);
    out.append(" phase=").append(pod.getStatus().getPhase()).append('\n');
    List<ContainerStatus> statuses = new ArrayList<>();
    if (pod.getStatus().getInitContainerStatuses() != null) {
      statuses.addAll(pod.getStatus().getInitContainerStatuses());
    }
    if (pod.getStatus().getContainerStatuses() != null) {
      statuses.addAll(pod.getStatus().getContainerStatuses());
    }
    for (ContainerStatus status : statuses) {
      out.append("  ").append(status.getName()).append(" ready=").append(status.getReady());
      out.append(" restarts=").append(status.getRestartCount());
      out.append(" state=").append(status.getState());
      if (status.getLastState() != null && status.getLastState().getTerminated() != null) {
        out.append(" last=").append(status.getLastState().getTerminated());
      }
      out.append('\n');
    }
    for (String container : List.of("outrigger-sidecar", "operator")) {
      if (pod.getSpec().getContainers().stream().anyMatch(c -> c.getName().equals(container))) {
        containerLog(client, pod, container, container.equals("operator") ? 60 : 20, out);
      }
    }
  }

  private static void containerLog(
      KubernetesClient client, Pod pod, String container, int lines, StringBuilder out) {
    try {
      String log =
          client
              .pods()
              .inNamespace(pod.getMetadata().getNamespace())
              .withName(pod.getMetadata().getName())
              .inContainer(container)
              .tailingLines(lines)
              .getLog();
      out.append("  ").append(container).append(" log:\n").append(log.indent(4));
    } catch (RuntimeException e) {
      out.append("  ").append(container).append(" log: ").append(e.getMessage()).append('\n');
    }
  }

  /**
   * What the API server said about calling the webhook (a timeout, a refused connection, failing
   * open): on this machine's node its log is a file; another cluster's is out of reach.
   */
  private static void apiServerWebhookLines(StringBuilder out) {
    Path log = Path.of("/var/lib/outrigger-cluster/logs/kube-apiserver.log");
    if (!Files.isReadable(log)) {
      return;
    }
    try (Stream<String> lines = Files.lines(log)) {
      List<String> webhook =
          lines.filter(l -> l.contains("webhook") || l.contains("admission")).toList();
      out.append("kube-apiserver on webhooks (last 30 of ").append(webhook.size()).append("):\n");
      webhook.stream()
          .skip(Math.max(0, webhook.size() - 30))
          .forEach(l -> out.append("  ").append(l, 0, Math.min(l.length(), 400)).append('\n'));
    } catch (IOException | UncheckedIOException e) {
      out.append("kube-apiserver log: ").append(e).append('\n');
    }
  }

  private static void events(KubernetesClient client, String namespace, StringBuilder out) {
    out.append("events in ").append(namespace).append(":\n");
    List<Event> events =
        client.v1().events().inNamespace(namespace).list().getItems().stream()
            .sorted(Comparator.comparing(e -> String.valueOf(e.getLastTimestamp())))
            .toList();
    events.stream()
        .skip(Math.max(0, events.size() - 30))
        .forEach(e -> out.append("  ").append(line(e)).append('\n'));
  }

  private static String line(Event e) {
    return e.getLastTimestamp()
        + " "
        + e.getType()
        + " "
        + e.getReason()
        + " "
        + e.getInvolvedObject().getKind()
        + "/"
        + e.getInvolvedObject().getName()
        + ": "
        + e.getMessage();
  }
}
