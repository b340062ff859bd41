package io.outrigger.sidecar.logs.parse;

import static org.assertj.core.api.Assertions.assertThat;

import io.outrigger.config.SidecarConfig.TraceCorrelationConfig;
import io.outrigger.sidecar.logs.parse.TraceContextExtractor.TraceContext;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TraceContextExtractorTest {
  static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  static final String SPAN = "00f067aa0ba902b7";

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void findsTheIds(
      String name,
      TraceCorrelationConfig config,
      Map<String, Object> fields,
      String line,
      String traceId,
      String spanId) {
    TraceContext found = new TraceContextExtractor(config).extract(fields, line);
    assertThat(found.traceId()).isEqualTo(traceId);
    assertThat(found.spanId()).isEqualTo(spanId);
  }

  static Stream<Arguments> cases() {
    TraceCorrelationConfig defaults = TraceCorrelationConfig.defaults();
    TraceCorrelationConfig regex =
        new TraceCorrelationConfig(
            List.of(), List.of(), "trace=(?<traceId>\\w+) span=(?<spanId>\\w+)");
    TraceCorrelationConfig positional =
        new TraceCorrelationConfig(List.of(), List.of(), "\\[([0-9a-f]+),([0-9a-f]+)\\]");
    return Stream.of(
        Arguments.of(
            "snake_case fields",
            defaults,
            Map.of("trace_id", TRACE, "span_id", SPAN),
            "",
            TRACE,
            SPAN),
        Arguments.of(
            "camelCase fields",
            defaults,
            Map.of("traceId", TRACE.toUpperCase(), "spanId", SPAN),
            "",
            TRACE,
            SPAN),
        Arguments.of(
            "dotted fields (flattened JSON)",
            defaults,
            Map.of("trace.id", TRACE, "span.id", SPAN),
            "",
            TRACE,
            SPAN),
        Arguments.of(
            "64-bit trace id is padded",
            defaults,
            Map.of("trace_id", "a3ce929d0e0e4736"),
            "",
            "0000000000000000a3ce929d0e0e4736",
            null),
        Arguments.of(
            "datadog decimal ids",
            defaults,
            Map.of("dd.trace_id", "1234567890123456789", "dd.span_id", "987654321"),
            "",
            "0000000000000000112210f47de98115",
            "000000003ade68b1"),
        Arguments.of("trace without span", defaults, Map.of("trace_id", TRACE), "", TRACE, null),
        Arguments.of(
            "all-zero id is absent", defaults, Map.of("trace_id", "0".repeat(32)), "", null, null),
        Arguments.of(
            "not hex is absent",
            defaults,
            Map.of("trace_id", "not-a-trace-id-at-all-000000000"),
            "",
            null,
            null),
        Arguments.of("empty field", defaults, Map.of("trace_id", ""), "", null, null),
        Arguments.of(
            "named regex groups",
            regex,
            Map.of(),
            "handled trace=" + TRACE + " span=" + SPAN + " ok",
            TRACE,
            SPAN),
        Arguments.of(
            "positional regex groups",
            positional,
            Map.of(),
            "INFO [" + TRACE + "," + SPAN + "] ok",
            TRACE,
            SPAN),
        Arguments.of(
            "traceparent in the line",
            defaults,
            Map.of(),
            "GET /x traceparent=00-" + TRACE + "-" + SPAN + "-01 200",
            TRACE,
            SPAN),
        Arguments.of(
            "traceparent with zero trace id",
            defaults,
            Map.of(),
            "00-" + "0".repeat(32) + "-" + SPAN + "-01",
            null,
            null),
        Arguments.of(
            "fields win over the line",
            defaults,
            Map.of("trace_id", TRACE, "span_id", SPAN),
            "00-11111111111111111111111111111111-2222222222222222-01",
            TRACE,
            SPAN),
        Arguments.of(
            "nothing", defaults, Map.of("user", "ann"), "plain words - with dashes", null, null));
  }
}
