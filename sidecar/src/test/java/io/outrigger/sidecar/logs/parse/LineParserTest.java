package io.outrigger.sidecar.logs.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.outrigger.config.LogFormat;
import io.outrigger.config.SidecarConfig.ParserConfig;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LineParserTest {

  private static LineParser parser(
      LogFormat format, String pattern, String timeField, String timeFormat) {
    return LineParser.from(new ParserConfig(format, pattern, timeField, timeFormat, null));
  }

  @Test
  void jsonLineTakesMessageLevelAndTimeAndFlattensNestedObjects() {
    ParsedLine line =
        parser(LogFormat.JSON, null, "ts", null)
            .parse(
                "{\"ts\":\"2024-05-01T12:00:00.250Z\",\"level\":\"warn\",\"msg\":\"slow order\","
                    + "\"http\":{\"method\":\"GET\",\"status\":200},\"ms\":12.5,\"ok\":true,"
                    + "\"tags\":[\"a\",\"b\"],\"nothing\":null}");
    assertThat(line.parsed()).isTrue();
    assertThat(line.timestamp()).isEqualTo(Instant.parse("2024-05-01T12:00:00.250Z"));
    assertThat(line.severity()).isEqualTo("warn");
    assertThat(line.body()).isEqualTo("slow order");
    assertThat(line.fields())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "http.method",
                "GET",
                "http.status",
                200L,
                "ms",
                12.5,
                "ok",
                true,
                "tags",
                "[\"a\",\"b\"]"));
  }

  @ParameterizedTest(name = "not JSON: {0}")
  @MethodSource("notJson")
  void aLineThatIsNotJsonIsKeptWholeAsPlain(String name, String text) {
    ParsedLine line = parser(LogFormat.JSON, null, null, null).parse(text);
    assertThat(line.parsed()).isFalse();
    assertThat(line.body()).isEqualTo(text);
    assertThat(line.fields()).isEmpty();
  }

  static Stream<Arguments> notJson() {
    return Stream.of(
        Arguments.of("plain text", "GET /orders 200"),
        Arguments.of("truncated object", "{\"msg\":\"cut he"),
        Arguments.of("array", "[1,2]"),
        Arguments.of("trailing garbage", "{\"a\":1} tail"),
        Arguments.of("empty", ""),
        Arguments.of("binary", "\u0000\u0001\uFFFD{"));
  }

  @Test
  void jsonWithoutMessageFieldKeepsTheWholeLineAsBody() {
    String text = "{\"event\":\"login\",\"user\":\"ann\"}";
    ParsedLine line = parser(LogFormat.JSON, null, null, null).parse(text);
    assertThat(line.body()).isEqualTo(text);
    assertThat(line.timestamp()).as("no timeField: the read time is used").isNull();
    assertThat(line.fields()).containsEntry("event", "login");
  }

  @Test
  void logfmtReadsQuotedValuesEscapesAndBareKeys() {
    ParsedLine line =
        parser(LogFormat.LOGFMT, null, "time", null)
            .parse(
                "time=2024-05-01T12:00:00Z level=info msg=\"order \\\"42\\\" placed\" user=ann cached");
    assertThat(line.parsed()).isTrue();
    assertThat(line.timestamp()).isEqualTo(Instant.parse("2024-05-01T12:00:00Z"));
    assertThat(line.severity()).isEqualTo("info");
    assertThat(line.body()).isEqualTo("order \"42\" placed");
    assertThat(line.fields()).containsEntry("user", "ann").containsEntry("cached", true);
  }

  @ParameterizedTest(name = "not logfmt: {0}")
  @MethodSource("notLogfmt")
  void aLineThatIsNotLogfmtIsKeptAsPlain(String name, String text) {
    ParsedLine line = parser(LogFormat.LOGFMT, null, null, null).parse(text);
    assertThat(line.parsed()).isFalse();
    assertThat(line.body()).isEqualTo(text);
  }

  static Stream<Arguments> notLogfmt() {
    return Stream.of(
        Arguments.of("words only", "just some words"),
        Arguments.of("unclosed quote", "msg=\"never closed"),
        Arguments.of("value without key", "=x"));
  }

  @Test
  void regexNamedGroupsBecomeFields() {
    LineParser nginx =
        parser(
            LogFormat.REGEX,
            "^(?<remote>\\S+) \\[(?<time>[^\\]]+)\\] \"(?<method>\\S+) (?<path>\\S+)\" (?<status>\\d{3})",
            "time",
            "dd/MMM/yyyy:HH:mm:ss Z");
    ParsedLine line = nginx.parse("10.0.0.1 [01/May/2024:12:00:00 +0200] \"GET /orders\" 200");
    assertThat(line.parsed()).isTrue();
    assertThat(line.timestamp()).isEqualTo(Instant.parse("2024-05-01T10:00:00Z"));
    assertThat(line.fields())
        .containsEntry("remote", "10.0.0.1")
        .containsEntry("method", "GET")
        .containsEntry("path", "/orders")
        .containsEntry("status", "200");
    assertThat(nginx.parse("no match").parsed()).isFalse();
  }

  @Test
  void regexWithoutNamedGroupOrInvalidIsRefusedNamingTheField() {
    assertThatThrownBy(() -> parser(LogFormat.REGEX, "(\\d+)", null, null))
        .hasMessageContaining("logs.parser.pattern");
    assertThatThrownBy(() -> parser(LogFormat.REGEX, "(?<a>[", null, null))
        .hasMessageContaining("logs.parser.pattern");
    assertThatThrownBy(() -> parser(LogFormat.REGEX, null, null, null))
        .hasMessageContaining("logs.parser.pattern");
  }

  @Test
  void groupNamesSkipEscapedParentheses() {
    assertThat(RegexLineParser.groupNames("\\(?<no>x)(?<yes>y)\\\\(?<also>z)"))
        .containsExactly("yes", "also");
  }

  @Test
  void plainKeepsTheLine() {
    ParsedLine line = parser(LogFormat.PLAIN, null, null, null).parse("anything {at all}");
    assertThat(line.body()).isEqualTo("anything {at all}");
    assertThat(line.parsed()).isTrue();
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("times")
  void timeFormats(String format, Object value, Instant expected) {
    assertThat(TimestampParser.of(format).parse(value)).isEqualTo(expected);
  }

  static Stream<Arguments> times() {
    Instant t = Instant.parse("2024-05-01T12:00:00Z");
    return Stream.of(
        Arguments.of(null, "2024-05-01T12:00:00Z", t),
        Arguments.of(null, "2024-05-01T14:00:00+02:00", t),
        Arguments.of(null, "2024-05-01 12:00:00", t),
        Arguments.of(null, 1714564800L, t),
        Arguments.of(null, 1714564800.5, t.plusMillis(500)),
        Arguments.of(null, 1714564800000L, t),
        Arguments.of(null, "1714564800000000000", t),
        Arguments.of("ISO8601", "2024-05-01T12:00:00.000Z", t),
        Arguments.of("epoch", "1714564800", t),
        Arguments.of("epoch_millis", 1714564800123L, t.plusMillis(123)),
        Arguments.of("epoch_nanos", 1714564800000000001L, t.plusNanos(1)),
        Arguments.of("yyyy/MM/dd HH:mm:ss", "2024/05/01 12:00:00", t),
        Arguments.of(null, "yesterday", null),
        Arguments.of("epoch", "soon", null),
        Arguments.of("yyyy/MM/dd HH:mm:ss", "2024-05-01", null));
  }

  @Test
  void unparsableTimeStaysAFieldAndTheReadTimeIsUsed() {
    ParsedLine line =
        parser(LogFormat.JSON, null, "ts", null).parse("{\"ts\":\"later\",\"msg\":\"x\"}");
    assertThat(line.timestamp()).isNull();
    assertThat(line.fields()).containsEntry("ts", "later");
  }

  @Test
  void invalidTimeFormatIsRefusedNamingTheField() {
    assertThatThrownBy(() -> parser(LogFormat.JSON, null, "ts", "yyyy-{{"))
        .hasMessageContaining("logs.parser.timeFormat");
  }
}
