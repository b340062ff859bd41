package io.outrigger.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.outrigger.webhook.InjectedNames;
import io.outrigger.webhook.PodFacts;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code config POD}: the config the pod's sidecar runs with — the policy's, with the pod's
 * annotations and the sidecar's environment applied, secrets redacted — as the sidecar itself
 * reports it on its admin API.
 */
@Command(
    name = "config",
    mixinStandardHelpOptions = true,
    description = "The effective config of a pod's sidecar (secrets redacted), from the sidecar.")
final class ConfigCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @ParentCommand KubectlOutrigger root;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "POD", description = "A pod with the sidecar.")
  String pod;

  @Override
  public Integer call() throws IOException {
    KubernetesClient client = root.client();
    String namespace = root.namespace();
    Pod found = client.pods().inNamespace(namespace).withName(pod).get();
    if (found == null) {
      throw new IllegalArgumentException("no pod " + pod + " in namespace " + namespace);
    }
    if (!hasSidecar(found)) {
      throw new IllegalArgumentException(
          "pod "
              + pod
              + " has no Outrigger sidecar (kubectl outrigger check-inject "
              + pod
              + " says why)");
    }
    String config = SidecarAdmin.get(client, namespace, pod, "/config");
    PrintWriter out = spec.commandLine().getOut();
    out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(JSON.readTree(config)));
    return 0;
  }

  static boolean hasSidecar(Pod pod) {
    return PodFacts.hasContainer(pod, InjectedNames.SIDECAR_CONTAINER);
  }
}
