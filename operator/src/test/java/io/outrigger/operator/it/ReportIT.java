package io.outrigger.operator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.outrigger.api.v1alpha1.ObservabilityPolicy;
import io.outrigger.api.v1alpha1.spec.ObservabilityPolicySpec;
import io.outrigger.api.v1alpha1.status.ObservabilityPolicyStatus;
import io.outrigger.operator.OperatorNames;
import io.outrigger.operator.OutriggerOperator;
import io.outrigger.operator.certs.TlsMaterial;
import io.outrigger.operator.http.OperatorHttpsServer;
import io.outrigger.operator.status.PolicyStatusBuilder;
import io.outrigger.testing.RealKubeApiServer;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Sidecar reports over HTTPS into a policy's status, authenticated by the real API server's
 * TokenReview with tokens from its TokenRequest API.
 */
class ReportIT {
  private static final String NS = "op-reports";
  private static final String OTHER_NS = "op-reports-other";
  private static final Duration WAIT = Duration.ofSeconds(30);

  private static KubernetesClient client;
  private static OutriggerOperator operator;
  private static OperatorHttpsServer server;
  private static Https https;
  private static Pod pod;
  private static Pod otherNamespacePod;

  @BeforeAll
  static void start() throws Exception {
    client = RealKubeApiServer.client();
    ApiServer.applyCrd(client);
    ApiServer.namespace(client, NS);
    ApiServer.namespace(client, OTHER_NS);
    operator = ApiServer.operator(client, Set.of(NS, OTHER_NS), Optional.empty());

    Path dir = Files.createTempDirectory("outrigger-report-it");
    TlsMaterial tls = ApiServer.loopbackTls(dir, "localhost");
    server =
        ApiServer.https(
            operator, dir.resolve("tls.crt"), dir.resolve("tls.key"), Optional.empty(), 4);
    https = new Https(tls.caBundle());

    ObservabilityPolicySpec spec = new ObservabilityPolicySpec();
    spec.setSelector(new LabelSelectorBuilder().addToMatchLabels("app", "web").build());
    client.resource(ApiServer.policy(NS, "web", spec)).create();
    await().atMost(WAIT).until(() -> status() != null && status().getConfigHash() != null);
    Tokens.serviceAccount(client, NS, "web");
    Tokens.serviceAccount(client, OTHER_NS, "web");
    Pod injected =
        ApiServer.injected(
            NS, "web-1", Map.of("app", "web"), "web", status().getConfigHash(), ApiServer.VERSION);
    injected.getSpec().setServiceAccountName("web");
    pod = client.resource(injected).create();
    Pod elsewhere =
        ApiServer.injected(OTHER_NS, "web-1", Map.of("app", "web"), "web", "h", ApiServer.VERSION);
    elsewhere.getSpec().setServiceAccountName("web");
    otherNamespacePod = client.resource(elsewhere).create();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
    if (operator != null) {
      operator.close();
    }
    if (client != null) {
      client.close();
    }
  }

  private static ObservabilityPolicyStatus status() {
    ObservabilityPolicy policy =
        client.resources(ObservabilityPolicy.class).inNamespace(NS).withName("web").get();
    return policy == null ? null : policy.getStatus();
  }

  private static String report(String namespace, String podName, String error) {
    return """
        {"namespace": "%s", "pod": "%s", "policy": "web", "configHash": "h",
         "sidecarVersion": "%s",
         "components": {"proxy": "ready", "metrics": "degraded"},
         "errors": [{"component": "metrics", "message": "%s"}],
         "counters": {"requests": 12}, "futureField": true}
        """
        .formatted(namespace, podName, ApiServer.VERSION, error);
  }

  @Test
  void aReportWithAMintedTokenShowsItsErrorsInThePolicyStatus() throws Exception {
    String token = Tokens.mint(client, NS, "web", pod);
    HttpResponse<String> response =
        https.post(
            server.reportPort(),
            "/v1/reports",
            token,
            report(NS, "web-1", "scrape of :9100/metrics failed: connection refused"));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              ObservabilityPolicyStatus status = status();
              assertThat(status.getSidecarErrors()).hasSize(1);
              assertThat(status.getSidecarErrors().get(0).getComponent()).isEqualTo("metrics");
              assertThat(status.getSidecarErrors().get(0).getMessage())
                  .isEqualTo("scrape of :9100/metrics failed: connection refused");
              assertThat(status.getSidecarErrors().get(0).getPods()).isEqualTo(1);
              assertThat(status.getLastReportTime()).isNotNull();
              assertThat(status.getInjectedPods()).isEqualTo(1);
            });
    assertThat(PolicyStatusBuilder.find(status(), OperatorNames.DEGRADED).orElseThrow().getReason())
        .isEqualTo(OperatorNames.REASON_SIDECAR_ERRORS);
  }

  @Test
  void noTokenATokenOfAnotherNamespaceOrPodAnExpiredTokenOrAnotherAudienceChangeNothing()
      throws Exception {
    int stored = operator.reports().size();
    String body = report(NS, "web-1", "must never show");

    assertThat(https.post(server.reportPort(), "/v1/reports", null, body).statusCode())
        .as("no token")
        .isEqualTo(401);

    String otherNamespace = Tokens.mint(client, OTHER_NS, "web", otherNamespacePod);
    HttpResponse<String> foreign =
        https.post(server.reportPort(), "/v1/reports", otherNamespace, body);
    assertThat(foreign.statusCode()).as(foreign.body()).isEqualTo(403);
    assertThat(foreign.body()).contains("namespace " + OTHER_NS);

    // Issue 19 item 8: a token of the namespace not bound to a pod could speak for any pod in it.
    String unbound = Tokens.mint(client, NS, "web", null);
    HttpResponse<String> notBound = https.post(server.reportPort(), "/v1/reports", unbound, body);
    assertThat(notBound.statusCode()).as(notBound.body()).isEqualTo(401);
    assertThat(notBound.body()).contains("bound to a pod");

    // ... and a pod could report for any policy of its namespace, not only its own.
    HttpResponse<String> otherPolicy =
        https.post(
            server.reportPort(),
            "/v1/reports",
            Tokens.mint(client, NS, "web", pod),
            body.replace("\"policy\": \"web\"", "\"policy\": \"db\""));
    assertThat(otherPolicy.statusCode()).as(otherPolicy.body()).isEqualTo(403);
    assertThat(otherPolicy.body()).contains("injected from policy web");

    String boundToWeb1 = Tokens.mint(client, NS, "web", pod);
    HttpResponse<String> otherPod =
        https.post(server.reportPort(), "/v1/reports", boundToWeb1, report(NS, "web-2", "x"));
    assertThat(otherPod.statusCode()).as(otherPod.body()).isEqualTo(403);

    String apiAudience = Tokens.mint(client, NS, "web", "https://kubernetes.default.svc", pod);
    assertThat(https.post(server.reportPort(), "/v1/reports", apiAudience, body).statusCode())
        .as("a token for another audience")
        .isEqualTo(401);

    // The re-signing is sound: the same token re-signed with a future expiry is accepted ...
    String fresh = Tokens.resigned(boundToWeb1, Instant.now().plus(Duration.ofMinutes(10)));
    HttpResponse<String> resignedOk =
        https.post(server.reportPort(), "/v1/reports", fresh, report(NS, "web-1", "re-signed"));
    assertThat(resignedOk.statusCode()).as(resignedOk.body()).isEqualTo(202);
    // ... and with a past one it is refused by the API server.
    String expired = Tokens.resigned(boundToWeb1, Instant.now().minus(Duration.ofMinutes(1)));
    assertThat(https.post(server.reportPort(), "/v1/reports", expired, body).statusCode())
        .as("an expired token")
        .isEqualTo(401);

    assertThat(operator.reports().size()).isLessThanOrEqualTo(Math.max(stored, 1));
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(6))
        .until(
            () ->
                status().getSidecarErrors() == null
                    || status().getSidecarErrors().stream()
                        .noneMatch(e -> e.getMessage().equals("must never show")));
  }
}
