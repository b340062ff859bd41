package io.outrigger.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.outrigger.api.Names;
import io.outrigger.api.v1alpha1.ObservabilityPolicy;
import io.outrigger.api.v1alpha1.status.ObservabilityPolicyStatus;
import io.outrigger.api.v1alpha1.status.PolicyCondition;
import io.outrigger.api.v1alpha1.status.SidecarErrorSummary;
import io.outrigger.webhook.InjectedNames;
import io.outrigger.webhook.InjectionStatus;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code status POLICY}: the policy's conditions and counts as the operator wrote them, then each
 * of its pods with its sidecar's state and, unless {@code --no-live}, the report the sidecar itself
 * gives on its admin API (what it sends the operator).
 */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = "A policy's status, its pods and what their sidecars report.")
final class StatusCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Port-forwards are one at a time; a large policy is summed up by the counts. */
  static final int MAX_LIVE = 20;

  @ParentCommand KubectlOutrigger root;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "POLICY", description = "An ObservabilityPolicy of the namespace.")
  String policyName;

  @Option(
      names = "--live",
      negatable = true,
      defaultValue = "true",
      description = "Ask each sidecar for its report (default: ${DEFAULT-VALUE}).")
  boolean live;

  @Override
  public Integer call() {
    KubernetesClient client = root.client();
    String namespace = root.namespace();
    ObservabilityPolicy policy =
        client
            .resources(ObservabilityPolicy.class)
            .inNamespace(namespace)
            .withName(policyName)
            .get();
    if (policy == null) {
      throw new IllegalArgumentException(
          "no ObservabilityPolicy " + policyName + " in namespace " + namespace);
    }
    PrintWriter out = spec.commandLine().getOut();
    printPolicy(policy, out);
    List<Pod> pods =
        client
            .pods()
            .inNamespace(namespace)
            .withLabel(Names.POLICY_LABEL, policyName)
            .list()
            .getItems();
    out.printf("pods (label %s=%s): %d%n", Names.POLICY_LABEL, policyName, pods.size());
    String currentHash = policy.getStatus() == null ? null : policy.getStatus().getConfigHash();
    int asked = 0;
    for (Pod pod : pods) {
      out.println("  " + podLine(pod, currentHash));
      if (live && asked++ < MAX_LIVE && sidecarRunning(pod)) {
        out.print(report(client, namespace, pod).indent(4));
      }
    }
    if (live && pods.size() > MAX_LIVE) {
      out.printf("  (reports of the first %d pods only)%n", MAX_LIVE);
    }
    return 0;
  }

  private static void printPolicy(ObservabilityPolicy policy, PrintWriter out) {
    ObservabilityPolicyStatus status = policy.getStatus();
    out.printf(
        "policy %s/%s generation %d",
        policy.getMetadata().getNamespace(),
        policy.getMetadata().getName(),
        policy.getMetadata().getGeneration());
    if (status == null) {
      out.println(": no status yet (is the operator running and watching this namespace?)");
      return;
    }
    out.printf(", status of generation %s%n", status.getObservedGeneration());
    for (PolicyCondition c : nonNull(status.getConditions())) {
      out.printf("  %s=%s %s: %s%n", c.getType(), c.getStatus(), c.getReason(), c.getMessage());
    }
    out.printf(
        "  pods: %d matched, %d injected, %d ready, %d outdated, %d missed; last report %s%n",
        zero(status.getMatchedPods()),
        zero(status.getInjectedPods()),
        zero(status.getReadyPods()),
        zero(status.getOutdatedPods()),
        zero(status.getMissedPods()),
        Objects.requireNonNullElse(status.getLastReportTime(), "never"));
    for (SidecarErrorSummary e : nonNull(status.getSidecarErrors())) {
      out.printf(
          "  sidecar error in %s on %d pods (last %s): %s%n",
          e.getComponent(), zero(e.getPods()), e.getLastSeen(), e.getMessage());
    }
  }

  private static String podLine(Pod pod, String currentHash) {
    StringBuilder line = new StringBuilder(pod.getMetadata().getName());
    line.append(' ').append(pod.getStatus() == null ? "?" : pod.getStatus().getPhase());
    sidecarStatus(pod)
        .ifPresentOrElse(
            s ->
                line.append(", sidecar ")
                    .append(Boolean.TRUE.equals(s.getReady()) ? "ready" : "not ready")
                    .append(", restarts ")
                    .append(s.getRestartCount()),
            () -> line.append(", sidecar not started"));
    InjectionStatus.of(pod)
        .ifPresent(
            injected ->
                line.append(", config ")
                    .append(injected.configHash())
                    .append(
                        currentHash == null || currentHash.equals(injected.configHash())
                            ? " (current)"
                            : " (outdated: the policy is at " + currentHash + ")")
                    .append(", ")
                    .append(injected.mode())
                    .append(" sidecar, ")
                    .append(injected.interception()));
    return line.toString();
  }

  private static String report(KubernetesClient client, String namespace, Pod pod) {
    try {
      JsonNode status =
          JSON.readTree(
              SidecarAdmin.get(client, namespace, pod.getMetadata().getName(), "/status"));
      StringBuilder text = new StringBuilder();
      JsonNode components = status.path("components");
      for (Iterator<Map.Entry<String, JsonNode>> it = components.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> component = it.next();
        JsonNode c = component.getValue();
        text.append(component.getKey())
            .append(": ")
            .append(c.path("state").asText(c.isTextual() ? c.asText() : "?"));
        if (c.hasNonNull("lastError")) {
          text.append(" — ").append(c.path("lastError").asText());
        }
        text.append('\n');
      }
      return text.isEmpty() ? status.toString() + "\n" : text.toString();
    } catch (IOException | RuntimeException e) {
      return "no report: " + e.getMessage() + "\n";
    }
  }

  private static boolean sidecarRunning(Pod pod) {
    return sidecarStatus(pod)
        .map(s -> s.getState() != null && s.getState().getRunning() != null)
        .orElse(false);
  }

  private static java.util.Optional<ContainerStatus> sidecarStatus(Pod pod) {
    if (pod.getStatus() == null) {
      return java.util.Optional.empty();
    }
    return Stream.concat(
            nonNull(pod.getStatus().getContainerStatuses()).stream(),
            nonNull(pod.getStatus().getInitContainerStatuses()).stream())
        .filter(s -> InjectedNames.SIDECAR_CONTAINER.equals(s.getName()))
        .findFirst();
  }

  private static <T> List<T> nonNull(List<T> list) {
    return list == null ? List.of() : list;
  }

  private static int zero(Integer value) {
    return value == null ? 0 : value;
  }
}
