package io.outrigger.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationTextTest {

  @ParameterizedTest(name = "{0} is {1} ms and formats as {2}")
  @CsvSource({
    "500ms, 500, 500ms",
    "30s, 30000, 30s",
    "1m30s, 90000, 1m30s",
    "90s, 90000, 1m30s",
    "2h, 7200000, 2h",
    "1.5s, 1500, 1.5s",
    "0s, 0, 0s",
    "1h0m1s, 3601000, 1h1s",
    "0.25ms, 0, 0.25ms"
  })
  void parsesAndFormats(String text, long millis, String canonical) {
    Duration parsed = DurationText.parse(text);
    assertThat(parsed.toMillis()).isEqualTo(millis);
    assertThat(DurationText.format(parsed)).isEqualTo(canonical);
    assertThat(DurationText.parse(DurationText.format(parsed))).isEqualTo(parsed);
  }

  @ParameterizedTest(name = "rejects \"{0}\"")
  @ValueSource(strings = {"", "10", "10 s", "ten seconds", "-5s", "5d", "1.s", "s"})
  void rejectsWhatTheSchemaRejects(String text) {
    assertThatThrownBy(() -> DurationText.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a duration")
        .hasMessageContaining("e.g. 500ms, 30s, 1m30s");
  }
}
