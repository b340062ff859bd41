package io.outrigger.webhook;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Null-safe reads of a pod: admission requests carry whatever the client sent. Public for the
 * kubectl plugin, which reads pods as the webhook does.
 */
public final class PodFacts {
  private PodFacts() {}

  public static Map<String, String> labels(Pod pod) {
    return pod.getMetadata() == null || pod.getMetadata().getLabels() == null
        ? Map.of()
        : pod.getMetadata().getLabels();
  }

  public static Map<String, String> annotations(Pod pod) {
    return pod.getMetadata() == null || pod.getMetadata().getAnnotations() == null
        ? Map.of()
        : pod.getMetadata().getAnnotations();
  }

  static <T> List<T> list(List<T> values) {
    return values == null ? List.of() : values;
  }

  static List<Container> containers(Pod pod) {
    return pod.getSpec() == null ? List.of() : list(pod.getSpec().getContainers());
  }

  static List<Container> initContainers(Pod pod) {
    return pod.getSpec() == null ? List.of() : list(pod.getSpec().getInitContainers());
  }

  public static boolean hasContainer(Pod pod, String name) {
    return Stream.concat(containers(pod).stream(), initContainers(pod).stream())
        .anyMatch(c -> name.equals(c.getName()));
  }

  static boolean hasVolume(Pod pod, String name) {
    return pod.getSpec() != null
        && list(pod.getSpec().getVolumes()).stream().map(Volume::getName).anyMatch(name::equals);
  }

  /**
   * {@code base}, or the first of {@code base-1}, {@code base-2}, ... that the pod does not use
   * yet: a user's volume or container that happens to carry our name keeps it, ours moves aside.
   */
  static String freeName(String base, Predicate<String> taken) {
    if (!taken.test(base)) {
      return base;
    }
    for (int n = 1; ; n++) {
      String candidate = base + "-" + n;
      if (!taken.test(candidate)) {
        return candidate;
      }
    }
  }
}
