package io.outrigger.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Which policy names can be the {@code outrigger.io/policy} label's value (Kubernetes API
 * conventions: 63 characters at most, alphanumeric at both ends, '-', '_' and '.' inside). A policy
 * name is a DNS subdomain of up to 253 characters, so some cannot; the fixtures show the label on
 * every injected pod.
 */
class PolicyLabelTest {
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "checkout, true",
    "web.v2, true",
    "a, true",
    "'', true",
    "-leading, false",
    "trailing., false",
    "012345678901234567890123456789012345678901234567890123456789012, true",
    "0123456789012345678901234567890123456789012345678901234567890123, false"
  })
  void aPolicyNameIsALabelValueWhenTheConventionsAllowIt(String name, boolean allowed) {
    assertThat(SidecarInjector.isLabelValue(name)).isEqualTo(allowed);
  }
}
