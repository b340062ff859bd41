package io.outrigger.helm;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.function.Predicate;

/**
 * Stores the rendered chart in the real API server, as {@code helm install} would, except what must
 * not be stored here:
 *
 * <ul>
 *   <li>the MutatingWebhookConfiguration as rendered: it names a Service, and the API server would
 *       dial that Service's cluster IP, which is not on this machine (tests register it with a
 *       loopback URL instead, see {@code ChartWebhookIT});
 *   <li>cert-manager's kinds (no cert-manager CRDs here).
 * </ul>
 */
final class ChartInstall {
  private ChartInstall() {}

  static List<GenericKubernetesResource> install(
      KubernetesClient client, ValuesSet set, Predicate<GenericKubernetesResource> alsoSkip) {
    List<GenericKubernetesResource> objects =
        ChartRender.template(set.release(), set.namespace(), set, "1.20.2");
    Cluster.namespacesOf(client, objects);
    for (GenericKubernetesResource object : objects) {
      if (Cluster.foreign(object)
          || object.getKind().equals("MutatingWebhookConfiguration")
          || alsoSkip.test(object)) {
        continue;
      }
      client.resource(object).fieldManager("helm").forceConflicts().serverSideApply();
    }
    return objects;
  }
}
