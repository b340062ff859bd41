package io.outrigger.operator.bench;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.outrigger.api.v1alpha1.ObservabilityPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When each policy was modified, seen through a watch: the spec never changes during the benchmark,
 * so every modification is a status write. Gives the busiest 5-second window of each policy, which
 * the API server's totals cannot.
 */
final class StatusWriteLog implements AutoCloseable {
  private final Map<String, List<Long>> nanosByPolicy = new ConcurrentHashMap<>();
  private final Watch watch;

  private StatusWriteLog(KubernetesClient admin) {
    watch =
        admin
            .resources(ObservabilityPolicy.class)
            .inAnyNamespace()
            .watch(
                new Watcher<>() {
                  @Override
                  public void eventReceived(Action action, ObservabilityPolicy policy) {
                    if (action == Action.MODIFIED) {
                      String key =
                          policy.getMetadata().getNamespace()
                              + "/"
                              + policy.getMetadata().getName();
                      long now = System.nanoTime();
                      nanosByPolicy
                          .computeIfAbsent(key, k -> new ArrayList<>())
                          .add(now); // one watch thread: no lock needed for the list
                    }
                  }

                  @Override
                  public void onClose(WatcherException cause) {
                    System.err.println("[bench] status watch closed: " + cause);
                  }
                });
  }

  static StatusWriteLog start(KubernetesClient admin) {
    return new StatusWriteLog(admin);
  }

  /** Writes of all policies between the two instants (System.nanoTime). */
  synchronized long count(long fromNanos, long toNanos) {
    return nanosByPolicy.values().stream()
        .mapToLong(l -> List.copyOf(l).stream().filter(t -> t >= fromNanos && t < toNanos).count())
        .sum();
  }

  /** The most writes any one policy got within any {@code window} between the two instants. */
  int busiestWindow(long fromNanos, long toNanos, Duration window) {
    int max = 0;
    for (List<Long> times : nanosByPolicy.values()) {
      List<Long> in =
          List.copyOf(times).stream().filter(t -> t >= fromNanos && t < toNanos).sorted().toList();
      int start = 0;
      for (int end = 0; end < in.size(); end++) {
        while (in.get(end) - in.get(start) >= window.toNanos()) {
          start++;
        }
        max = Math.max(max, end - start + 1);
      }
    }
    return max;
  }

  @Override
  public void close() {
    watch.close();
  }
}
