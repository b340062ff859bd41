package io.outrigger.helm;

import static io.outrigger.helm.ChartRender.all;
import static io.outrigger.helm.ChartRender.one;
import static io.outrigger.helm.ChartRender.tree;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What {@code helm template} renders, field by field, for the defaults and each values set. The
 * real API server checks the schemas ({@code ChartDryRunIT}); this checks the choices.
 */
class ChartTemplateTest {
  private static final String KUBE = "1.30.0";

  static Iterable<ValuesSet> sets() {
    return ValuesSet.all();
  }

  private static List<GenericKubernetesResource> render(ValuesSet set) {
    return ChartRender.template(set.release(), set.namespace(), set, KUBE);
  }

  private static JsonNode webhook(List<GenericKubernetesResource> objects) {
    return tree(one(objects, "MutatingWebhookConfiguration", null)).path("webhooks").get(0);
  }

  private static JsonNode operatorContainer(List<GenericKubernetesResource> objects) {
    return tree(one(objects, "Deployment", null)).at("/spec/template/spec/containers/0");
  }

  private static Map<String, JsonNode> env(JsonNode container) {
    Map<String, JsonNode> env = new HashMap<>();
    container.path("env").forEach(e -> env.put(e.path("name").asText(), e));
    return env;
  }

  @Test
  void defaultsWireTheOperatorToItsOwnDefaultNames() {
    List<GenericKubernetesResource> objects = render(ValuesSet.DEFAULTS);
    Map<String, JsonNode> env = env(operatorContainer(objects));

    // The operator's own defaults (OperatorConfig): a release named outrigger needs no override.
    assertThat(env.get("OUTRIGGER_CERTIFICATES_WEBHOOK_CONFIGURATION").path("value").asText())
        .isEqualTo("outrigger");
    assertThat(env.get("OUTRIGGER_CERTIFICATES_SERVICE").path("value").asText())
        .isEqualTo("outrigger-webhook");
    assertThat(env.get("OUTRIGGER_CERTIFICATES_MODE").path("value").asText()).isEqualTo("operator");
    assertThat(env.get("OUTRIGGER_NAMESPACE").at("/valueFrom/fieldRef/fieldPath").asText())
        .isEqualTo("metadata.namespace");
    assertThat(env.get("OUTRIGGER_SIDECAR_IMAGE").path("value").asText())
        .isEqualTo("ghcr.io/outrigger/sidecar:0.1.0");
    assertThat(env.get("OUTRIGGER_SIDECAR_VERSION").path("value").asText()).isEqualTo("0.1.0");
    assertThat(env).doesNotContainKey("OUTRIGGER_WATCH_NAMESPACES");
    assertThat(one(objects, "MutatingWebhookConfiguration", "outrigger")).isNotNull();
    assertThat(one(objects, "Service", "outrigger-webhook")).isNotNull();
    assertThat((Object) one(objects, "Secret", "outrigger-webhook-tls").get("data")).isNull();
  }

  /**
   * Admission and reports are two servers (issue 19 item 1): the Service's 443 reaches admission,
   * its reports port the report server, and standbys find the leader's report port by its name.
   */
  @Test
  void admissionAndReportsAreServedOnTwoPortsThroughTheService() {
    List<GenericKubernetesResource> objects = render(ValuesSet.DEFAULTS);
    JsonNode container =
        tree(one(objects, "Deployment", "outrigger-operator"))
            .at("/spec/template/spec/containers/0");
    Map<String, Integer> containerPorts = new HashMap<>();
    container
        .path("ports")
        .forEach(p -> containerPorts.put(p.path("name").asText(), p.path("containerPort").asInt()));
    assertThat(containerPorts).containsEntry("https", 8443).containsEntry("reports", 8444);
    Map<String, JsonNode> env = new HashMap<>();
    container.path("env").forEach(e -> env.put(e.path("name").asText(), e));
    assertThat(env.get("OUTRIGGER_ADMISSION_PORT").path("value").asText()).isEqualTo("8443");
    assertThat(env.get("OUTRIGGER_REPORTS_PORT").path("value").asText()).isEqualTo("8444");

    JsonNode service = tree(one(objects, "Service", "outrigger-webhook"));
    Map<String, JsonNode> servicePorts = new HashMap<>();
    service.at("/spec/ports").forEach(p -> servicePorts.put(p.path("name").asText(), p));
    assertThat(servicePorts.get("https").path("port").asInt()).isEqualTo(443);
    assertThat(servicePorts.get("https").path("targetPort").asText()).isEqualTo("https");
    // The operator tells sidecars https://<service>.<ns>.svc:<reports port>: the same number here.
    assertThat(servicePorts.get("reports").path("port").asInt()).isEqualTo(8444);
    assertThat(servicePorts.get("reports").path("targetPort").asText()).isEqualTo("reports");
    assertThat(webhook(objects).at("/clientConfig/service/port").asInt()).isEqualTo(443);
  }

  @Test
  void theWebhookByDefaultFailsOpenSkipsSystemAndOwnNamespacesAndIsReinvoked() {
    JsonNode webhook = webhook(render(ValuesSet.DEFAULTS));

    assertThat(webhook.path("failurePolicy").asText()).isEqualTo("Ignore");
    assertThat(webhook.path("sideEffects").asText()).isEqualTo("None");
    assertThat(webhook.path("reinvocationPolicy").asText()).isEqualTo("IfNeeded");
    assertThat(webhook.path("timeoutSeconds").asInt()).isEqualTo(5);
    assertThat(texts(webhook.path("admissionReviewVersions"))).containsExactly("v1");
    assertThat(webhook.at("/clientConfig/service/path").asText()).isEqualTo("/mutate");
    assertThat(webhook.at("/clientConfig/caBundle").isMissingNode()).isTrue();
    assertThat(texts(webhook.at("/rules/0/operations"))).containsExactly("CREATE");
    assertThat(texts(webhook.at("/rules/0/resources"))).containsExactly("pods");
    JsonNode exclusion = webhook.at("/namespaceSelector/matchExpressions/0");
    assertThat(exclusion.path("key").asText()).isEqualTo("kubernetes.io/metadata.name");
    assertThat(exclusion.path("operator").asText()).isEqualTo("NotIn");
    assertThat(texts(exclusion.path("values"))).contains("kube-system", "outrigger-system");
    assertThat(webhook.has("objectSelector")).isFalse();
  }

  @Test
  void failClosedWithTheObjectSelectorOnTheOptInLabel() {
    ValuesSet set = ValuesSet.named("fail-closed-labelled-pods-only");
    JsonNode webhook = webhook(render(set));

    assertThat(webhook.path("failurePolicy").asText()).isEqualTo("Fail");
    assertThat(webhook.path("timeoutSeconds").asInt()).isEqualTo(10);
    JsonNode selector = webhook.at("/objectSelector/matchExpressions/0");
    assertThat(selector.path("key").asText()).isEqualTo("outrigger.io/inject");
    assertThat(selector.path("operator").asText()).isEqualTo("In");
    assertThat(texts(selector.path("values"))).contains("true");
    assertThat(texts(webhook.at("/namespaceSelector/matchExpressions/0/values")))
        .contains("outrigger-strict");
  }

  @Test
  void theOperatorRunsTwoReplicasWithProbesResourcesAndARestrictedSecurityContext() {
    List<GenericKubernetesResource> objects = render(ValuesSet.DEFAULTS);
    JsonNode deployment = tree(one(objects, "Deployment", "outrigger-operator"));
    JsonNode pod = deployment.at("/spec/template/spec");
    JsonNode container = pod.at("/containers/0");

    assertThat(deployment.at("/spec/replicas").asInt()).isEqualTo(2);
    assertThat(deployment.at("/spec/strategy/rollingUpdate/maxUnavailable").asInt()).isZero();
    assertThat(pod.path("serviceAccountName").asText()).isEqualTo("outrigger-operator");
    assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/q/health/ready");
    assertThat(container.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/q/health/live");
    assertThat(container.at("/startupProbe/httpGet/path").asText()).isEqualTo("/q/health/started");
    assertThat(container.at("/resources/requests/memory").asText()).isEqualTo("256Mi");
    assertThat(container.at("/resources/limits/memory").asText()).isEqualTo("512Mi");
    // Pod Security Standards "restricted".
    assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
    assertThat(pod.at("/securityContext/seccompProfile/type").asText()).isEqualTo("RuntimeDefault");
    assertThat(container.at("/securityContext/allowPrivilegeEscalation").asBoolean()).isFalse();
    assertThat(container.at("/securityContext/readOnlyRootFilesystem").asBoolean()).isTrue();
    assertThat(texts(container.at("/securityContext/capabilities/drop"))).containsExactly("ALL");
    assertThat(pod.at("/affinity/podAntiAffinity").isMissingNode()).isFalse();

    JsonNode pdb = tree(one(objects, "PodDisruptionBudget", "outrigger-operator"));
    assertThat(pdb.path("apiVersion").asText()).isEqualTo("policy/v1");
    assertThat(pdb.at("/spec/minAvailable").asInt()).isEqualTo(1);
    assertThat(pdb.at("/spec/selector/matchLabels"))
        .isEqualTo(deployment.at("/spec/selector/matchLabels"));
  }

  @Test
  void theDisruptionBudgetUsesPolicyV1beta1OnA120Server() {
    List<GenericKubernetesResource> objects =
        ChartRender.template("outrigger", "outrigger-system", ValuesSet.DEFAULTS, "1.20.2");

    assertThat(one(objects, "PodDisruptionBudget", null).getApiVersion())
        .isEqualTo("policy/v1beta1");
  }

  @Test
  void oneReplicaWithoutLeaderElectionHasNoBudgetNoLeaseRulesAndPinnedImages() {
    List<GenericKubernetesResource> objects =
        render(ValuesSet.named("single-replica-pinned-images"));
    JsonNode container = operatorContainer(objects);
    Map<String, JsonNode> env = env(container);

    assertThat(all(objects, "PodDisruptionBudget")).isEmpty();
    assertThat(all(objects, "ServiceAccount")).isEmpty();
    assertThat(container.path("image").asText())
        .isEqualTo(
            "registry.example.com/outrigger/operator@sha256:"
                + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
    assertThat(env.get("OUTRIGGER_SIDECAR_IMAGE").path("value").asText())
        .isEqualTo("registry.example.com/outrigger/sidecar:0.1.0-rc1");
    assertThat(env.get("OUTRIGGER_SIDECAR_VERSION").path("value").asText()).isEqualTo("0.1.0-rc1");
    assertThat(env.get("OUTRIGGER_LEADER_ELECTION_ENABLED").path("value").asText())
        .isEqualTo("false");
    JsonNode role = tree(one(objects, "Role", null));
    assertThat(role.toString()).doesNotContain("leases");
    assertThat(
            tree(one(objects, "Deployment", null))
                .at("/spec/template/spec/serviceAccountName")
                .asText())
        .isEqualTo("platform-outrigger");
  }

  @Test
  void watchedNamespacesGetRoleBindingsInsteadOfAClusterWideBinding() {
    List<GenericKubernetesResource> objects = render(ValuesSet.named("watch-namespaces"));

    assertThat(
            all(objects, "RoleBinding").stream()
                .filter(b -> b.getMetadata().getName().equals("obs-outrigger-operator-policies"))
                .map(b -> b.getMetadata().getNamespace()))
        .containsExactlyInAnyOrder("shop", "payments");
    assertThat(all(objects, "ClusterRoleBinding").stream().map(b -> b.getMetadata().getName()))
        .containsExactly("obs-outrigger-operator");
    assertThat(
            env(operatorContainer(objects))
                .get("OUTRIGGER_WATCH_NAMESPACES")
                .path("value")
                .asText())
        .isEqualTo("shop,payments");
    assertThat(one(objects, "ConfigMap", "obs-outrigger-dashboard").getMetadata().getNamespace())
        .isEqualTo("monitoring");
  }

  @Test
  void certManagerIssuesTheCertificateInjectsTheCaAndTheOperatorOnlyMountsIt() {
    List<GenericKubernetesResource> objects = render(ValuesSet.named("cert-manager"));
    JsonNode configuration = tree(one(objects, "MutatingWebhookConfiguration", null));
    JsonNode certificate = tree(one(objects, "Certificate", "outrigger-webhook"));
    JsonNode pod = tree(one(objects, "Deployment", null)).at("/spec/template/spec");

    assertThat(configuration.at("/metadata/annotations/cert-manager.io~1inject-ca-from").asText())
        .isEqualTo("outrigger-certs/outrigger-webhook");
    assertThat(certificate.at("/spec/secretName").asText()).isEqualTo("outrigger-webhook-cert");
    assertThat(certificate.at("/spec/privateKey/encoding").asText()).isEqualTo("PKCS8");
    assertThat(texts(certificate.at("/spec/dnsNames")))
        .containsExactly(
            "outrigger-webhook",
            "outrigger-webhook.outrigger-certs",
            "outrigger-webhook.outrigger-certs.svc");
    assertThat(certificate.at("/spec/issuerRef/name").asText()).isEqualTo("outrigger-selfsigned");
    assertThat(one(objects, "Issuer", "outrigger-selfsigned")).isNotNull();
    assertThat(
            env(pod.at("/containers/0")).get("OUTRIGGER_CERTIFICATES_MODE").path("value").asText())
        .isEqualTo("cert-manager");
    assertThat(pod.at("/volumes/0/secret/secretName").asText()).isEqualTo("outrigger-webhook-cert");
    // Nothing to patch and no Secret of its own: no rights on either.
    assertThat(all(objects, "Secret")).isEmpty();
    assertThat(
            objects.stream().filter(o -> o.getKind().endsWith("Role")).map(o -> tree(o).toString()))
        .noneMatch(
            rules -> rules.contains("secrets") || rules.contains("mutatingwebhookconfigurations"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("sets")
  void rbacHasNoWildcardsAndNamesItsSecretAndWebhookConfiguration(ValuesSet set) {
    List<JsonNode> rules = new ArrayList<>();
    render(set).stream()
        .filter(o -> o.getKind().equals("ClusterRole") || o.getKind().equals("Role"))
        .forEach(role -> tree(role).path("rules").forEach(rules::add));

    assertThat(rules).isNotEmpty();
    for (JsonNode rule : rules) {
      assertThat(rule.toString()).as("no wildcard in %s", rule).doesNotContain("\"*\"");
      List<String> resources = texts(rule.path("resources"));
      if (resources.contains("secrets") || resources.contains("mutatingwebhookconfigurations")) {
        assertThat(texts(rule.path("resourceNames"))).as("%s", rule).hasSize(1);
        assertThat(texts(rule.path("verbs"))).doesNotContain("create", "delete");
      }
      if (resources.contains("pods") || resources.contains("namespaces")) {
        assertThat(texts(rule.path("verbs"))).containsExactly("get", "list", "watch");
      }
      if (resources.contains("nodes")) {
        assertThat(resources).as("nodes have a rule of their own").containsExactly("nodes");
        assertThat(texts(rule.path("verbs"))).containsExactly("list", "watch");
      }
      assertThat(texts(rule.path("verbs")))
          .doesNotContain("delete", "deletecollection", "escalate", "bind", "impersonate");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("sets")
  void everyNamespacedObjectIsInTheReleaseNamespaceUnlessMeantElsewhere(ValuesSet set) {
    for (GenericKubernetesResource object : render(set)) {
      String namespace = object.getMetadata().getNamespace();
      boolean elsewhere =
          object.getKind().equals("RoleBinding")
                  && object.getMetadata().getName().endsWith("-policies")
              || object.getKind().equals("ConfigMap")
                  && object.getMetadata().getName().endsWith("-dashboard");
      if (namespace != null && !elsewhere) {
        assertThat(namespace)
            .as("%s %s", object.getKind(), object.getMetadata().getName())
            .isEqualTo(set.namespace());
      }
    }
  }

  private static List<String> texts(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
  }
}
