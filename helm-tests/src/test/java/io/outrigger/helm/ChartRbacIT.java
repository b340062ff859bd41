package io.outrigger.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.authorization.v1.NonResourceAttributesBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceAttributes;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceAttributesBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.outrigger.testing.RealKubeApiServer;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The chart's RBAC, installed in the real API server (which runs the RBAC authorizer), asked with
 * SubjectAccessReviews for the chart's service account: every request the operator makes is
 * allowed, and a list of things it must never do is denied.
 */
class ChartRbacIT {
  private static final ValuesSet DEFAULTS = ValuesSet.DEFAULTS;
  private static final ValuesSet WATCHED = ValuesSet.named("watch-namespaces");

  private static KubernetesClient client;

  @BeforeAll
  static void install() {
    client = RealKubeApiServer.client();
    Cluster.applyChartCrd(client);
    ChartInstall.install(client, DEFAULTS, o -> false);
    ChartInstall.install(client, WATCHED, o -> false);
    Cluster.namespace(client, "shop");
    Cluster.namespace(client, "billing");
  }

  @AfterAll
  static void close() {
    client.close();
  }

  /** A request: verb, API group, resource (with subresource after a slash), namespace, name. */
  record Request(String verb, String group, String resource, String namespace, String name) {
    @Override
    public String toString() {
      return verb
          + " "
          + (group.isEmpty() ? "" : group + "/")
          + resource
          + (name == null ? "" : " " + name)
          + (namespace == null ? " (cluster-wide)" : " in " + namespace);
    }
  }

  static Request r(String verb, String group, String resource, String namespace, String name) {
    return new Request(verb, group, resource, namespace, name);
  }

  /**
   * Each request the operator makes with the default install (release namespace outrigger-system).
   */
  static Stream<Arguments> operatorRequests() {
    String own = DEFAULTS.namespace();
    return Stream.of(
            // informers: pods (label-filtered), namespaces, policies; everywhere
            r("list", "", "pods", null, null),
            r("watch", "", "pods", null, null),
            r("get", "", "pods", "shop", "web-1"),
            r("list", "", "namespaces", null, null),
            r("watch", "", "namespaces", null, null),
            r("list", "outrigger.io", "observabilitypolicies", null, null),
            r("watch", "outrigger.io", "observabilitypolicies", null, null),
            // the nodes' kubelet versions (native or classic sidecars)
            r("list", "", "nodes", null, null),
            r("watch", "", "nodes", null, null),
            // reconciling: status, events (the config travels in the pods and the report answers)
            r("patch", "outrigger.io", "observabilitypolicies/status", "shop", "web"),
            r("update", "outrigger.io", "observabilitypolicies/status", "shop", "web"),
            r("create", "", "events", "shop", null),
            // injection events on pods' owners: counted on (get, patch), Deployment found from its
            // ReplicaSet
            r("get", "", "events", "shop", "web.0123456789abcdef"),
            r("patch", "", "events", "shop", "web.0123456789abcdef"),
            r("get", "apps", "replicasets", "shop", "web-5d8f7c9b4"),
            // reports
            r("create", "authentication.k8s.io", "tokenreviews", null, null),
            // certificates: its Secret (informer by name, compare-and-swap update), the caBundle
            r("get", "", "secrets", own, "outrigger-webhook-tls"),
            r("list", "", "secrets", own, "outrigger-webhook-tls"),
            r("watch", "", "secrets", own, "outrigger-webhook-tls"),
            r("update", "", "secrets", own, "outrigger-webhook-tls"),
            r(
                "get",
                "admissionregistration.k8s.io",
                "mutatingwebhookconfigurations",
                null,
                "outrigger"),
            r(
                "watch",
                "admissionregistration.k8s.io",
                "mutatingwebhookconfigurations",
                null,
                "outrigger"),
            r(
                "update",
                "admissionregistration.k8s.io",
                "mutatingwebhookconfigurations",
                null,
                "outrigger"),
            r(
                "patch",
                "admissionregistration.k8s.io",
                "mutatingwebhookconfigurations",
                null,
                "outrigger"),
            // leader election
            r("create", "coordination.k8s.io", "leases", own, null),
            r("get", "coordination.k8s.io", "leases", own, "outrigger-operator-leader"),
            r("update", "coordination.k8s.io", "leases", own, "outrigger-operator-leader"))
        .map(Arguments::of);
  }

  /** What the operator must never be able to do, whatever goes wrong in it. */
  static Stream<Arguments> forbidden() {
    String own = DEFAULTS.namespace();
    return Stream.of(
            r("list", "", "secrets", null, null),
            r("get", "", "secrets", "shop", "db-password"),
            r("get", "", "secrets", own, "some-other-secret"),
            r("list", "", "secrets", own, null),
            r("create", "", "secrets", own, null),
            r("delete", "", "secrets", own, "outrigger-webhook-tls"),
            r("create", "", "pods", "shop", null),
            r("delete", "", "pods", "shop", "web-1"),
            r("update", "", "pods", "shop", "web-1"),
            r("create", "", "pods/exec", "shop", "web-1"),
            r("delete", "", "namespaces", null, "shop"),
            r("update", "", "namespaces", null, "shop"),
            // No ConfigMap anywhere, read or write: the config is in the pods (ADR 0010). A write
            // to kube-system's (kube-proxy's, coredns's) would take over the cluster's networking.
            r("create", "", "configmaps", "shop", null),
            r("update", "", "configmaps", "shop", "outrigger-web"),
            r("patch", "", "configmaps", "shop", "outrigger-web"),
            r("delete", "", "configmaps", "shop", "outrigger-web"),
            r("create", "", "configmaps", "kube-system", null),
            r("update", "", "configmaps", "kube-system", "kube-proxy"),
            r("patch", "", "configmaps", "kube-system", "coredns"),
            r("get", "", "configmaps", "kube-system", "kube-proxy"),
            r("list", "", "configmaps", null, null),
            r("list", "apps", "replicasets", null, null),
            r("update", "apps", "replicasets", "shop", "web-5d8f7c9b4"),
            r("delete", "", "events", "shop", "web.0123456789abcdef"),
            r("create", "outrigger.io", "observabilitypolicies", "shop", null),
            r("update", "outrigger.io", "observabilitypolicies", "shop", "web"),
            r("delete", "outrigger.io", "observabilitypolicies", "shop", "web"),
            r(
                "create",
                "admissionregistration.k8s.io",
                "mutatingwebhookconfigurations",
                null,
                null),
            r("list", "admissionregistration.k8s.io", "mutatingwebhookconfigurations", null, null),
            r(
                "patch",
                "admissionregistration.k8s.io",
                "mutatingwebhookconfigurations",
                null,
                "istio-sidecar-injector"),
            r(
                "update",
                "admissionregistration.k8s.io",
                "mutatingwebhookconfigurations",
                null,
                "obs-outrigger"),
            r(
                "delete",
                "admissionregistration.k8s.io",
                "mutatingwebhookconfigurations",
                null,
                "outrigger"),
            r(
                "patch",
                "admissionregistration.k8s.io",
                "validatingwebhookconfigurations",
                null,
                "outrigger"),
            r("update", "coordination.k8s.io", "leases", "kube-system", "kube-scheduler"),
            r("update", "coordination.k8s.io", "leases", own, "someone-elses-lease"),
            r("create", "", "serviceaccounts/token", own, "outrigger-operator"),
            r(
                "update",
                "apiextensions.k8s.io",
                "customresourcedefinitions",
                null,
                "observabilitypolicies.outrigger.io"),
            r("create", "apps", "deployments", "shop", null),
            r("bind", "rbac.authorization.k8s.io", "clusterroles", null, "cluster-admin"),
            r("escalate", "rbac.authorization.k8s.io", "clusterroles", null, "outrigger-operator"),
            r("impersonate", "", "users", null, "admin"),
            r("get", "", "nodes", null, "node-1"),
            r("update", "", "nodes", null, "node-1"),
            r("patch", "", "nodes/status", null, "node-1"),
            r("delete", "", "nodes", null, "node-1"),
            r("create", "", "nodes/proxy", null, "node-1"))
        .map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("operatorRequests")
  void theOperatorMay(Request request) {
    assertThat(review(DEFAULTS, request).getStatus().getAllowed()).as("%s", request).isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("forbidden")
  void theOperatorMayNot(Request request) {
    SubjectAccessReview answer = review(DEFAULTS, request);
    assertThat(answer.getStatus().getAllowed()).as("%s", request).isFalse();
  }

  @Test
  void withWatchedNamespacesItWritesOnlyThere() {
    String own = WATCHED.namespace();
    for (String watched : List.of("shop", "payments")) {
      assertThat(allowed(WATCHED, r("create", "", "configmaps", watched, null))).isFalse();
      assertThat(allowed(WATCHED, r("create", "", "events", watched, null))).isTrue();
      assertThat(
              allowed(
                  WATCHED,
                  r("patch", "outrigger.io", "observabilitypolicies/status", watched, "web")))
          .isTrue();
    }
    assertThat(allowed(WATCHED, r("create", "", "configmaps", "billing", null))).isFalse();
    assertThat(allowed(WATCHED, r("create", "", "events", "billing", null))).isFalse();
    assertThat(
            allowed(
                WATCHED,
                r("patch", "outrigger.io", "observabilitypolicies/status", "billing", "web")))
        .isFalse();
    assertThat(allowed(WATCHED, r("patch", "", "configmaps", null, null))).isFalse();
    // Its Secret, Lease and webhook configuration carry the release's names, not the default's.
    assertThat(allowed(WATCHED, r("update", "", "secrets", own, "outrigger-webhook-tls"))).isTrue();
    assertThat(
            allowed(
                WATCHED, r("update", "", "secrets", "outrigger-system", "outrigger-webhook-tls")))
        .isFalse();
    assertThat(
            allowed(
                WATCHED,
                r(
                    "update",
                    "admissionregistration.k8s.io",
                    "mutatingwebhookconfigurations",
                    null,
                    "obs-outrigger")))
        .isTrue();
    assertThat(
            allowed(
                WATCHED,
                r(
                    "update",
                    "admissionregistration.k8s.io",
                    "mutatingwebhookconfigurations",
                    null,
                    "outrigger")))
        .isFalse();
  }

  /** The service-account issuer's discovery document and keys: sidecar tokens checked locally. */
  @ParameterizedTest(name = "get {0}")
  @ValueSource(strings = {"/.well-known/openid-configuration", "/openid/v1/jwks"})
  void theOperatorMayReadTheServiceAccountIssuerKeys(String path) {
    SubjectAccessReview answer =
        ask(
            new SubjectAccessReviewBuilder()
                .withNewSpec()
                .withUser(operator(DEFAULTS))
                .withNonResourceAttributes(
                    new NonResourceAttributesBuilder().withVerb("get").withPath(path).build())
                .endSpec()
                .build());
    assertThat(answer.getStatus().getAllowed()).as("get %s", path).isTrue();
  }

  /** The authorizer is RBAC and not AlwaysAllow: an account bound to nothing may do nothing. */
  @Test
  void anAccountWithoutBindingsIsDenied() {
    SubjectAccessReview answer =
        ask(
            sar(
                "system:serviceaccount:outrigger-system:nobody",
                "outrigger-system",
                attributes(r("list", "", "pods", null, null))));

    assertThat(answer.getStatus().getAllowed()).isFalse();
  }

  private static boolean allowed(ValuesSet set, Request request) {
    return review(set, request).getStatus().getAllowed();
  }

  private static SubjectAccessReview review(ValuesSet set, Request request) {
    return ask(sar(operator(set), set.namespace(), attributes(request)));
  }

  /** The operator's service account as the API server names it. */
  private static String operator(ValuesSet set) {
    return "system:serviceaccount:" + set.namespace() + ":" + set.fullname() + "-operator";
  }

  private static SubjectAccessReview ask(SubjectAccessReview review) {
    return client.authorization().v1().subjectAccessReview().create(review);
  }

  private static SubjectAccessReview sar(
      String user, String namespace, ResourceAttributes attributes) {
    return new SubjectAccessReviewBuilder()
        .withNewSpec()
        .withUser(user)
        .withGroups(
            "system:serviceaccounts", "system:serviceaccounts:" + namespace, "system:authenticated")
        .withResourceAttributes(attributes)
        .endSpec()
        .build();
  }

  private static ResourceAttributes attributes(Request request) {
    String[] resource = request.resource().split("/", 2);
    return new ResourceAttributesBuilder()
        .withVerb(request.verb())
        .withGroup(request.group())
        .withResource(resource[0])
        .withSubresource(resource.length > 1 ? resource[1] : null)
        .withNamespace(request.namespace())
        .withName(request.name())
        .build();
  }
}
