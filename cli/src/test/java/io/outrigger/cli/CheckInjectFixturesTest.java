package io.outrigger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.outrigger.webhook.InjectionFixtures;
import io.outrigger.webhook.InjectionStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 22 item 3: {@code check-inject} decides every webhook fixture as the webhook did: the
 * fixture's {@code expected.yaml} (the webhook's output, reviewed by a person) has the sidecar
 * added exactly when check-inject says "injected", from the policy it names.
 */
class CheckInjectFixturesTest {

  static Stream<InjectionFixtures> cases() throws IOException {
    return InjectionFixtures.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void decidesAsTheWebhook(InjectionFixtures c) throws IOException {
    Pod expected =
        Serialization.unmarshal(Files.readString(c.dir().resolve("expected.yaml")), Pod.class);
    boolean webhookAdded = !ConfigCommand.hasSidecar(c.pod()) && ConfigCommand.hasSidecar(expected);
    Optional<String> webhookPolicy =
        webhookAdded ? InjectionStatus.of(expected).map(InjectionStatus::policy) : Optional.empty();

    InjectionCheck.Verdict verdict =
        InjectionCheck.check(
            new InjectionCheck.Input(
                c.pod(),
                c.namespace(),
                c.namespaceLabels(),
                null,
                null,
                c.policies(),
                Map.of(),
                c.facts()));

    assertThat(verdict.injected()).as(verdict.decision()).isEqualTo(webhookAdded);
    assertThat(verdict.policy()).isEqualTo(webhookPolicy);
    c.reason().ifPresent(reason -> assertThat(verdict.decision()).contains(reason));
    assertThat(verdict.details())
        .as("one line per policy of the namespace")
        .filteredOn(line -> line.startsWith("policy "))
        .hasSize(c.policies().size());
  }
}
