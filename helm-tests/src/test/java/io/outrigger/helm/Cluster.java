package io.outrigger.helm;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.outrigger.testing.RealKubeApiServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** What the install tests do to the shared real kube-apiserver. */
final class Cluster {
  private Cluster() {}

  /** Kinds whose CRDs (cert-manager's, the Prometheus Operator's) are not on the test server. */
  static final Set<String> FOREIGN_GROUPS = Set.of("cert-manager.io", "monitoring.coreos.com");

  /** Applies the chart's CRD (the copy the chart renders) and waits until it is Established. */
  static void applyChartCrd(KubernetesClient client) {
    try {
      RealKubeApiServer.applyCrd(client, Repo.chartCrd());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void namespace(KubernetesClient client, String name) {
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .createOr(existing -> existing.update());
  }

  /** Every namespace the rendered objects live in, created so that they can be stored. */
  static void namespacesOf(KubernetesClient client, List<GenericKubernetesResource> objects) {
    Set<String> names = new TreeSet<>();
    objects.stream()
        .map(o -> o.getMetadata().getNamespace())
        .filter(n -> n != null)
        .forEach(names::add);
    names.forEach(n -> namespace(client, n));
  }

  static boolean foreign(GenericKubernetesResource object) {
    String apiVersion = object.getApiVersion();
    return apiVersion.contains("/")
        && FOREIGN_GROUPS.contains(apiVersion.substring(0, apiVersion.indexOf('/')));
  }
}
