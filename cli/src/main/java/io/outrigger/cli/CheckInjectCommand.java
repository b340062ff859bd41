package io.outrigger.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.outrigger.api.Names;
import io.outrigger.webhook.InjectionStatus;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code check-inject}: for pods of the cluster, or the pods the objects of a manifest would make,
 * whether the webhook injects them, by which policy, and exactly why (not).
 */
@Command(
    name = "check-inject",
    mixinStandardHelpOptions = true,
    description = {
      "Would these pods get the sidecar, from which policy, and why (not)?",
      "Pods by name, the objects of manifests (-f), or every pod of the namespace."
    })
final class CheckInjectCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @ParentCommand KubectlOutrigger root;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(arity = "0..*", paramLabel = "POD", description = "Pods of the namespace.")
  List<String> pods = new ArrayList<>();

  @Option(
      names = {"-f", "--filename"},
      description = "A manifest (- for stdin): its pods and workloads' pod templates.")
  List<String> files = new ArrayList<>();

  @Option(
      names = "--webhook-configuration",
      defaultValue = "outrigger",
      description =
          "The MutatingWebhookConfiguration the chart installed (default: ${DEFAULT-VALUE}).")
  String webhookConfiguration;

  @Option(
      names = {"-o", "--output"},
      defaultValue = "text",
      description = "text or json.")
  String output;

  @Override
  public Integer call() throws IOException {
    if (!output.equals("text") && !output.equals("json")) {
      throw new IllegalArgumentException("--output must be text or json, not " + output);
    }
    KubernetesClient client = root.client();
    List<Candidate> candidates = candidates(client);
    ClusterSnapshot snapshot = ClusterSnapshot.read(client, webhookConfiguration);
    PrintWriter out = spec.commandLine().getOut();
    ArrayNode json = JSON.createArrayNode();
    if (!snapshot.webhookFound() && output.equals("text")) {
      out.println(
          "note: no MutatingWebhookConfiguration "
              + webhookConfiguration
              + ": the API server calls no Outrigger webhook, so nothing is injected"
              + " (installed under another name? --webhook-configuration)");
    }
    for (Candidate candidate : candidates) {
      Result result = check(client, snapshot, candidate);
      if (output.equals("json")) {
        json.add(result.json());
      } else {
        result.print(out);
      }
    }
    if (output.equals("json")) {
      out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json));
    }
    return 0;
  }

  private List<Candidate> candidates(KubernetesClient client) throws IOException {
    String namespace = root.namespace();
    List<Candidate> candidates = new ArrayList<>();
    for (String file : files) {
      try (InputStream in = file.equals("-") ? System.in : new FileInputStream(file)) {
        for (HasMetadata object : client.load(in).items()) {
          Candidate.of(object, namespace).ifPresent(candidates::add);
        }
      }
    }
    for (String name : pods) {
      Pod pod = client.pods().inNamespace(namespace).withName(name).get();
      if (pod == null) {
        throw new IllegalArgumentException("no pod " + name + " in namespace " + namespace);
      }
      candidates.add(new Candidate("pod/" + name, namespace, pod));
    }
    if (files.isEmpty() && pods.isEmpty()) {
      for (Pod pod : client.pods().inNamespace(namespace).list().getItems()) {
        candidates.add(new Candidate("pod/" + pod.getMetadata().getName(), namespace, pod));
      }
    }
    return candidates;
  }

  private static Result check(KubernetesClient client, ClusterSnapshot snapshot, Candidate c) {
    // A running pod was admitted already: say what it got, as its injection status records.
    InjectionStatus status = InjectionStatus.of(c.pod()).orElse(null);
    if (status != null) {
      String policy = c.pod().getMetadata().getLabels().getOrDefault(Names.POLICY_LABEL, "");
      return new Result(
          c,
          new InjectionCheck.Verdict(
              true,
              java.util.Optional.ofNullable(policy.isEmpty() ? status.policy() : policy),
              "has the sidecar (injected at creation)",
              List.of()));
    }
    InjectionCheck.Verdict verdict =
        snapshot.webhookFound()
            ? InjectionCheck.check(snapshot.input(client, c.pod(), c.namespace()))
            : new InjectionCheck.Verdict(
                false, java.util.Optional.empty(), "no Outrigger webhook is installed", List.of());
    return new Result(c, verdict);
  }

  private record Result(Candidate candidate, InjectionCheck.Verdict verdict) {
    void print(PrintWriter out) {
      out.printf(
          "%s/%s: %s — %s%n",
          candidate.namespace(),
          candidate.source(),
          verdict.injected()
              ? "injected from policy " + verdict.policy().orElse("?")
              : "not injected",
          verdict.decision());
      verdict.details().forEach(d -> out.println("  " + d));
    }

    ObjectNode json() {
      ObjectNode node = JSON.createObjectNode();
      node.put("namespace", candidate.namespace());
      node.put("source", candidate.source());
      node.put("injected", verdict.injected());
      verdict.policy().ifPresent(p -> node.put("policy", p));
      node.put("decision", verdict.decision());
      ArrayNode details = node.putArray("details");
      verdict.details().forEach(details::add);
      return node;
    }
  }
}
