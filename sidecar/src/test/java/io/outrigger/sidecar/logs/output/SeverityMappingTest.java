package io.outrigger.sidecar.logs.output;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.logs.Severity;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SeverityMappingTest {
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "TRACE, TRACE",
    "debug, DEBUG",
    "Info, INFO",
    "notice, INFO",
    "WARNING, WARN",
    "warn, WARN",
    "err, ERROR",
    "SEVERE, ERROR",
    "critical, FATAL",
    "panic, FATAL",
    "' info ', INFO",
    "verbose, UNDEFINED_SEVERITY_NUMBER",
    "'', UNDEFINED_SEVERITY_NUMBER"
  })
  void commonLevelNamesMapToTheDataModelsNumbers(String level, Severity expected) {
    assertThat(SeverityMapping.of(level)).isEqualTo(expected);
  }
}
