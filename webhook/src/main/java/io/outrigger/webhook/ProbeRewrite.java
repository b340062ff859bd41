package io.outrigger.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HTTPGetActionBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LifecycleBuilder;
import io.fabric8.kubernetes.api.model.LifecycleHandler;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.outrigger.config.Ports;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Sends the kubelet's HTTP, TCP and gRPC probes of the app containers to the sidecar's {@code
 * /app-health/<container>/<kind>}, which runs the original: with interception the app port leads to
 * the proxy, and the sidecar's readiness should follow the app's. Exec probes run inside the
 * container and stay as they are.
 */
final class ProbeRewrite {
  private ProbeRewrite() {}

  static final String LIVENESS = "livez";
  static final String READINESS = "readyz";
  static final String STARTUP = "startupz";

  /**
   * Rewrites the probes of {@code container} in place and adds each original to {@code originals}
   * under {@code <container>/<kind>}, named ports resolved to numbers (the sidecar cannot see the
   * app's port names).
   */
  static void rewrite(Container container, ObjectNode originals) {
    rewrite(
        container, LIVENESS, container::getLivenessProbe, container::setLivenessProbe, originals);
    rewrite(
        container,
        READINESS,
        container::getReadinessProbe,
        container::setReadinessProbe,
        originals);
    rewrite(container, STARTUP, container::getStartupProbe, container::setStartupProbe, originals);
  }

  private static void rewrite(
      Container container,
      String kind,
      Supplier<Probe> get,
      Consumer<Probe> set,
      ObjectNode originals) {
    Probe probe = get.get();
    if (probe == null
        || (probe.getHttpGet() == null
            && probe.getTcpSocket() == null
            && probe.getGrpc() == null)) {
      return;
    }
    Probe original = copy(probe);
    resolve(original, container, null);
    JsonNode originalTree = PodJson.MAPPER.valueToTree(original);
    originals.set(container.getName() + "/" + kind, originalTree);
    set.accept(
        new ProbeBuilder()
            .withInitialDelaySeconds(probe.getInitialDelaySeconds())
            .withPeriodSeconds(probe.getPeriodSeconds())
            .withTimeoutSeconds(probe.getTimeoutSeconds())
            .withSuccessThreshold(probe.getSuccessThreshold())
            .withFailureThreshold(probe.getFailureThreshold())
            .withTerminationGracePeriodSeconds(probe.getTerminationGracePeriodSeconds())
            .withHttpGet(
                new HTTPGetActionBuilder()
                    .withPath(InjectedNames.appHealthPath(container.getName(), kind))
                    .withPort(new IntOrString(Ports.TELEMETRY))
                    .withScheme("HTTP")
                    .build())
            .build());
  }

  /**
   * Replaces references to the container's named ports in {@code names} (all when {@code null}) by
   * their numbers, in probes and lifecycle hooks: once port mode moves a name to the sidecar, the
   * kubelet could no longer resolve it in the app's container.
   */
  static void resolveNamedPorts(Container container, Set<String> names) {
    // The container is a copy sharing its probes and hooks with the pod being admitted; change
    // copies of them.
    container.setLivenessProbe(copy(container.getLivenessProbe()));
    container.setReadinessProbe(copy(container.getReadinessProbe()));
    container.setStartupProbe(copy(container.getStartupProbe()));
    if (container.getLifecycle() != null) {
      container.setLifecycle(new LifecycleBuilder(container.getLifecycle()).build());
    }
    resolve(container.getLivenessProbe(), container, names);
    resolve(container.getReadinessProbe(), container, names);
    resolve(container.getStartupProbe(), container, names);
    if (container.getLifecycle() != null) {
      resolve(container.getLifecycle().getPostStart(), container, names);
      resolve(container.getLifecycle().getPreStop(), container, names);
    }
  }

  private static Probe copy(Probe probe) {
    return probe == null ? null : new ProbeBuilder(probe).build();
  }

  private static void resolve(Probe probe, Container container, Set<String> names) {
    if (probe == null) {
      return;
    }
    if (probe.getHttpGet() != null) {
      probe.getHttpGet().setPort(number(probe.getHttpGet().getPort(), container, names));
    }
    if (probe.getTcpSocket() != null) {
      probe.getTcpSocket().setPort(number(probe.getTcpSocket().getPort(), container, names));
    }
  }

  private static void resolve(LifecycleHandler handler, Container container, Set<String> names) {
    if (handler == null) {
      return;
    }
    if (handler.getHttpGet() != null) {
      handler.getHttpGet().setPort(number(handler.getHttpGet().getPort(), container, names));
    }
    if (handler.getTcpSocket() != null) {
      handler.getTcpSocket().setPort(number(handler.getTcpSocket().getPort(), container, names));
    }
  }

  private static IntOrString number(IntOrString port, Container container, Set<String> names) {
    if (port == null || port.getStrVal() == null) {
      return port;
    }
    String name = port.getStrVal();
    if (names != null && !names.contains(name)) {
      return port;
    }
    return PodFacts.list(container.getPorts()).stream()
        .filter(p -> name.equals(p.getName()) && p.getContainerPort() != null)
        .map(ContainerPort::getContainerPort)
        .findFirst()
        .map(IntOrString::new)
        .orElse(port);
  }
}
