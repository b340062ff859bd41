package io.outrigger.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.outrigger.api.Names;
import io.outrigger.testing.RealKubeApiServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The chart's cert-manager mode with the operator's side real: the packaged operator runs with the
 * rendered environment ({@code OUTRIGGER_CERTIFICATES_MODE=cert-manager}) and the chart's RBAC for
 * that mode, which grants nothing on Secrets or webhook configurations. It serves the mounted pair
 * (here made by keytool, as cert-manager's self-signed Issuer would), the CA is put into the
 * rendered webhook configuration as cert-manager's injector would, and a demo-app pod is stored
 * injected.
 */
class ChartCertManagerIT {
  private static final ValuesSet SET = ValuesSet.named("cert-manager");
  private static final String APP_NAMESPACE = "demo-certs";

  private static KubernetesClient client;
  private static OperatorProcess operator;
  private static String webhookName;

  @BeforeAll
  static void install() throws Exception {
    client = RealKubeApiServer.client();
    Cluster.applyChartCrd(client);
    List<GenericKubernetesResource> rendered = ChartInstall.install(client, SET, o -> false);
    JsonNode deployment = ChartRender.tree(ChartRender.one(rendered, "Deployment", null));
    String[] ca = new String[1];
    operator =
        OperatorProcess.start(
            client,
            SET,
            deployment,
            deployment.at("/spec/template/spec/serviceAccountName").asText(),
            tls ->
                ca[0] =
                    SelfSignedPair.write(
                        tls, SET.fullname() + "-webhook." + SET.namespace() + ".svc"));

    MutatingWebhookConfiguration webhook =
        Serialization.unmarshal(
            Serialization.asJson(ChartRender.one(rendered, "MutatingWebhookConfiguration", null)),
            MutatingWebhookConfiguration.class);
    webhookName = webhook.getMetadata().getName();
    assertThat(webhook.getMetadata().getAnnotations())
        .containsKey("cert-manager.io/inject-ca-from");
    webhook
        .getWebhooks()
        .forEach(
            w -> {
              w.getClientConfig().setService(null);
              w.getClientConfig().setUrl("https://127.0.0.1:" + operator.httpsPort + "/mutate");
              // What cert-manager's CA injector writes.
              w.getClientConfig()
                  .setCaBundle(
                      Base64.getEncoder().encodeToString(ca[0].getBytes(StandardCharsets.UTF_8)));
              // The chart's default is Ignore; here a skipped webhook must not pass.
              w.setFailurePolicy("Fail");
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
  void theOperatorServesTheMountedCertificateWithoutRightsOnSecretsOrWebhooks() throws Exception {
    for (GenericKubernetesResource object :
        Examples.objects(Repo.examples().resolve("policy-metrics.yaml"))) {
      client.resource(object).inNamespace(APP_NAMESPACE).createOr(existing -> existing.update());
    }
    Awaitility.await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(250))
        .ignoreExceptions()
        .until(
            () -> {
              if (!operator.process.isAlive()) {
                throw new AssertionError("the operator exited:\n" + operator.log());
              }
              return Examples.policyReady(client, APP_NAMESPACE, "demo-metrics");
            });

    Pod pod = Examples.demoAppPod("demo-app-certs", APP_NAMESPACE);
    Pod stored = client.resource(pod).create();

    assertThat(stored.getMetadata().getLabels()).containsEntry(Names.INJECTED, "true");
    assertThat(stored.getMetadata().getAnnotations().get(Names.STATUS))
        .contains("\"policy\":\"demo-metrics\"");
    assertThat(
            client.secrets().inNamespace(SET.namespace()).withName("outrigger-webhook-tls").get())
        .as("the operator issues nothing in cert-manager mode")
        .isNull();
    assertThat(operator.log())
        .doesNotContain("is forbidden")
        .doesNotContain("Code: 403")
        .contains("certificates left to cert-manager");
  }
}
