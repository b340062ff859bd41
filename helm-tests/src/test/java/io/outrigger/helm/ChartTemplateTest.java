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
    // It writes events on pods' owners, never for a dry run.
    assertThat(webhook.path("sideEffects").asText()).isEqualTo("NoneOnDryRun");
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

  private static List<GenericKubernetesResource> render(String yaml) {
    return render(ValuesSet.ofYaml(yaml, "outrigger", "outrigger-system"));
  }

  private static Map<String, String> labels(GenericKubernetesResource object) {
    return object.getMetadata().getLabels() == null ? Map.of() : object.getMetadata().getLabels();
  }

  @Test
  void nameAndNamespaceOverridesRenameAndMoveEveryObject() {
    List<GenericKubernetesResource> objects =
        ChartRender.template(
            "outrigger",
            "default",
            ValuesSet.ofYaml(
                "nameOverride: obs\nfullnameOverride: platform-obs\nnamespaceOverride: obs-system",
                "outrigger",
                "default"),
            KUBE);
    Map<String, JsonNode> env = env(operatorContainer(objects));

    assertThat(one(objects, "Deployment", "platform-obs-operator").getMetadata().getNamespace())
        .isEqualTo("obs-system");
    assertThat(env.get("OUTRIGGER_CERTIFICATES_SERVICE").path("value").asText())
        .isEqualTo("platform-obs-webhook");
    assertThat(one(objects, "MutatingWebhookConfiguration", "platform-obs")).isNotNull();
    for (GenericKubernetesResource object : objects) {
      assertThat(labels(object))
          .as("%s %s", object.getKind(), object.getMetadata().getName())
          .containsEntry("app.kubernetes.io/name", "obs");
      if (object.getMetadata().getNamespace() != null) {
        assertThat(object.getMetadata().getNamespace())
            .as("%s %s", object.getKind(), object.getMetadata().getName())
            .isEqualTo("obs-system");
      }
    }
    assertThat(texts(webhook(objects).at("/namespaceSelector/matchExpressions/0/values")))
        .contains("obs-system")
        .doesNotContain("default");
    assertThat(
            tree(one(objects, "ClusterRoleBinding", "platform-obs-operator"))
                .at("/subjects/0/namespace")
                .asText())
        .isEqualTo("obs-system");
  }

  @Test
  void commonLabelsAreOnEveryObjectAndThePodsButNeverReplaceTheChartsOwn() {
    List<GenericKubernetesResource> objects =
        render(
            "commonLabels: {team: platform, app.kubernetes.io/name: mine, app.kubernetes.io/instance: x}");

    assertThat(objects).isNotEmpty();
    for (GenericKubernetesResource object : objects) {
      assertThat(labels(object))
          .as("%s %s", object.getKind(), object.getMetadata().getName())
          .containsEntry("team", "platform")
          .containsEntry("app.kubernetes.io/name", "outrigger")
          .containsEntry("app.kubernetes.io/instance", "outrigger");
    }
    assertThat(
            tree(one(objects, "Deployment", null))
                .at("/spec/template/metadata/labels/team")
                .asText())
        .isEqualTo("platform");
  }

  @Test
  void theRegistryIsSplitFromTheRepositoryAndAFullRepositoryStillWorks() {
    assertThat(operatorContainer(render(ValuesSet.DEFAULTS)).path("image").asText())
        .isEqualTo("ghcr.io/outrigger/operator:0.1.0");
    assertThat(
            operatorContainer(render("image: {registry: registry.example.com/}"))
                .path("image")
                .asText())
        .isEqualTo("registry.example.com/outrigger/operator:0.1.0");

    List<GenericKubernetesResource> habits = render(ValuesSet.named("platform-habits"));
    assertThat(operatorContainer(habits).path("image").asText())
        .as("global.imageRegistry beats image.registry")
        .isEqualTo("mirror.example.com/outrigger/operator:0.1.0");
    assertThat(env(operatorContainer(habits)).get("OUTRIGGER_SIDECAR_IMAGE").path("value").asText())
        .as("the image's own registry beats both")
        .isEqualTo("sidecars.example.com:5000/outrigger/sidecar:0.1.0");
    assertThat(
            env(operatorContainer(render("image: {sidecar: {repository: localhost/sidecar}}")))
                .get("OUTRIGGER_SIDECAR_IMAGE")
                .path("value")
                .asText())
        .isEqualTo("localhost/sidecar:0.1.0");
  }

  @Test
  void openShiftLeavesTheIdsToItsSecurityContextConstraints() {
    List<GenericKubernetesResource> objects = render(ValuesSet.named("platform-habits"));
    JsonNode pod = tree(one(objects, "Deployment", null)).at("/spec/template/spec");

    assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
    assertThat(pod.at("/securityContext/seccompProfile/type").asText()).isEqualTo("RuntimeDefault");
    assertThat(pod.path("securityContext").has("runAsUser")).isFalse();
    assertThat(pod.path("securityContext").has("runAsGroup")).isFalse();
    assertThat(pod.path("securityContext").has("fsGroup")).isFalse();
    JsonNode container = pod.at("/containers/0/securityContext");
    assertThat(container.has("runAsUser")).isFalse();
    assertThat(container.path("readOnlyRootFilesystem").asBoolean()).isTrue();
    assertThat(texts(container.at("/capabilities/drop"))).containsExactly("ALL");
  }

  @Test
  void extraArgsFollowTheJvmOptionsAndExtraEnvIsAdded() {
    Map<String, JsonNode> env = env(operatorContainer(render(ValuesSet.named("platform-habits"))));

    assertThat(env.get("JAVA_OPTS").path("value").asText())
        .isEqualTo(
            "-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
                + " -Dquarkus.log.category.\"io.fabric8\".level=WARN");
    assertThat(env.get("TZ").path("value").asText()).isEqualTo("UTC");
    assertThat(env.get("QUARKUS_LOG_CONSOLE_DARKEN").path("value").asText()).isEqualTo("1");
    assertThat(
            env(operatorContainer(render(ValuesSet.DEFAULTS)))
                .get("JAVA_OPTS")
                .path("value")
                .asText())
        .isEqualTo("-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError");
  }

  @Test
  void theWebhookSelectorsNarrowBesideTheExclusionAndTheOptInLabel() {
    JsonNode webhook = webhook(render(ValuesSet.named("platform-habits")));

    assertThat(webhook.at("/namespaceSelector/matchLabels/outrigger.example.com~1tenant").asText())
        .isEqualTo("true");
    JsonNode expressions = webhook.at("/namespaceSelector/matchExpressions");
    assertThat(expressions.get(0).path("key").asText()).isEqualTo("kubernetes.io/metadata.name");
    assertThat(expressions.get(1).path("key").asText()).isEqualTo("environment");
    assertThat(webhook.at("/objectSelector/matchExpressions").size()).isEqualTo(1);
    assertThat(webhook.at("/objectSelector/matchExpressions/0/operator").asText())
        .isEqualTo("DoesNotExist");

    JsonNode both =
        webhook(
            render(
                "webhook: {onlyLabelledPods: true, objectSelector: {matchLabels: {tier: web}}}"));
    assertThat(both.at("/objectSelector/matchLabels/tier").asText()).isEqualTo("web");
    assertThat(both.at("/objectSelector/matchExpressions/0/key").asText())
        .isEqualTo("outrigger.io/inject");
  }

  @Test
  void sidecarResourcesReachTheOperatorAsTheResolversDefaults() {
    Map<String, JsonNode> defaults = env(operatorContainer(render(ValuesSet.DEFAULTS)));
    assertThat(defaults.get("OUTRIGGER_SIDECAR_RESOURCES_CPU_REQUEST").path("value").asText())
        .isEqualTo(io.outrigger.config.Defaults.SIDECAR_CPU_REQUEST);
    assertThat(defaults.get("OUTRIGGER_SIDECAR_RESOURCES_MEMORY_REQUEST").path("value").asText())
        .isEqualTo(io.outrigger.config.Defaults.SIDECAR_MEMORY_REQUEST);
    assertThat(defaults.get("OUTRIGGER_SIDECAR_RESOURCES_MEMORY_LIMIT").path("value").asText())
        .isEqualTo(io.outrigger.config.Defaults.SIDECAR_MEMORY_LIMIT);
    assertThat(defaults).doesNotContainKey("OUTRIGGER_SIDECAR_RESOURCES_CPU_LIMIT");

    Map<String, JsonNode> habits =
        env(operatorContainer(render(ValuesSet.named("platform-habits"))));
    assertThat(habits.get("OUTRIGGER_SIDECAR_RESOURCES_CPU_REQUEST").path("value").asText())
        .isEqualTo("100m");
    assertThat(habits.get("OUTRIGGER_SIDECAR_RESOURCES_CPU_LIMIT").path("value").asText())
        .isEqualTo("1");
    assertThat(habits.get("OUTRIGGER_SIDECAR_RESOURCES_MEMORY_LIMIT").path("value").asText())
        .isEqualTo("320Mi");
  }

  @Test
  void theCrdIsATemplateKeptOnUninstallAndLeftOutWhenAsked() throws Exception {
    GenericKubernetesResource crd =
        one(
            render(ValuesSet.DEFAULTS),
            "CustomResourceDefinition",
            "observabilitypolicies.outrigger.io");
    JsonNode generated = ChartRender.YAML.readTree(Repo.crd().toFile());

    // Helm's fromYaml/toYaml reads every number as a float (1.0 becomes 1, 1000000.0 1e+06):
    // the same JSON numbers to the API server, so they are compared as numbers.
    assertThat(numbersAsDecimals(tree(crd).path("spec")))
        .as("the rendered CRD is the generated one")
        .isEqualTo(numbersAsDecimals(generated.path("spec")));
    assertThat(crd.getMetadata().getAnnotations()).containsEntry("helm.sh/resource-policy", "keep");
    assertThat(labels(crd)).containsEntry("app.kubernetes.io/part-of", "outrigger");
    assertThat(
            one(render("crds: {keep: false}"), "CustomResourceDefinition", null)
                .getMetadata()
                .getAnnotations())
        .isNullOrEmpty();
    assertThat(all(render(ValuesSet.named("platform-habits")), "CustomResourceDefinition"))
        .isEmpty();
  }

  @Test
  void theHelmTestPodAsksTheWebhookWithTheOperatorImageAndTheWebhooksCa() throws Exception {
    GenericKubernetesResource test =
        one(
            ChartRender.testHooks("outrigger", "outrigger-system", ValuesSet.DEFAULTS),
            "Pod",
            "outrigger-test-webhook");
    JsonNode pod = tree(test);

    assertThat(
            java.nio.file.Files.readString(
                Repo.chart().resolve("templates/tests/webhook-answers.yaml")))
        .contains("helm.sh/hook: test");
    assertThat(all(render(ValuesSet.DEFAULTS), "Pod"))
        .as("a hook, not part of the release's manifest")
        .isEmpty();
    assertThat(pod.at("/spec/containers/0/image").asText())
        .as("an image the project builds")
        .isEqualTo("ghcr.io/outrigger/operator:0.1.0");
    assertThat(texts(pod.at("/spec/containers/0/command")))
        .contains("io.outrigger.operator.check.WebhookCheck");
    assertThat(texts(pod.at("/spec/containers/0/args")))
        .containsExactly(
            "https://outrigger-webhook.outrigger-system.svc:443/mutate",
            "/var/run/outrigger/ca/ca.crt",
            "outrigger-system");
    assertThat(pod.at("/spec/volumes/0/secret/secretName").asText())
        .isEqualTo("outrigger-webhook-tls");
    ValuesSet certManager = ValuesSet.named("cert-manager");
    assertThat(
            tree(one(
                    ChartRender.testHooks(
                        certManager.release(), certManager.namespace(), certManager),
                    "Pod",
                    null))
                .at("/spec/volumes/0/secret/secretName")
                .asText())
        .isEqualTo("outrigger-webhook-cert");
    assertThat(
            ChartRender.testHooks(
                "outrigger",
                "outrigger-system",
                ValuesSet.ofYaml("tests: {enabled: false}", "outrigger", "outrigger-system")))
        .isEmpty();
  }

  @Test
  void prometheusOperatorObjectsAreOffByDefaultAndNeedTheirCrdsOrAnExplicitAsk() {
    for (String kind : List.of("PodMonitor", "ServiceMonitor", "PrometheusRule")) {
      assertThat(all(render(ValuesSet.DEFAULTS), kind)).as(kind).isEmpty();
    }
    // Asked for, but helm template serves no monitoring.coreos.com/v1: not rendered.
    List<GenericKubernetesResource> asked =
        render(
            "prometheusOperator: {podMonitor: {enabled: true}, serviceMonitor: {enabled: true},"
                + " prometheusRule: {enabled: true}}");
    assertThat(asked).noneMatch(o -> o.getApiVersion().startsWith("monitoring.coreos.com"));
    List<GenericKubernetesResource> forced = render(ValuesSet.named("prometheus-operator"));
    assertThat(one(forced, "PodMonitor", null)).isNotNull();
    assertThat(one(forced, "ServiceMonitor", null)).isNotNull();
    assertThat(one(forced, "PrometheusRule", null)).isNotNull();
  }

  @Test
  void thePodMonitorSelectsInjectedPodsByTheWebhooksLabelAndPortName() {
    GenericKubernetesResource monitor =
        one(render(ValuesSet.named("prometheus-operator")), "PodMonitor", null);
    JsonNode spec = tree(monitor).path("spec");

    assertThat(labels(monitor)).containsEntry("release", "kube-prometheus-stack");
    assertThat(spec.at("/selector/matchLabels").path(io.outrigger.api.Names.INJECTED).asText())
        .isEqualTo("true");
    JsonNode endpoint = spec.at("/podMetricsEndpoints/0");
    assertThat(endpoint.path("port").asText()).isEqualTo(io.outrigger.config.Ports.TELEMETRY_NAME);
    assertThat(endpoint.path("path").asText()).isEqualTo("/metrics");
    assertThat(endpoint.path("honorLabels").asBoolean()).isTrue();
    assertThat(endpoint.at("/relabelings/0/replacement").asText()).isEqualTo("outrigger-sidecar");
    assertThat(spec.at("/namespaceSelector/any").asBoolean()).isTrue();

    JsonNode watched =
        tree(one(
                render(
                    "watchNamespaces: [shop]\nprometheusOperator: {skipCapabilityCheck: true,"
                        + " podMonitor: {enabled: true}}"),
                "PodMonitor",
                null))
            .path("spec");
    assertThat(texts(watched.at("/namespaceSelector/matchNames"))).containsExactly("shop");
  }

  @Test
  void theServiceMonitorScrapesTheOperatorThroughAMetricsServiceOfItsOwn() {
    List<GenericKubernetesResource> objects = render(ValuesSet.named("prometheus-operator"));
    GenericKubernetesResource service = one(objects, "Service", "outrigger-operator-metrics");
    JsonNode monitor = tree(one(objects, "ServiceMonitor", null)).path("spec");
    JsonNode deployment = tree(one(objects, "Deployment", null));

    assertThat(tree(service).at("/spec/selector"))
        .isEqualTo(deployment.at("/spec/selector/matchLabels"));
    assertThat(tree(service).at("/spec/ports/0/targetPort").asText()).isEqualTo("http");
    monitor
        .at("/selector/matchLabels")
        .fields()
        .forEachRemaining(
            e -> assertThat(labels(service)).containsEntry(e.getKey(), e.getValue().asText()));
    assertThat(monitor.at("/endpoints/0/path").asText()).isEqualTo("/q/metrics");
    assertThat(monitor.at("/endpoints/0/port").asText()).isEqualTo("http");
    assertThat(texts(monitor.at("/namespaceSelector/matchNames"))).containsExactly("monitoring");
  }

  @Test
  void theNotesNameNoRepositoryPathAndSayWhatWasNotRendered() {
    String notes =
        new com.marcnuri.helm.Helm(Repo.chart())
            .install()
            .withName("outrigger")
            .withNamespace("outrigger-system")
            .set("prometheusOperator.podMonitor.enabled", true)
            .clientOnly()
            .dryRun()
            .call()
            .getOutput();

    assertThat(notes).contains("kubectl -n outrigger-system rollout status");
    assertThat(notes).doesNotContainPattern("\\b(examples|docs|helm|hack)/");
    assertThat(notes)
        .contains("PodMonitor NOT rendered")
        .doesNotContain("ServiceMonitor NOT rendered");
  }

  private static JsonNode numbersAsDecimals(JsonNode node) {
    if (node.isNumber()) {
      return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.numberNode(
          new java.math.BigDecimal(node.asText()).stripTrailingZeros());
    }
    if (node.isObject()) {
      com.fasterxml.jackson.databind.node.ObjectNode copy = ChartRender.YAML.createObjectNode();
      node.fields().forEachRemaining(e -> copy.set(e.getKey(), numbersAsDecimals(e.getValue())));
      return copy;
    }
    if (node.isArray()) {
      com.fasterxml.jackson.databind.node.ArrayNode copy = ChartRender.YAML.createArrayNode();
      node.forEach(e -> copy.add(numbersAsDecimals(e)));
      return copy;
    }
    return node;
  }

  private static List<String> texts(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
  }
}
