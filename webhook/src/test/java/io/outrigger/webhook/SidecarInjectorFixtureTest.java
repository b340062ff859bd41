package io.outrigger.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.zjsonpatch.JsonPatch;
import io.outrigger.webhook.patch.JsonPatchDiff;
import java.io.IOException;
import java.nio.file.Files;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every case under {@code src/test/resources/inject/}: the pod admitted with its namespace,
 * policies and cluster facts must equal {@code expected.yaml}, admitting the result again must
 * change nothing, the input must be left untouched, and the JSON Patch from the pod to the result
 * must rebuild the result.
 *
 * <p>To rewrite every {@code expected.yaml} after a deliberate change, run {@code mvn test -pl
 * webhook -am -Dtest=SidecarInjectorFixtureTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Doutrigger.regenerate=true}, then review the diff before committing it: the point of these files
 * is that a person checked them.
 */
class SidecarInjectorFixtureTest {

  private static final boolean REGENERATE = Boolean.getBoolean("outrigger.regenerate");

  static Stream<InjectionFixtures> cases() throws IOException {
    return InjectionFixtures.all();
  }

  static PodAdmission admit(InjectionFixtures c, Pod pod) {
    return PodAdmission.admit(pod, c.namespace(), c.namespaceLabels(), c.policies(), c.facts());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void injectsAsExpected(InjectionFixtures c) throws IOException {
    String before = InjectionFixtures.yaml(c.pod());
    PodAdmission admission = admit(c, c.pod());
    String actual = InjectionFixtures.yaml(admission.pod());
    if (REGENERATE) {
      Files.writeString(c.expectedFile(), actual);
    }
    assertThat(Files.exists(c.expectedFile()))
        .as("%s has no expected.yaml; run with -Doutrigger.regenerate=true and review it", c)
        .isTrue();
    Pod expected = Serialization.unmarshal(Files.readString(c.expectedFile()), Pod.class);
    assertThat(actual).isEqualTo(InjectionFixtures.yaml(expected));
    c.reason().ifPresent(reason -> assertThat(admission.reason()).contains(reason));

    assertThat(InjectionFixtures.yaml(c.pod()))
        .as("the input pod is not modified")
        .isEqualTo(before);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void admittingTwiceEqualsAdmittingOnce(InjectionFixtures c) {
    Pod once = admit(c, c.pod()).pod();
    Pod twice = admit(c, once).pod();
    assertThat(InjectionFixtures.yaml(twice)).isEqualTo(InjectionFixtures.yaml(once));
    if (!c.policies().isEmpty()) {
      // The injector alone is idempotent too, whatever the decision would have said.
      Pod injected = SidecarInjector.inject(c.pod(), c.policies().get(0), c.facts());
      Pod again = SidecarInjector.inject(injected, c.policies().get(0), c.facts());
      assertThat(InjectionFixtures.yaml(again)).isEqualTo(InjectionFixtures.yaml(injected));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void thePatchTurnsThePodIntoTheInjectedPod(InjectionFixtures c) {
    JsonNode original = PodJson.toTree(c.pod());
    JsonNode injected = PodJson.toTree(admit(c, c.pod()).pod());
    JsonNode patch = JsonPatchDiff.diff(original, injected);
    assertThat(JsonPatch.apply(patch, original)).isEqualTo(injected);
    if (original.equals(injected)) {
      assertThat(patch).isEmpty();
    }
  }
}
