package io.outrigger.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.outrigger.api.Names;
import io.outrigger.testing.RealKubeApiServer;
import io.outrigger.webhook.InjectedNames;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The chart end to end on the real API server, minus the container runtime: the rendered objects
 * are stored, the packaged operator runs as a process with the rendered Deployment's environment
 * and the chart's service account (so its RBAC is the chart's), and the rendered
 * MutatingWebhookConfiguration is registered with a loopback URL in place of the Service (nothing
 * else changed; {@code failurePolicy: Fail}, so a skipped webhook cannot pass). The operator must
 * find that configuration by the name the chart gave it and patch its certificate's CA in; then a
 * pod of the demo app from {@code examples/} is created through the API server and stored injected.
 */
class ChartWebhookIT {
  private static final ValuesSet SET = ValuesSet.named("fail-closed-labelled-pods-only");
  private static final String APP_NAMESPACE = "demo";
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static KubernetesClient client;
  private static OperatorProcess operator;
  private static List<GenericKubernetesResource> rendered;
  private static String webhookName;

  @BeforeAll
  static void install() throws Exception {
    client = RealKubeApiServer.client();
    Cluster.applyChartCrd(client);
    rendered = ChartInstall.install(client, SET, o -> false);
    JsonNode deployment = ChartRender.tree(ChartRender.one(rendered, "Deployment", null));
    String serviceAccount = deployment.at("/spec/template/spec/serviceAccountName").asText();
    operator = OperatorProcess.start(client, SET, deployment, serviceAccount);

    MutatingWebhookConfiguration webhook =
        Serialization.unmarshal(
            Serialization.asJson(ChartRender.one(rendered, "MutatingWebhookConfiguration", null)),
            MutatingWebhookConfiguration.class);
    webhookName = webhook.getMetadata().getName();
    webhook
        .getWebhooks()
        .forEach(
            w -> {
              w.getClientConfig().setService(null);
              w.getClientConfig().setUrl("https://127.0.0.1:" + operator.httpsPort + "/mutate");
            });
    client.resource(webhook).create();
    Cluster.namespace(client, APP_NAMESPACE);
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (operator != null) {
        operator.close();
      }
    } finally {
      // A registered webhook outlives the test otherwise, and would be called for later pods.
      client
          .admissionRegistration()
          .v1()
          .mutatingWebhookConfigurations()
          .withName(webhookName)
          .delete();
      client.close();
    }
  }

  @Test
  void theRenderedWebhookWithTheOperatorsCertificateInjectsTheDemoApp() throws Exception {
    JsonNode container =
        ChartRender.tree(ChartRender.one(rendered, "Deployment", null))
            .at("/spec/template/spec/containers/0");

    // The rendered probes answer on the operator's HTTP port.
    for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
      String path = container.at("/" + probe + "/httpGet/path").asText();
      await(operator)
          .untilAsserted(
              () -> assertThat(get(path).statusCode()).as(probe + " " + path).isEqualTo(200));
    }

    // The operator found the configuration by the chart's name (not its own default) and its
    // service account was allowed to patch the CA bundle in.
    assertThat(webhookName).isEqualTo(SET.fullname()).isNotEqualTo("outrigger");
    await(operator)
        .until(
            () -> {
              MutatingWebhookConfiguration stored =
                  client
                      .admissionRegistration()
                      .v1()
                      .mutatingWebhookConfigurations()
                      .withName(webhookName)
                      .get();
              String bundle = stored.getWebhooks().get(0).getClientConfig().getCaBundle();
              return bundle != null && !bundle.isEmpty();
            });
    // What `helm test` runs (the rendered test pod's command, on the operator's own classpath),
    // against this operator with its CA: the webhook answers an AdmissionReview over verified TLS.
    JsonNode testPod =
        ChartRender.tree(
            ChartRender.one(
                ChartRender.testHooks(SET.release(), SET.namespace(), SET), "Pod", null));
    List<String> args = new java.util.ArrayList<>();
    testPod.at("/spec/containers/0/args").forEach(a -> args.add(a.asText()));
    assertThat(args.get(0))
        .isEqualTo("https://" + SET.fullname() + "-webhook." + SET.namespace() + ".svc:443/mutate");
    assertThat(
            runWebhookCheck(
                testPod,
                "https://127.0.0.1:" + operator.httpsPort + "/mutate",
                operator.certificateDir.resolve("ca.crt").toString(),
                args.get(2)))
        .contains("webhook check passed");
    // The check can fail: a CA that did not sign the webhook's certificate is refused.
    java.nio.file.Path other = java.nio.file.Files.createTempDirectory("other-ca");
    SelfSignedPair.write(other, "other.example");
    assertThat(
            runWebhookCheck(
                testPod,
                "https://127.0.0.1:" + operator.httpsPort + "/mutate",
                other.resolve("ca.crt").toString(),
                args.get(2)))
        .contains("webhook check failed");

    // The Lease is held under the pod's name.
    await(operator)
        .untilAsserted(
            () ->
                assertThat(
                        client
                            .resources(Lease.class)
                            .inNamespace(SET.namespace())
                            .withName("outrigger-operator-leader")
                            .get())
                    .extracting(l -> l.getSpec().getHolderIdentity())
                    .isEqualTo(operator.podName));

    // A policy from examples/, reconciled with the chart's RBAC.
    for (GenericKubernetesResource object :
        Examples.objects(Repo.examples().resolve("policy-full-tracing.yaml"))) {
      client.resource(object).inNamespace(APP_NAMESPACE).createOr(existing -> existing.update());
    }
    await(operator).until(() -> Examples.policyReady(client, APP_NAMESPACE, "demo-full"));

    // A pod of the demo app's Deployment, created through the API server.
    Pod pod = Examples.demoAppPod("demo-app-1", APP_NAMESPACE);
    Pod stored = client.resource(pod).create();

    assertThat(stored.getMetadata().getLabels()).containsEntry(Names.INJECTED, "true");
    assertThat(stored.getMetadata().getAnnotations().get(Names.STATUS))
        .contains("\"policy\":\"demo-full\"");
    assertThat(stored.getSpec().getContainers())
        .anySatisfy(
            c -> {
              assertThat(c.getName()).isEqualTo(InjectedNames.SIDECAR_CONTAINER);
              assertThat(c.getImage()).isEqualTo(operator.env.get("OUTRIGGER_SIDECAR_IMAGE"));
            });
    assertThat(stored.getSpec().getInitContainers())
        .anySatisfy(c -> assertThat(c.getName()).isEqualTo("outrigger-init"));
    assertThat(stored.getMetadata().getAnnotations())
        .containsEntry("prometheus.io/port", "15020")
        .containsEntry(InjectedNames.originalPrometheusAnnotation("port"), "8080");

    // Nothing the operator tried was refused by the chart's RBAC.
    // (The API server's words for an RBAC refusal; the DEBUG log of this values set is verbose.)
    assertThat(operator.log())
        .doesNotContain("is forbidden")
        .doesNotContain("Code: 403")
        .contains("serving admission on https://");
  }

  /**
   * The test pod's command as the image runs it, with the operator image's layout replaced by the
   * packaged operator's ({@code /deployments} is {@code operator/target/quarkus-app}).
   */
  private static String runWebhookCheck(JsonNode testPod, String url, String ca, String namespace)
      throws Exception {
    List<String> command = new java.util.ArrayList<>();
    testPod.at("/spec/containers/0/command").forEach(c -> command.add(c.asText()));
    command.set(
        0, java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString());
    String app = Repo.root().resolve("operator/target/quarkus-app").toString();
    command.set(2, command.get(2).replace("/deployments", app));
    command.addAll(List.of(url, ca, namespace));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output =
        new String(
            process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    process.waitFor();
    return "exit " + process.exitValue() + ": " + output;
  }

  private static org.awaitility.core.ConditionFactory await(OperatorProcess operator) {
    return org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(250))
        .ignoreExceptions()
        .conditionEvaluationListener(
            condition -> {
              if (!operator.process.isAlive()) {
                throw new AssertionError("the operator exited: " + tail(operator));
              }
            });
  }

  private static String tail(OperatorProcess operator) {
    try {
      String log = operator.log();
      return log.substring(Math.max(0, log.length() - 4000));
    } catch (java.io.IOException e) {
      return e.toString();
    }
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + operator.httpPort + path))
            .timeout(Duration.ofSeconds(5))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
