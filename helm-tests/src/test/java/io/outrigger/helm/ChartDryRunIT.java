package io.outrigger.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.outrigger.testing.RealKubeApiServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every object {@code helm template} renders, for every values set, sent to the real kube-apiserver
 * as a server-side dry run: the server's own schemas, defaulting and validation accept each of
 * them. Rendered for the test server's version (1.20.2), as {@code helm install} would against it.
 *
 * <p>cert-manager's Issuer and Certificate are the exception: cert-manager's CRDs cannot be
 * installed here, so those two are checked field by field in {@code ChartTemplateTest} only.
 */
class ChartDryRunIT {
  private static KubernetesClient client;

  @BeforeAll
  static void crd() {
    client = RealKubeApiServer.client();
    Cluster.applyChartCrd(client);
  }

  @AfterAll
  static void close() {
    client.close();
  }

  static Iterable<ValuesSet> sets() {
    return ValuesSet.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("sets")
  void everyRenderedObjectPassesTheRealApiServer(ValuesSet tested) {
    // Its own release and namespace: the install tests in this JVM store the sets' objects for
    // real.
    ValuesSet set =
        new ValuesSet(
            tested.name(),
            "dry" + tested.release(),
            "dry-" + tested.namespace(),
            tested.valuesFile());
    List<GenericKubernetesResource> objects =
        ChartRender.template(set.release(), set.namespace(), set, RealKubeApiServer.VERSION);
    Cluster.namespacesOf(client, objects);

    List<String> accepted = new ArrayList<>();
    for (GenericKubernetesResource object : objects) {
      // The CRD is stored for real by Cluster.applyChartCrd (a dry-run create of it would only
      // say it exists); ChartCrdTest and ChartTemplateTest check it is the generated one.
      if (Cluster.foreign(object) || object.getKind().equals("CustomResourceDefinition")) {
        continue;
      }
      GenericKubernetesResource answer = client.resource(object).dryRun().create();
      // The server answers with the object as it would store it: defaulted, with a uid, and
      // without any field it did not know (which it drops silently: see DroppedFields).
      assertThat(answer.getMetadata().getUid()).as("%s", object.getKind()).isNotBlank();
      assertThat(DroppedFields.between(ChartRender.tree(object), ChartRender.tree(answer)))
          .as(
              "fields of %s %s the server dropped",
              object.getKind(), object.getMetadata().getName())
          .isEmpty();
      accepted.add(object.getKind() + "/" + object.getMetadata().getName());
    }

    assertThat(accepted)
        .as("nothing was stored")
        .allSatisfy(
            name -> {
              String[] kindName = name.split("/", 2);
              assertThat(
                      objects.stream()
                          .filter(o -> o.getKind().equals(kindName[0]))
                          .filter(o -> o.getMetadata().getName().equals(kindName[1]))
                          .map(o -> client.resource(o).get())
                          .filter(o -> o != null)
                          .toList())
                  .isEmpty();
            });
    assertThat(accepted)
        .contains(
            "Deployment/" + ChartRender.one(objects, "Deployment", null).getMetadata().getName())
        .anyMatch(name -> name.startsWith("MutatingWebhookConfiguration/"))
        .anyMatch(name -> name.startsWith("ClusterRole/"));
  }

  /** A misspelt field passes the 1.20 server's dry run, and the dropped-field check catches it. */
  @Test
  void aMisspeltFieldIsCaughtThoughTheServerDropsItSilently() {
    List<GenericKubernetesResource> objects =
        ChartRender.template(
            "dryoutrigger-typo", "dry-typo", ValuesSet.DEFAULTS, RealKubeApiServer.VERSION);
    Cluster.namespacesOf(client, objects);
    GenericKubernetesResource service = ChartRender.one(objects, "Service", null);
    @SuppressWarnings("unchecked")
    Map<String, Object> spec = (Map<String, Object>) service.getAdditionalProperties().get("spec");
    spec.put("sessionAfinity", "ClientIP");

    GenericKubernetesResource answer = client.resource(service).dryRun().create();

    assertThat(DroppedFields.between(ChartRender.tree(service), ChartRender.tree(answer)))
        .containsExactly("/spec/sessionAfinity");
  }

  /**
   * The dry run is not a formality: the same server refuses a webhook the chart must not render.
   */
  @Test
  void theServerRefusesAWebhookConfigurationWithSideEffects() {
    List<GenericKubernetesResource> objects =
        ChartRender.template(
            "outrigger", "outrigger-system", ValuesSet.DEFAULTS, RealKubeApiServer.VERSION);
    GenericKubernetesResource webhook =
        ChartRender.one(objects, "MutatingWebhookConfiguration", null);
    @SuppressWarnings("unchecked")
    Map<String, Object> first =
        ((List<Map<String, Object>>) webhook.getAdditionalProperties().get("webhooks")).get(0);
    first.put("sideEffects", "Some");

    assertThatThrownBy(() -> client.resource(webhook).dryRun().create())
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("sideEffects");
  }
}
