package io.outrigger.sidecar.metrics.exposition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.outrigger.sidecar.metrics.exposition.ExpositionParser.Format;
import io.outrigger.sidecar.metrics.exposition.ExpositionParser.Limits;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ExpositionParserTest {
  private static final Limits LIMITS = new Limits(10_000, 1024);

  @Test
  void parsesTheTextFormat() throws Exception {
    Exposition e =
        parse(
            Format.PROMETHEUS_TEXT,
            """
            # HELP http_requests_total Requests.\\nSecond line with a \\\\ backslash.
            # TYPE http_requests_total counter
            http_requests_total{method="GET",code="200"} 1027 1395066363000
            http_requests_total{method="POST",code="400",} 3
            # a plain comment
            # TYPE rpc_duration_seconds summary
            rpc_duration_seconds{quantile="0.5"} 4773
            rpc_duration_seconds_sum 1.7560473e+07
            rpc_duration_seconds_count 2693
            # TYPE latency histogram
            latency_bucket{le="0.1"} 1
            latency_bucket{le="+Inf"} 3
            latency_sum 0.5
            latency_count 3
            untyped_thing{path="a\\"b\\\\c\\nd"} -Inf
            nan_gauge NaN
            """);
    assertThat(e.families())
        .extracting(MetricFamily::name)
        .as("counter families take the OpenMetrics shape: no _total in the family name")
        .containsExactly(
            "http_requests", "rpc_duration_seconds", "latency", "untyped_thing", "nan_gauge");
    MetricFamily requests = e.families().get(0);
    assertThat(requests.type()).isEqualTo(MetricType.COUNTER);
    assertThat(requests.help()).isEqualTo("Requests.\nSecond line with a \\ backslash.");
    assertThat(requests.samples().get(0).timestampMillis()).isEqualTo(1395066363000L);
    assertThat(requests.samples().get(1).label("code")).isEqualTo("400");
    assertThat(e.families().get(2).samples()).hasSize(4);
    assertThat(e.families().get(3).samples().get(0).label("path")).isEqualTo("a\"b\\c\nd");
    assertThat(e.families().get(3).samples().get(0).value()).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(e.families().get(4).samples().get(0).value()).isNaN();
    assertThat(e.seriesCount()).isEqualTo(11);
  }

  @Test
  void parsesOpenMetricsWithUnitsCreatedAndExemplars() throws Exception {
    Exposition e =
        parse(
            Format.OPENMETRICS,
            """
            # TYPE request_bytes counter
            # UNIT request_bytes bytes
            # HELP request_bytes Bytes \\"received\\".
            request_bytes_total{path="/"} 1024 1520879607.789
            request_bytes_created{path="/"} 1520430000.123 1520879607.789
            # TYPE latency_seconds histogram
            latency_seconds_bucket{le="0.5"} 2 # {trace_id="4bf92f3577b34da6a3ce929d0e0e4736"} 0.31 1520879607.789
            latency_seconds_bucket{le="+Inf"} 3
            latency_seconds_sum 1.2
            latency_seconds_count 3
            # EOF
            """);
    MetricFamily bytes = e.families().get(0);
    assertThat(bytes.unit()).isEqualTo("bytes");
    assertThat(bytes.help()).isEqualTo("Bytes \"received\".");
    assertThat(bytes.samples())
        .extracting(Sample::name)
        .containsExactly("request_bytes_total", "request_bytes_created");
    assertThat(bytes.samples().get(0).timestampMillis()).isEqualTo(1520879607789L);
    assertThat(e.families().get(1).samples().get(0).exemplar())
        .isEqualTo("{trace_id=\"4bf92f3577b34da6a3ce929d0e0e4736\"} 0.31 1520879607.789");
  }

  @Test
  void capsSeriesAndLabelValuesAndCountsWhatWasCut() throws Exception {
    StringBuilder body = new StringBuilder("# TYPE hits_total counter\n");
    for (int i = 0; i < 10; i++) {
      body.append("hits_total{user=\"")
          .append("u".repeat(i == 0 ? 40 : 1))
          .append(i)
          .append("\"} 1\n");
    }
    Exposition e =
        ExpositionParser.parse(
            body.toString().getBytes(StandardCharsets.UTF_8),
            Format.PROMETHEUS_TEXT,
            new Limits(4, 16));
    assertThat(e.seriesCount()).isEqualTo(4);
    assertThat(e.droppedSeries()).isEqualTo(6);
    assertThat(e.truncatedValues()).isEqualTo(1);
    assertThat(e.families().get(0).samples().get(0).label("user")).hasSize(16);
  }

  @Test
  void repeatedLabelPairsAreSharedAndStillChecked() throws Exception {
    Exposition e =
        parse(
            Format.PROMETHEUS_TEXT,
            """
            m{code="200",path="/a"} 1
            m{code="200",path="/b"} 2
            m{path="/c",code="200"} 3
            m{code="20",path="/a"} 4
            """);
    var samples = e.families().get(0).samples();
    assertThat(samples.get(1).labels().get(0))
        .as("a pair seen before is the same Label")
        .isSameAs(samples.get(0).labels().get(0));
    assertThat(samples.get(2).label("code")).isEqualTo("200");
    assertThat(samples.get(3).label("code")).isEqualTo("20");
    assertThat(samples.get(3).labels())
        .containsExactly(new Sample.Label("code", "20"), new Sample.Label("path", "/a"));
    // A pair already seen, given twice in one series.
    assertThatThrownBy(() -> parse(Format.PROMETHEUS_TEXT, "m{a=\"1\"} 1\nn{a=\"1\",a=\"1\"} 1\n"))
        .isInstanceOfSatisfying(
            ExpositionException.class,
            error -> {
              assertThat(error.line()).isEqualTo(2);
              assertThat(error.reason()).contains("label a given twice");
            });
    // A duplicate series made of shared pairs, in another order.
    assertThatThrownBy(
            () -> parse(Format.PROMETHEUS_TEXT, "m{a=\"1\",b=\"2\"} 1\nm{b=\"2\",a=\"1\"} 1\n"))
        .isInstanceOfSatisfying(
            ExpositionException.class,
            error -> assertThat(error.reason()).contains("duplicate series"));
  }

  @Test
  void everyCutValueIsCountedEvenWhenRepeated() throws Exception {
    Exposition e =
        ExpositionParser.parse(
            "m{a=\"long-value\",i=\"1\"} 1\nm{a=\"long-value\",i=\"2\"} 1\n"
                .getBytes(StandardCharsets.UTF_8),
            Format.PROMETHEUS_TEXT,
            new Limits(10, 4));
    assertThat(e.truncatedValues()).isEqualTo(2);
    assertThat(e.families().get(0).samples().get(1).label("a")).isEqualTo("long");
  }

  @Test
  void nonAsciiTextParsesAsUtf8() throws Exception {
    Exposition e =
        parse(Format.PROMETHEUS_TEXT, "m{city=\"Zürich\"} 1\nm{city=\"東京\"} 2\nm{x=\"é\"} 1.5\n");
    var samples = e.families().get(0).samples();
    assertThat(samples.get(0).label("city")).isEqualTo("Zürich");
    assertThat(samples.get(1).label("city")).isEqualTo("東京");
    assertThat(samples.get(2).value()).isEqualTo(1.5);
    assertThat(ExpositionParser.isAscii("plain text, longer than eight".getBytes())).isTrue();
    assertThat(ExpositionParser.isAscii("eight by and é".getBytes(StandardCharsets.UTF_8)))
        .isFalse();
    assertThat(ExpositionParser.isAscii("é".getBytes(StandardCharsets.UTF_8))).isFalse();
  }

  @Test
  void aTenMegabyteExpositionParses() throws Exception {
    StringBuilder body = new StringBuilder("# TYPE big gauge\n");
    int i = 0;
    while (body.length() < 10 * 1024 * 1024) {
      body.append("big{instance=\"host-")
          .append(i++)
          .append("\",zone=\"eu-west-1a\"} ")
          .append(i)
          .append('\n');
    }
    Exposition e =
        ExpositionParser.parse(
            body.toString().getBytes(StandardCharsets.UTF_8),
            Format.PROMETHEUS_TEXT,
            new Limits(1_000_000, 1024));
    assertThat(e.seriesCount()).isEqualTo(i);
  }

  static Stream<Arguments> badInput() {
    return Stream.of(
        bad(
            "a backslash ending a label value",
            Format.PROMETHEUS_TEXT,
            "a{x=\"\\\"} 1\n",
            1,
            "unterminated label value"),
        bad(
            "unterminated label value",
            Format.PROMETHEUS_TEXT,
            "a{x=\"oops} 1\n",
            1,
            "unterminated label value"),
        bad(
            "label name starting with a digit",
            Format.PROMETHEUS_TEXT,
            "a{1x=\"v\"} 1\n",
            1,
            "invalid label name"),
        bad(
            "label given twice",
            Format.PROMETHEUS_TEXT,
            "a{x=\"1\",x=\"2\"} 1\n",
            1,
            "label x given twice"),
        bad(
            "value that is not a number",
            Format.PROMETHEUS_TEXT,
            "a 12abc\n",
            1,
            "invalid value '12abc'"),
        bad(
            "hex float without the p exponent Go requires",
            Format.PROMETHEUS_TEXT,
            "a 0x10\n",
            1,
            "invalid value '0x10'"),
        bad(
            "OpenMetrics signed nan",
            Format.OPENMETRICS,
            "a +nan\n# EOF\n",
            1,
            "invalid value '+nan'"),
        bad(
            "a value beyond the float64 range",
            Format.OPENMETRICS,
            "a 1e400\n# EOF\n",
            1,
            "invalid value '1e400'"),
        bad("missing value", Format.PROMETHEUS_TEXT, "a{x=\"1\"}\n", 1, "expected a value after a"),
        bad(
            "duplicate TYPE",
            Format.PROMETHEUS_TEXT,
            "# TYPE a gauge\n# TYPE a counter\na 1\n",
            2,
            "second TYPE for a"),
        bad(
            "TYPE after samples",
            Format.PROMETHEUS_TEXT,
            "a 1\n# TYPE a gauge\n",
            2,
            "TYPE for a after its samples"),
        bad("unknown type", Format.PROMETHEUS_TEXT, "# TYPE a meter\n", 1, "unknown type 'meter'"),
        bad(
            "duplicate series",
            Format.PROMETHEUS_TEXT,
            "a{x=\"1\",y=\"2\"} 1\na{y=\"2\",x=\"1\"} 2\n",
            2,
            "duplicate series"),
        bad(
            "histogram bucket without le",
            Format.PROMETHEUS_TEXT,
            "# TYPE h histogram\nh_bucket{x=\"1\"} 1\n",
            2,
            "without an le label"),
        bad(
            "summary quantile missing",
            Format.PROMETHEUS_TEXT,
            "# TYPE s summary\ns 1\n",
            2,
            "without a quantile label"),
        bad(
            "truncated OpenMetrics body",
            Format.OPENMETRICS,
            "# TYPE a gauge\na 1\n",
            2,
            "missing # EOF"),
        bad("content after EOF", Format.OPENMETRICS, "a 1\n# EOF\nb 2\n", 3, "content after # EOF"),
        bad("empty line in OpenMetrics", Format.OPENMETRICS, "a 1\n\n# EOF\n", 2, "empty line"),
        bad(
            "interleaved families in OpenMetrics",
            Format.OPENMETRICS,
            "# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\n# TYPE a gauge\n# EOF\n",
            5,
            "families must not be interleaved"),
        bad(
            "exemplar in the text format",
            Format.PROMETHEUS_TEXT,
            "a 1 # {x=\"1\"} 1\n",
            1,
            "exemplars are OpenMetrics only"),
        bad(
            "timestamp that is not an integer",
            Format.PROMETHEUS_TEXT,
            "a 1 12.5\n",
            1,
            "invalid timestamp (milliseconds as an int64) '12.5'"),
        bad(
            "trailing garbage",
            Format.PROMETHEUS_TEXT,
            "a 1 1000 extra\n",
            1,
            "unexpected text after the timestamp"),
        bad(
            "metric name with a dash",
            Format.PROMETHEUS_TEXT,
            "my-metric 1\n",
            1,
            "invalid metric name"),
        bad(
            "binary garbage",
            Format.PROMETHEUS_TEXT,
            "\u0001\u0002\u0003 1\n",
            1,
            "expected a metric name"));
  }

  private static Arguments bad(String name, Format format, String body, int line, String reason) {
    return Arguments.of(name, format, body, line, reason);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badInput")
  void badInputRefusesTheWholeScrapeWithLineAndReason(
      String name, Format format, String body, int line, String reason) {
    assertThatThrownBy(() -> parse(format, body))
        .isInstanceOfSatisfying(
            ExpositionException.class,
            e -> {
              assertThat(e.line()).isEqualTo(line);
              assertThat(e.reason()).contains(reason);
            });
  }

  /** Valid expositions an earlier version refused (each emptied the app's whole scrape). */
  static Stream<Arguments> validInput() {
    return Stream.of(
        Arguments.of(
            "repeated samples of a series with increasing timestamps (the spec's example)",
            Format.OPENMETRICS,
            """
            # TYPE foo_seconds summary
            # UNIT foo_seconds seconds
            foo_seconds_count{a="bb"} 0 123
            foo_seconds_sum{a="bb"} 0 123
            foo_seconds_count{a="bb"} 0 456
            foo_seconds_sum{a="bb"} 0 456
            foo_seconds_count{a="ccc"} 0 123
            foo_seconds_sum{a="ccc"} 0 123
            foo_seconds_count{a="ccc"} 0 456
            foo_seconds_sum{a="ccc"} 0 456
            # EOF
            """,
            8),
        Arguments.of(
            "escapes the grammar leaves as they are",
            Format.OPENMETRICS,
            "# HELP a C:\\dir \\q\na{path=\"C:\\dir\\file\",x=\"\\q\"} 1\n# EOF\n",
            1),
        Arguments.of(
            "undefined escapes in the text format too",
            Format.PROMETHEUS_TEXT,
            "a{x=\"\\q\"} 1\n",
            1),
        Arguments.of(
            "number words in any case",
            Format.OPENMETRICS,
            "a inf\nb Inf\nc -infinity\nd nan\ne NAN\nf +INF\n# EOF",
            6),
        Arguments.of("a hex float (Go's ParseFloat)", Format.PROMETHEUS_TEXT, "a 0x1p3\n", 1),
        Arguments.of(
            "blanks around the text format's tokens",
            Format.PROMETHEUS_TEXT,
            "  # TYPE a gauge\n\ta { x = \"1\" , y=\"2\", }\t 1   1000  \n",
            1),
        Arguments.of(
            "an exemplar of 128 code points, more UTF-16 chars",
            Format.OPENMETRICS,
            "# TYPE c counter\nc_total 1 # {t=\""
                + "x".repeat(60)
                + "\uD83D\uDE00".repeat(67)
                + "\"} 1\n# EOF\n",
            1));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("validInput")
  void validInputParses(String name, Format format, String body, int series) throws Exception {
    assertThat(parse(format, body).seriesCount()).isEqualTo(series);
  }

  @Test
  void escapesAreReadAsTheGrammarSays() throws Exception {
    var family =
        parse(Format.OPENMETRICS, "# HELP a x\\q \\\" \\\\\na{v=\"\\q\\\\\\n\"} 1\n# EOF\n")
            .families()
            .get(0);
    assertThat(family.help()).isEqualTo("x\\q \" \\");
    assertThat(family.samples().get(0).label("v")).isEqualTo("\\q\\\n");
    var text = parse(Format.PROMETHEUS_TEXT, "# HELP a x\\q \\\" \\\\\na 1\n").families().get(0);
    assertThat(text.help())
        .as("the text format's HELP escapes only \\\\ and \\n")
        .isEqualTo("x\\q \\\" \\");
  }

  @Test
  void aRepeatedPointIsKeptOnceAndEachRefusalNamesItsRule() throws Exception {
    assertThat(parse(Format.OPENMETRICS, "a 1 10\na 1 10\na 2 20\n# EOF\n").seriesCount())
        .as("the same point twice is kept once, as the reference keeps it")
        .isEqualTo(2);
    assertRule(
        Format.OPENMETRICS, "a 1 20\na 2 10\n# EOF\n", ExpositionException.Rule.TIMESTAMP_ORDER);
    assertRule(Format.OPENMETRICS, "a 1\na 2\n# EOF\n", ExpositionException.Rule.DUPLICATE_SERIES);
    assertRule(
        Format.OPENMETRICS,
        "# TYPE h histogram\nh_bucket{le=\"1\"} 1\n# EOF\n",
        ExpositionException.Rule.HISTOGRAM);
    assertRule(
        Format.OPENMETRICS,
        "# TYPE a gauge\n# UNIT a seconds\n# EOF\n",
        ExpositionException.Rule.UNIT);
    assertRule(Format.OPENMETRICS, "a  1\n# EOF\n", ExpositionException.Rule.SAMPLE);
    assertRule(Format.PROMETHEUS_TEXT, "# TYPE a info\n", ExpositionException.Rule.METADATA);
    assertRule(Format.PROMETHEUS_TEXT, "a 1 12.5\n", ExpositionException.Rule.TIMESTAMP);
  }

  private static void assertRule(Format format, String body, ExpositionException.Rule rule) {
    assertThatThrownBy(() -> parse(format, body))
        .as(body)
        .isInstanceOfSatisfying(
            ExpositionException.class, e -> assertThat(e.rule()).isEqualTo(rule));
  }

  @Test
  void invalidUtf8IsRefusedWithItsLine() {
    byte[] body = {
      'a',
      ' ',
      '1',
      '\n',
      'b',
      '{',
      'x',
      '=',
      '"',
      (byte) 0xC3,
      (byte) 0x28,
      '"',
      '}',
      ' ',
      '1',
      '\n'
    };
    assertThatThrownBy(() -> ExpositionParser.parse(body, Format.PROMETHEUS_TEXT, LIMITS))
        .isInstanceOfSatisfying(
            ExpositionException.class,
            e -> {
              assertThat(e.line()).isEqualTo(2);
              assertThat(e.reason()).isEqualTo("invalid UTF-8");
            });
  }

  private static Exposition parse(Format format, String body) throws ExpositionException {
    return ExpositionParser.parse(body.getBytes(StandardCharsets.UTF_8), format, LIMITS);
  }
}
