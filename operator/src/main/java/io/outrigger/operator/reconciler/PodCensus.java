package io.outrigger.operator.reconciler;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.fabric8.kubernetes.api.model.Pod;
import io.outrigger.api.Names;
import io.outrigger.api.policy.EffectivePolicy;
import io.outrigger.operator.status.PodCounts;
import io.outrigger.webhook.InjectedNames;
import io.outrigger.webhook.InjectionDecision;
import io.outrigger.webhook.InjectionStatus;
import io.outrigger.webhook.LabelSelectorMatcher;
import io.outrigger.webhook.PolicyChoice;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Counts one policy's pods as a pure function, with the webhook's own rules ({@link
 * InjectionDecision}, {@link PolicyChoice}) so that the operator and the webhook never disagree
 * about which pod belongs to which policy.
 *
 * @param counts the status counts
 * @param winners other policies that took pods this policy selects (for {@code Conflict})
 * @param missed pods the policy should have injected that run without a sidecar
 */
public record PodCensus(PodCounts counts, List<String> winners, List<Pod> missed) {

  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  /**
   * The census of {@code policyName} in its namespace.
   *
   * @param self the policy resolved; empty when it is invalid (the webhook then injects nothing
   *     from it, so only pods injected earlier count)
   * @param configHash the hash pods should run; empty when unknown (nothing is outdated then)
   * @param running the hash each pod's sidecar reports it runs in full (pod name → hash); a pod not
   *     in it is judged by the hash it was injected with
   * @param sidecarVersion the sidecar version pods should run
   * @param namespacePolicies the namespace's valid policies, as the webhook sees them
   * @param pods the namespace's pods that opted in by label or were injected (duplicates allowed)
   * @param namespaceLabels labels of a namespace (for pods that follow their namespace's opt-in)
   * @param excludedNamespaces namespaces never injected
   */
  public static PodCensus count(
      String policyName,
      Optional<EffectivePolicy> self,
      Optional<String> configHash,
      Map<String, String> running,
      String sidecarVersion,
      List<EffectivePolicy> namespacePolicies,
      Collection<Pod> pods,
      Function<String, Map<String, String>> namespaceLabels,
      Set<String> excludedNamespaces) {
    int matched = 0;
    int injected = 0;
    int ready = 0;
    int outdated = 0;
    Set<String> winners = new LinkedHashSet<>();
    List<Pod> missed = new ArrayList<>();
    for (Pod pod : unique(pods)) {
      if (!live(pod)) {
        continue;
      }
      Map<String, String> labels = map(pod.getMetadata().getLabels());
      Map<String, String> annotations = map(pod.getMetadata().getAnnotations());
      if (isInjected(pod, labels)) {
        Optional<InjectionStatus> status = injectionStatus(annotations);
        String owner = status.map(InjectionStatus::policy).orElse(null);
        if (policyName.equals(owner)) {
          matched++;
          injected++;
          if (sidecarReady(pod)) {
            ready++;
          }
          // Config edits reach running sidecars in their report answers: what a sidecar says it
          // runs beats what its pod was injected with.
          String runs =
              running.getOrDefault(pod.getMetadata().getName(), status.get().configHash());
          boolean oldConfig = configHash.isPresent() && !configHash.get().equals(runs);
          boolean oldSidecar = !sidecarVersion.equals(status.get().version());
          if (oldConfig || oldSidecar) {
            outdated++;
          }
        } else if (owner != null && selects(self, labels, annotations)) {
          winners.add(owner);
        }
        continue;
      }
      String namespace = pod.getMetadata().getNamespace();
      InjectionDecision decision =
          InjectionDecision.decide(
              pod, namespace, namespaceLabels.apply(namespace), excludedNamespaces, policyName);
      if (!decision.inject() || self.isEmpty()) {
        continue;
      }
      PolicyChoice choice = PolicyChoice.choose(labels, annotations, namespacePolicies);
      Optional<String> winner = choice.winner().map(EffectivePolicy::name);
      if (winner.isPresent() && winner.get().equals(policyName)) {
        matched++;
        missed.add(pod);
      } else if (winner.isPresent()
          && choice.losers().stream().anyMatch(p -> p.name().equals(policyName))) {
        winners.add(winner.get());
      }
    }
    return new PodCensus(
        new PodCounts(matched, injected, ready, outdated, missed.size()),
        List.copyOf(winners),
        List.copyOf(missed));
  }

  /** The webhook's mark, or its container (a pod injected by hand or by an older webhook). */
  static boolean isInjected(Pod pod, Map<String, String> labels) {
    if (InjectionDecision.TRUE.equals(labels.get(Names.INJECTED))) {
      return true;
    }
    return pod.getSpec() != null
        && Stream.concat(
                list(pod.getSpec().getContainers()), list(pod.getSpec().getInitContainers()))
            .anyMatch(c -> InjectedNames.SIDECAR_CONTAINER.equals(c.getName()));
  }

  /** The {@code outrigger.io/status} annotation; empty when missing or unreadable. */
  public static Optional<InjectionStatus> injectionStatus(Map<String, String> annotations) {
    String json = annotations.get(Names.STATUS);
    if (json == null) {
      return Optional.empty();
    }
    // Every pod of a policy carries the same annotation: parse each text once, not once per pod
    // per reconcile (the census of 5,000 pods spent most of its time here).
    return PARSED.get(json, PodCensus::parseStatus);
  }

  private static final Cache<String, Optional<InjectionStatus>> PARSED =
      Caffeine.newBuilder().maximumSize(10_000).build();

  private static Optional<InjectionStatus> parseStatus(String json) {
    try {
      return Optional.of(JSON.readValue(json, InjectionStatus.class));
    } catch (Exception e) {
      // A hand-edited annotation must not break counting: such a pod belongs to no policy.
      return Optional.empty();
    }
  }

  /** Ready as the kubelet reports it: a classic sidecar container or a native one. */
  static boolean sidecarReady(Pod pod) {
    if (pod.getStatus() == null) {
      return false;
    }
    return Stream.concat(
            list(pod.getStatus().getContainerStatuses()),
            list(pod.getStatus().getInitContainerStatuses()))
        .filter(s -> InjectedNames.SIDECAR_CONTAINER.equals(s.getName()))
        .anyMatch(s -> Boolean.TRUE.equals(s.getReady()));
  }

  /** A policy selects a pod unless the pod names its policy (then it is not a contest). */
  private static boolean selects(
      Optional<EffectivePolicy> self, Map<String, String> labels, Map<String, String> annotations) {
    return self.isPresent()
        && !annotations.containsKey(Names.POLICY)
        && LabelSelectorMatcher.matches(self.get().selector(), labels);
  }

  /** Pods on their way out or finished do not count: only running pods carry a sidecar. */
  private static boolean live(Pod pod) {
    if (pod.getMetadata() == null || pod.getMetadata().getDeletionTimestamp() != null) {
      return false;
    }
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    return !"Succeeded".equals(phase) && !"Failed".equals(phase);
  }

  /** Two informers may hold the same pod (opted in by label and injected). */
  private static Collection<Pod> unique(Collection<Pod> pods) {
    Map<String, Pod> byKey = new LinkedHashMap<>();
    for (Pod pod : pods) {
      if (pod.getMetadata() != null) {
        byKey.putIfAbsent(
            pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName(), pod);
      }
    }
    return byKey.values();
  }

  private static Map<String, String> map(Map<String, String> map) {
    return map == null ? Map.of() : map;
  }

  private static <T> Stream<T> list(List<T> list) {
    return list == null ? Stream.empty() : list.stream();
  }
}
