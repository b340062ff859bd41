package io.outrigger.sidecar.metrics.exposition;

import static org.assertj.core.api.Assertions.assertThat;

import io.outrigger.sidecar.metrics.exposition.ExpositionParser.Format;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Sample values read by the in-place number scanner give what Double.parseDouble gives. */
class SampleValueTest {

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "0",
        "7",
        "-7",
        "+7",
        "-0",
        "007",
        "1.5",
        "-1.5",
        ".5",
        "5.",
        "1e3",
        "1E-3",
        "-2.5e+10",
        "999999999999999",
        "1234567890123456789",
        "123456789012345678901234567890",
        "0.1"
      })
  void decimalNumbersReadAsTheJdkReadsThem(String text) throws Exception {
    double parsed = valueOf(text);
    assertThat(Double.doubleToRawLongBits(parsed))
        .as(text)
        .isEqualTo(Double.doubleToRawLongBits(Double.parseDouble(text)));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"1e", "e3", "1.2.3", "--1", "+", ".", "1_000", "0x10", "1e+", "١٢"})
  void malformedNumbersAreRefused(String text) {
    assertThat(Numbers.isDecimal(text, 0, text.length())).as(text).isFalse();
  }

  private static double valueOf(String text) throws ExpositionException {
    byte[] body = ("a " + text + "\n").getBytes(StandardCharsets.UTF_8);
    return ExpositionParser.parse(body, Format.PROMETHEUS_TEXT, new ExpositionParser.Limits(10, 10))
        .families()
        .get(0)
        .samples()
        .get(0)
        .value();
  }
}
