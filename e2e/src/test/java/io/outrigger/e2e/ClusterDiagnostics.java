package io.outrigger.e2e;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * When an e2e test fails, what one would look at with kubectl: every pod of the namespaces involved
 * with each container's state, restarts and last termination, the namespaces' latest events, and
 * the tail of each sidecar's log. CI keeps no cluster to look at afterwards, so it goes to the log.
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
    if (pod.getSpec().getContainers().stream()
        .anyMatch(c -> c.getName().equals("outrigger-sidecar"))) {
      try {
        String log =
            client
                .pods()
                .inNamespace(namespace)
                .withName(name)
                .inContainer("outrigger-sidecar")
                .tailingLines(20)
                .getLog();
        out.append("  sidecar log:\n").append(log.indent(4));
      } catch (RuntimeException e) {
        out.append("  sidecar log: ").append(e.getMessage()).append('\n');
      }
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
