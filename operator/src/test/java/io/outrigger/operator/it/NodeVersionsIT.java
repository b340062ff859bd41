package io.outrigger.operator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeStatusBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.outrigger.api.v1alpha1.spec.ObservabilityPolicySpec;
import io.outrigger.operator.reconciler.InformerClusterView;
import io.outrigger.operator.reconciler.ResolvedPolicies;
import io.outrigger.operator.report.ReportCaBundle;
import io.outrigger.testing.RealKubeApiServer;
import io.outrigger.webhook.ClusterFacts;
import io.outrigger.webhook.admission.AdmissionHandler;
import io.outrigger.webhook.admission.AdmissionMetrics;
import io.outrigger.webhook.admission.ClusterView;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Native or classic sidecars from the kubelets' versions, with nodes stored in a real
 * kube-apiserver and read by the operator's own informers. The server is 1.20, so the admission
 * handler is told it is 1.30 (what it would read from a 1.30 server's {@code /version}); no kubelet
 * runs, so the nodes' versions are written through the status subresource, as a kubelet reports
 * them. The handler is called directly: a 1.20 server would drop {@code restartPolicy} from what it
 * stores.
 */
class NodeVersionsIT {
  private static final String NAMESPACE = "op-nodes";
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String NO_NODES_USER = "system:serviceaccount:" + NAMESPACE + ":no-nodes";

  private static KubernetesClient client;
  private static InformerClusterView view;

  @BeforeAll
  static void start() throws Exception {
    client = RealKubeApiServer.client();
    ApiServer.applyCrd(client);
    ApiServer.namespace(client, NAMESPACE);
    client.resource(ApiServer.policy(NAMESPACE, "web", new ObservabilityPolicySpec())).create();
    view = InformerClusterView.start(client, new ResolvedPolicies(), new ReportCaBundle(null));
  }

  @AfterAll
  static void stop() {
    if (view != null) {
      view.close();
    }
    if (client != null) {
      for (String node : List.of("nv-new-1", "nv-new-2", "nv-old-1")) {
        client.nodes().withName(node).delete();
      }
      client.close();
    }
  }

  @Test
  void aKubeletOlderThan129AnywhereTheSidecarMayRunKeepsItClassic() throws Exception {
    node("nv-new-1", "new", "v1.30.2");
    node("nv-new-2", "new", "v1.29.4");
    AdmissionHandler handler = handler(view);
    await().atMost(WAIT).until(() -> isNative(admit(handler, null)));

    // A node from an old pool joins: the sidecar would be a plain init container there.
    node("nv-old-1", "old", "v1.28.7");
    await().atMost(WAIT).until(() -> !isNative(admit(handler, null)));
    assertThat(admit(handler, null).path("auditAnnotations").path("sidecar-mode").asText())
        .isEqualTo("classic: kubelets older than 1.29 may run the pod: nv-old-1 (v1.28.7)");
    // A pod that can only land on the new pool still gets the native sidecar.
    assertThat(isNative(admit(handler, "new"))).as("pinned to the new pool").isTrue();

    // The old node is upgraded in place: its kubelet reports the new version.
    node("nv-old-1", "old", "v1.29.1");
    await().atMost(WAIT).until(() -> isNative(admit(handler, null)));
  }

  @Test
  void withoutTheRightToListNodesSidecarsStayClassic() throws Exception {
    node("nv-new-1", "new", "v1.30.2");
    // Everything the view reads but nodes.
    client
        .resource(
            new ClusterRoleBuilder()
                .withNewMetadata()
                .withName("nv-no-nodes")
                .endMetadata()
                .addNewRule()
                .withApiGroups("")
                .withResources("namespaces")
                .withVerbs("get", "list", "watch")
                .endRule()
                .addNewRule()
                .withApiGroups("outrigger.io")
                .withResources("observabilitypolicies")
                .withVerbs("get", "list", "watch")
                .endRule()
                .build())
        .createOr(existing -> existing.update());
    client
        .resource(
            new ClusterRoleBindingBuilder()
                .withNewMetadata()
                .withName("nv-no-nodes")
                .endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", "nv-no-nodes")
                .addNewSubject()
                .withKind("User")
                .withName(NO_NODES_USER)
                .endSubject()
                .build())
        .createOr(existing -> existing.update());
    Config impersonating =
        new ConfigBuilder(client.getConfiguration())
            .withImpersonateUsername(NO_NODES_USER)
            .withImpersonateGroups("system:authenticated")
            .build();
    try (KubernetesClient restricted =
            new KubernetesClientBuilder().withConfig(impersonating).build();
        InformerClusterView blind =
            InformerClusterView.start(
                restricted, new ResolvedPolicies(), new ReportCaBundle(null))) {
      assertThatThrownBy(() -> restricted.nodes().list())
          .as("the impersonated user cannot list nodes")
          .isInstanceOfSatisfying(
              KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
      AdmissionHandler handler = handler(blind);
      await()
          .during(Duration.ofSeconds(3))
          .atMost(WAIT)
          .until(() -> !isNative(admit(handler, null)));
      assertThat(admit(handler, null).path("auditAnnotations").path("sidecar-mode").asText())
          .isEqualTo("classic: the nodes' kubelet versions are unknown (nodes not listed)");
    }
  }

  private static AdmissionHandler handler(ClusterView view) {
    return new AdmissionHandler(
        view,
        ClusterFacts.of("1", "30", "registry.local/sidecar", ApiServer.VERSION, "outrigger-system"),
        new AdmissionMetrics());
  }

  /** Creates or updates a node and reports its kubelet's version. */
  private static void node(String name, String pool, String kubeletVersion) {
    Node node =
        client
            .resource(
                new NodeBuilder()
                    .withNewMetadata()
                    .withName(name)
                    .addToLabels("pool", pool)
                    .endMetadata()
                    .build())
            .createOr(existing -> existing.update());
    node.setStatus(
        new NodeStatusBuilder()
            .withNewNodeInfo()
            .withKubeletVersion(kubeletVersion)
            .endNodeInfo()
            .build());
    client.resource(node).updateStatus();
  }

  /** The response to a pod create, optionally pinned to a node pool. */
  private static JsonNode admit(AdmissionHandler handler, String pool) throws Exception {
    String selector = pool == null ? "" : "\"nodeSelector\": {\"pool\": \"" + pool + "\"},";
    String review =
        """
        {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
         "request": {"uid": "nv-1", "kind": {"group": "", "version": "v1", "kind": "Pod"},
          "resource": {"group": "", "version": "v1", "resource": "pods"},
          "namespace": "%s", "operation": "CREATE",
          "object": {"apiVersion": "v1", "kind": "Pod",
           "metadata": {"name": "web-1", "namespace": "%s", "labels": {"outrigger.io/inject": "true"}},
           "spec": {%s "containers": [{"name": "app", "image": "app:1",
             "ports": [{"name": "http", "containerPort": 8080}]}]}}}}
        """
            .formatted(NAMESPACE, NAMESPACE, selector);
    return JSON.readTree(handler.handle(review.getBytes(StandardCharsets.UTF_8))).path("response");
  }

  /** True when the patch adds the sidecar as an init container that keeps running. */
  private static boolean isNative(JsonNode response) {
    String patch =
        new String(
            Base64.getDecoder().decode(response.path("patch").asText()), StandardCharsets.UTF_8);
    assertThat(patch).as("the pod is injected").contains("outrigger-sidecar");
    return patch.contains("\"restartPolicy\":\"Always\"");
  }
}
