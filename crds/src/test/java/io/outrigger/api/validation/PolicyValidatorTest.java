package io.outrigger.api.validation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.outrigger.api.v1alpha1.spec.ObservabilityPolicySpec;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PolicyValidatorTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  record Expected(String field, String message) {}

  record Case(String name, ObservabilityPolicySpec spec, List<Expected> violations) {}

  static Stream<Arguments> invalid() throws IOException {
    return cases("invalid.yaml").stream().map(c -> Arguments.of(c.name(), c));
  }

  static Stream<Arguments> valid() throws IOException {
    return cases("valid.yaml").stream().map(c -> Arguments.of(c.name(), c));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalid")
  void reportsEveryViolationAndNothingElse(String name, Case c) {
    List<Violation> actual = PolicyValidator.validate(c.spec());
    List<Violation> unmatched = new ArrayList<>(actual);
    for (Expected expected : c.violations()) {
      Violation match =
          unmatched.stream()
              .filter(
                  v ->
                      v.field().equals(expected.field())
                          && v.message().contains(expected.message()))
              .findFirst()
              .orElse(null);
      assertThat(match).as("expected %s among %s", expected, actual).isNotNull();
      unmatched.remove(match);
    }
    assertThat(unmatched).as("unexpected violations").isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valid")
  void acceptsValidPolicies(String name, Case c) {
    assertThat(PolicyValidator.validate(c.spec())).isEmpty();
  }

  @Test
  void thereAreAtLeastTwentyNamedInvalidCases() throws IOException {
    assertThat(cases("invalid.yaml"))
        .hasSizeGreaterThanOrEqualTo(20)
        .extracting(Case::name)
        .doesNotHaveDuplicates();
  }

  @Test
  void aMissingSpecIsAViolationNotACrash() {
    assertThat(PolicyValidator.validate(null))
        .containsExactly(
            new Violation("spec", "a policy needs a spec (it may be empty: spec: {})"));
  }

  @Test
  void describeJoinsFieldAndMessage() {
    assertThat(
            PolicyValidator.describe(
                List.of(new Violation("spec.a", "one"), new Violation("spec.b", "two"))))
        .isEqualTo("spec.a: one; spec.b: two");
  }

  private static List<Case> cases(String file) throws IOException {
    try (InputStream in = PolicyValidatorTest.class.getResourceAsStream("/validation/" + file)) {
      List<Case> cases = YAML.readValue(in, new TypeReference<List<Case>>() {});
      return cases.stream()
          .map(
              c ->
                  new Case(c.name(), c.spec(), c.violations() == null ? List.of() : c.violations()))
          .toList();
    }
  }
}
