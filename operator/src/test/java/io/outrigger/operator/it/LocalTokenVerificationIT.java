package io.outrigger.operator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.outrigger.operator.OutriggerOperator;
import io.outrigger.operator.report.IssuerKeys;
import io.outrigger.operator.report.ReportIntake;
import io.outrigger.operator.report.ServiceAccountIssuerKeys;
import io.outrigger.testing.RealKubeApiServer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Sidecar tokens verified by the operator itself against the real API server's published issuer
 * keys: a TokenRequest-minted token bound to a pod the operator's informer holds is accepted
 * without a TokenReview; a token of a deleted pod goes to TokenReview (which refuses it). The API
 * server's own request counter tells whether a TokenReview happened.
 */
class LocalTokenVerificationIT {
  private static final String NS = "op-local-tokens";
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final ObjectMapper JSON = new ObjectMapper();

  private static KubernetesClient client;
  private static OutriggerOperator operator;

  @BeforeAll
  static void start() throws Exception {
    client = RealKubeApiServer.client();
    ApiServer.applyCrd(client);
    ApiServer.namespace(client, NS);
    Tokens.serviceAccount(client, NS, "web");
    operator = ApiServer.operator(client, Set.of(NS), Optional.empty());
  }

  @AfterAll
  static void stop() {
    if (operator != null) {
      operator.close();
    }
    if (client != null) {
      client.close();
    }
  }

  private static Pod createPod(String name) {
    Pod injected =
        ApiServer.injected(NS, name, Map.of("app", "web"), "web", "h", ApiServer.VERSION);
    injected.getSpec().setServiceAccountName("web");
    Pod created = client.resource(injected).create();
    await().atMost(WAIT).until(() -> operator.cachedPod(NS, name).isPresent());
    return created;
  }

  private static ReportIntake.Answer report(String token, String pod) {
    String body =
        """
        {"namespace": "%s", "pod": "%s", "policy": "web", "configHash": "h",
         "sidecarVersion": "%s", "components": {"proxy": "ready"}}
        """
            .formatted(NS, pod, ApiServer.VERSION);
    return operator.reportIntake().accept("Bearer " + token, body.getBytes(StandardCharsets.UTF_8));
  }

  /** TokenReviews the API server has served so far ({@code apiserver_request_total}). */
  private static double tokenReviews() {
    double sum = 0;
    for (String line : client.raw("/metrics").split("\n")) {
      if (line.startsWith("apiserver_request_total{")
          && line.contains("resource=\"tokenreviews\"")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf('}') + 1).strip());
      }
    }
    return sum;
  }

  @Test
  void theApiServerPublishesItsIssuerAndKeys() throws Exception {
    JsonNode discovery = JSON.readTree(client.raw("/.well-known/openid-configuration"));
    assertThat(discovery.path("issuer").asText()).isNotEmpty();
    JsonNode jwks = JSON.readTree(client.raw("/openid/v1/jwks"));
    assertThat(jwks.path("keys").size()).isPositive();

    try (ServiceAccountIssuerKeys keys =
        ServiceAccountIssuerKeys.start(
            client, Duration.ofMinutes(10), Duration.ofSeconds(30), Clock.systemUTC())) {
      IssuerKeys loaded = keys.current().orElseThrow();
      assertThat(loaded.issuer()).isEqualTo(discovery.path("issuer").asText());
      assertThat(loaded.keys().getKeys()).hasSize(jwks.path("keys").size());
    }
  }

  @Test
  void aMintedTokenBoundToACachedPodIsAcceptedWithoutATokenReview() {
    Pod pod = createPod("web-1");
    String token = Tokens.mint(client, NS, "web", pod);

    double before = tokenReviews();
    ReportIntake.Answer answer = report(token, "web-1");
    assertThat(answer.status()).as(answer.message()).isEqualTo(202);
    assertThat(tokenReviews() - before).as("TokenReviews for a locally verified token").isZero();
  }

  @Test
  void aTokenOfADeletedPodGoesToTokenReviewWhichRefusesIt() {
    Pod pod = createPod("web-2");
    String token = Tokens.mint(client, NS, "web", pod);
    client.resource(pod).withGracePeriod(0).delete();
    await().atMost(WAIT).until(() -> operator.cachedPod(NS, "web-2").isEmpty());

    double before = tokenReviews();
    ReportIntake.Answer answer = report(token, "web-2");
    assertThat(answer.status()).as(answer.message()).isEqualTo(401);
    assertThat(tokenReviews() - before).as("TokenReviews for a deleted pod's token").isEqualTo(1);
  }

  /** Issue 19 item 1: every refused token cost a TokenReview, garbage included. */
  @Test
  void tokensTokenReviewWouldRefuseAreRefusedWithoutOne() throws Exception {
    Pod pod = createPod("web-3");
    String bound = Tokens.mint(client, NS, "web", pod);
    List<String> refused =
        List.of(
            Tokens.mint(client, NS, "web", "https://kubernetes.default.svc", pod),
            Tokens.mint(client, NS, "web", null),
            Tokens.resigned(bound, Instant.now().minus(Duration.ofMinutes(1))),
            "garbage",
            bound.substring(0, bound.lastIndexOf('.') + 1) + "AAAA");

    double before = tokenReviews();
    for (String token : refused) {
      ReportIntake.Answer answer = report(token, "web-3");
      assertThat(answer.status()).as(answer.message()).isIn(401, 403);
    }
    assertThat(tokenReviews() - before).as("TokenReviews for refused tokens").isZero();
  }
}
