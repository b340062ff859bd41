package io.outrigger.webhook.admission;

import static io.outrigger.webhook.admission.AdmissionHandlerTest.POD;
import static io.outrigger.webhook.admission.AdmissionHandlerTest.review;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.outrigger.webhook.InjectionFixtures;
import io.outrigger.webhook.PodJson;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The one-pass reader takes the reviews the API server sends and gives up on anything else, so that
 * the tree path answers those with its messages; both read the same fields.
 */
class PodReviewTest {

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aReviewAsTheApiServerSendsItIsReadInOnePassWithThePod() throws Exception {
    String body = review(POD, ", \"dryRun\": true, \"userInfo\": {\"groups\": [\"a\"]}");
    PodReview fast = PodReview.read(bytes(body));
    assertThat(fast).isNotNull();
    assertThat(fast.parsedPod()).as("the pod comes straight from the bytes").isNotNull();
    assertThat(fast.pod().getSpec().getContainers()).hasSize(1);

    PodReview tree = PodReview.of(new ObjectMapper().readTree(body).get("request"));
    assertThat(fast.uid()).isEqualTo(tree.uid()).isEqualTo("705ab4f5-6393-11e8-b7cc-42010a800002");
    assertThat(fast.dryRun()).isEqualTo(tree.dryRun()).isTrue();
    assertThat(fast.group()).isEqualTo(tree.group()).isEmpty();
    assertThat(fast.kind()).isEqualTo(tree.kind()).isEqualTo("Pod");
    assertThat(fast.operation()).isEqualTo(tree.operation()).isEqualTo("CREATE");
    assertThat(fast.namespace()).isEqualTo(tree.namespace()).isEqualTo("shop");
    assertThat(fast.pod()).isEqualTo(tree.pod());
  }

  @ParameterizedTest
  @MethodSource("io.outrigger.webhook.InjectionFixtures#all")
  void everyFixturePodTakesTheFastPath(InjectionFixtures fixture) {
    String body = review(PodJson.write(fixture.pod()), "");
    PodReview fast = PodReview.read(bytes(body));
    assertThat(fast).as(fixture.toString()).isNotNull();
    assertThat(fast.pod()).isEqualTo(fixture.pod());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "not json",
        "[]",
        "{\"apiVersion\": \"admission.k8s.io/v1\", \"kind\": \"AdmissionReview\"}",
        "{\"apiVersion\": \"admission.k8s.io/v1beta1\", \"kind\": \"AdmissionReview\","
            + " \"request\": {\"uid\": \"u\"}}",
        "{\"apiVersion\": \"admission.k8s.io/v1\", \"kind\": \"AdmissionReview\","
            + " \"request\": {\"uid\": 7}}",
        "{\"apiVersion\": \"admission.k8s.io/v1\", \"kind\": \"AdmissionReview\","
            + " \"request\": {\"uid\": \"\"}}",
        "{\"apiVersion\": \"admission.k8s.io/v1\", \"kind\": \"AdmissionReview\","
            + " \"request\": {\"uid\": \"u\", \"dryRun\": \"yes\"}}",
        "{\"apiVersion\": \"admission.k8s.io/v1\", \"kind\": \"AdmissionReview\","
            + " \"request\": {\"uid\": \"u\", \"object\": []}}",
        "{\"apiVersion\": \"admission.k8s.io/v1\", \"kind\": \"AdmissionReview\","
            + " \"request\": {\"uid\": \"u\", \"object\": {\"spec\": {\"containers\": 5}}}}",
        "{\"apiVersion\": \"admission.k8s.io/v1\", \"kind\": \"AdmissionReview\","
            + " \"request\": {\"uid\": \"u\"}} trailing",
        "{\"apiVersion\": \"admission.k8s.io/v1\", \"kind\": \"AdmissionReview\","
            + " \"request\": {\"uid\": \"u\"",
      })
  void anythingUnusualIsLeftToTheTreePath(String body) {
    assertThat(PodReview.read(bytes(body))).isNull();
  }

  @Test
  void aRequestWithoutAnObjectIsReadAndFailsWhenThePodIsAskedFor() {
    PodReview fast =
        PodReview.read(
            bytes(
                "{\"apiVersion\": \"admission.k8s.io/v1\", \"kind\": \"AdmissionReview\","
                    + " \"request\": {\"uid\": \"u\", \"operation\": \"CREATE\"}}"));
    assertThat(fast).isNotNull();
    org.assertj.core.api.Assertions.assertThatThrownBy(fast::pod)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("request has no object");
  }
}
