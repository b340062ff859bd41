package io.outrigger.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HostPatternTest {

  @ParameterizedTest(name = "{0} matches {1}: {2}")
  @CsvSource({
    "api.example.com, api.example.com, true",
    "api.example.com, API.Example.com., true",
    "api.example.com, evil.example.com, false",
    "api.example.com, api.example.com.evil.net, false",
    "*.example.com, api.example.com, true",
    "*.example.com, a.b.example.com, true",
    "*.example.com, example.com, false",
    "*.example.com, badexample.com, false",
    "10.0.0.5, 10.0.0.5, true",
    "10.0.0.5, 10.0.0.50, false",
    "fd00::5, FD00::5, true",
  })
  void matches(String pattern, String host, boolean matches) {
    assertThat(HostPattern.matches(pattern, host)).isEqualTo(matches);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "*",
    "*.",
    "''",
    "https://api.example.com",
    "api.example.com:443",
    "api.example.com/v1",
    "a*.example.com",
    "*.*.example.com",
    "exa mple.com",
    "fd00:::5:::",
    "*.fd00::5",
  })
  void refuses(String pattern) {
    assertThat(HostPattern.problem(pattern)).isPresent();
    assertThat(HostPattern.matches(pattern, "api.example.com")).isFalse();
  }

  @Test
  void theMessageSaysWhatIsAccepted() {
    assertThat(HostPattern.problem("*"))
        .contains(
            "'*' is not a host (api.example.com, 10.0.0.5, fd00::5) or a domain wildcard"
                + " (*.example.com); give no scheme, port or path");
  }
}
