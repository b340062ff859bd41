package io.outrigger.operator.bench;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.outrigger.api.policy.PolicyResolver;
import io.outrigger.api.v1alpha1.ObservabilityPolicy;
import io.outrigger.api.v1alpha1.spec.ObservabilityPolicySpec;
import io.outrigger.api.v1alpha1.status.ObservabilityPolicyStatus;
import io.outrigger.operator.OperatorNames;
import io.outrigger.operator.it.ApiServer;
import io.outrigger.operator.it.Tokens;
import io.outrigger.operator.status.PolicyStatusBuilder;
import io.outrigger.webhook.InjectedNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * What the benchmark stores in the API server before the operator starts: policies spread over
 * namespaces, each selecting its own injected pods (created directly, no kubelet: the status is
 * written through the status subresource so ready counts mean something), and a service-account
 * token per pod from the TokenRequest API, as the kubelet would mint for the sidecar.
 *
 * <p>Per policy, pod {@code k} of {@code n}: ready unless {@code k % 5 == 4}; outdated (an older
 * config hash) when {@code k == 0}; reports a sidecar error when {@code k % 4 == 0}.
 */
final class BenchCluster {
  static final String ACCOUNT = "app";
  static final String ERROR_COMPONENT = "metrics";
  static final String ERROR_MESSAGE = "scrape of :9100/metrics failed: connection refused";

  /** One simulated sidecar: who it is, what it runs and the token it reports with. */
  record Sidecar(
      String namespace,
      String pod,
      String policy,
      String configHash,
      boolean error,
      String token) {}

  /** What a policy's status must say once the operator has seen everything. */
  record Expected(int matched, int ready, int outdated, int errorPods) {
    boolean metBy(ObservabilityPolicyStatus status) {
      return podsMetBy(status) && reportsMetBy(status);
    }

    boolean podsMetBy(ObservabilityPolicyStatus status) {
      return status != null
          && Integer.valueOf(matched).equals(status.getMatchedPods())
          && Integer.valueOf(matched).equals(status.getInjectedPods())
          && Integer.valueOf(ready).equals(status.getReadyPods())
          && Integer.valueOf(outdated).equals(status.getOutdatedPods())
          && Integer.valueOf(0).equals(status.getMissedPods())
          && PolicyStatusBuilder.find(status, OperatorNames.READY)
              .map(c -> "True".equals(c.getStatus()))
              .orElse(false);
    }

    boolean reportsMetBy(ObservabilityPolicyStatus status) {
      return status != null
          && status.getLastReportTime() != null
          && status.getSidecarErrors() != null
          && status.getSidecarErrors().size() == 1
          && Integer.valueOf(errorPods).equals(status.getSidecarErrors().get(0).getPods());
    }
  }

  final List<String> namespaces = new ArrayList<>();
  final Map<String, Expected> expected = new java.util.concurrent.ConcurrentHashMap<>();
  final List<Sidecar> sidecars = java.util.Collections.synchronizedList(new ArrayList<>());

  static BenchCluster create(
      KubernetesClient admin,
      int namespaceCount,
      int policyCount,
      int podCount,
      boolean tokenPerPod,
      int parallelism)
      throws Exception {
    BenchCluster cluster = new BenchCluster();
    ExecutorService pool = Executors.newFixedThreadPool(parallelism);
    try {
      for (int i = 0; i < namespaceCount; i++) {
        String ns = ApiServer.namespace(admin, "bench-" + i);
        Tokens.serviceAccount(admin, ns, ACCOUNT);
        cluster.namespaces.add(ns);
      }
      Map<String, String> namespaceTokens = new java.util.HashMap<>();
      if (!tokenPerPod) {
        for (String ns : cluster.namespaces) {
          namespaceTokens.put(ns, Tokens.mint(admin, ns, ACCOUNT, null));
        }
      }
      int podsPerPolicy = podCount / policyCount;
      List<Callable<Void>> policyTasks = new ArrayList<>();
      for (int p = 0; p < policyCount; p++) {
        String ns = cluster.namespaces.get(p % namespaceCount);
        String name = "p" + p;
        policyTasks.add(
            () -> {
              cluster.createPolicyAndPods(
                  admin, ns, name, podsPerPolicy, pool, tokenPerPod, namespaceTokens);
              return null;
            });
      }
      // Policies one thread each (a handful at a time), their pods on the shared pool.
      ExecutorService policies = Executors.newFixedThreadPool(Math.max(1, parallelism / 4));
      try {
        for (Future<Void> f : policies.invokeAll(policyTasks)) {
          f.get();
        }
      } finally {
        policies.shutdown();
      }
    } finally {
      pool.shutdown();
    }
    return cluster;
  }

  private void createPolicyAndPods(
      KubernetesClient admin,
      String ns,
      String name,
      int podsPerPolicy,
      ExecutorService pool,
      boolean tokenPerPod,
      Map<String, String> namespaceTokens)
      throws Exception {
    ObservabilityPolicySpec spec = new ObservabilityPolicySpec();
    spec.setSelector(new LabelSelectorBuilder().addToMatchLabels("app", name).build());
    // The stored object, defaults applied by the API server, is what the operator hashes.
    ObservabilityPolicy stored = admin.resource(ApiServer.policy(ns, name, spec)).create();
    String hash = PolicyResolver.resolve(stored).configHash();
    List<Callable<Void>> podTasks = new ArrayList<>();
    int ready = 0;
    int outdated = 0;
    int errors = 0;
    for (int k = 0; k < podsPerPolicy; k++) {
      boolean isReady = k % 5 != 4;
      boolean isOutdated = k == 0;
      boolean error = k % 4 == 0;
      ready += isReady ? 1 : 0;
      outdated += isOutdated ? 1 : 0;
      errors += error ? 1 : 0;
      String podName = name + "-" + k;
      String podHash = isOutdated ? "0000000000000000" : hash;
      podTasks.add(
          () -> {
            Pod pod =
                ApiServer.injected(
                    ns, podName, Map.of("app", name), name, podHash, ApiServer.VERSION);
            pod.getSpec().setServiceAccountName(ACCOUNT);
            Pod created = admin.resource(pod).create();
            created.setStatus(
                new PodStatusBuilder()
                    .withPhase("Running")
                    .withPodIP("10.0.0.1")
                    .withContainerStatuses(
                        new ContainerStatusBuilder()
                            .withName(InjectedNames.SIDECAR_CONTAINER)
                            .withReady(isReady)
                            .withImage("registry.local/outrigger-sidecar")
                            .withImageID("")
                            .withRestartCount(0)
                            .withNewState()
                            .withNewRunning()
                            .endRunning()
                            .endState()
                            .build(),
                        new ContainerStatusBuilder()
                            .withName("app")
                            .withReady(true)
                            .withImage("registry.local/app:1")
                            .withImageID("")
                            .withRestartCount(0)
                            .withNewState()
                            .withNewRunning()
                            .endRunning()
                            .endState()
                            .build())
                    .build());
            Pod running = admin.resource(created).updateStatus();
            String token =
                tokenPerPod ? Tokens.mint(admin, ns, ACCOUNT, running) : namespaceTokens.get(ns);
            sidecars.add(new Sidecar(ns, podName, name, podHash, error, token));
            return null;
          });
    }
    for (Future<Void> f : pool.invokeAll(podTasks)) {
      f.get();
    }
    expected.put(ns + "/" + name, new Expected(podsPerPolicy, ready, outdated, errors));
  }
}
