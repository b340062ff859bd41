package io.outrigger.sidecar.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.outrigger.config.Propagator;
import io.outrigger.sidecar.tracing.TwoHops.Field;
import io.outrigger.sidecar.tracing.TwoHops.Hop;
import io.vertx.core.MultiMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * B3 (openzipkin/b3-propagation, single and multiple headers), Jaeger ({@code uber-trace-id}) and
 * xtrace, through the inbound proxy and the ambassador: well-formed headers continue the caller's
 * trace; repeated, empty and malformed ones start a new trace (and are served); what goes on is
 * always the sidecar's own, well-formed context, in one field per header, with none of the caller's
 * headers of that format left behind.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class B3JaegerXTraceRulesTest {
  static final String TRACE = "463ac35c9f6413ad48485a3953bb6124";
  static final String TRACE64 = "a3ce929d0e0e4736";
  static final String SPAN = "a2fb4a1d1a96d312";
  static final String PARENT = "0020000000000001";
  static final String OTHER_TRACE = "80f198ee56343ba864fe8b2a57d3eff7";

  /** A configured format and how to read the context the sidecar sent on. */
  enum Format {
    B3(Propagator.B3),
    B3MULTI(Propagator.B3MULTI),
    JAEGER(Propagator.JAEGER),
    XTRACE(Propagator.XTRACE);

    final Propagator propagator;

    Format(Propagator propagator) {
      this.propagator = propagator;
    }
  }

  /** The context that went on: ids, and the sampled decision where the format carries one. */
  record Sent(String traceId, String spanId, Boolean sampled) {}

  /**
   * What the next hop must see: the caller's trace (sampled as given, null: not checked) or not.
   */
  record Outcome(String traceId, Boolean sampled) {
    boolean restarts() {
      return traceId == null;
    }
  }

  record Rule(Format format, String words, List<Field> sent, Outcome outcome) {
    @Override
    public String toString() {
      return format + " " + words;
    }
  }

  private final Map<Format, TwoHops> hops = new EnumMap<>(Format.class);

  @AfterAll
  void close() {
    hops.values().forEach(TwoHops::close);
  }

  static Stream<Arguments> rules() {
    return Stream.of(Hop.values())
        .flatMap(hop -> allRules().stream().map(rule -> Arguments.of(rule, hop)));
  }

  @ParameterizedTest(name = "{0} [{1}]")
  @MethodSource("rules")
  void followsTheRule(Rule rule, Hop hop) throws Exception {
    TwoHops sidecar = hops.computeIfAbsent(rule.format(), f -> new TwoHops(List.of(f.propagator)));
    MultiMap seen = sidecar.send(hop, rule.sent());
    Sent sent = read(rule.format(), seen);

    assertThat(sent.traceId()).matches("[0-9a-f]{32}").isNotEqualTo("0".repeat(32));
    assertThat(sent.spanId()).matches("[0-9a-f]{16}").isNotEqualTo("0".repeat(16));
    String callerValues = rule.sent().stream().map(Field::value).collect(Collectors.joining("\n"));
    assertThat(callerValues)
        .as("the span id going on is the sidecar's own")
        .doesNotContain(sent.spanId());
    if (rule.outcome().restarts()) {
      assertThat(callerValues)
          .as("a new trace, not one the caller sent")
          .doesNotContain(sent.traceId().substring(16));
    } else {
      assertThat(sent.traceId())
          .as("the caller's trace goes on")
          .isEqualTo(rule.outcome().traceId());
      if (rule.outcome().sampled() != null) {
        assertThat(sent.sampled()).as("sampled").isEqualTo(rule.outcome().sampled());
      }
    }
  }

  /** Reads the one context the sidecar sent, checking nothing else of the format came along. */
  private static Sent read(Format format, MultiMap seen) {
    switch (format) {
      case B3 -> {
        assertThat(B3Headers.MULTI)
            .as("none of the caller's X-B3-* headers reach the next hop")
            .allSatisfy(name -> assertThat(seen.getAll(name)).as(name).isEmpty());
        assertThat(seen.getAll("b3")).hasSize(1);
        String[] parts = seen.get("b3").split("-");
        assertThat(parts).hasSize(3);
        return new Sent(parts[0], parts[1], !"0".equals(parts[2]));
      }
      case B3MULTI -> {
        assertThat(seen.getAll("b3")).as("the caller's b3 does not reach the next hop").isEmpty();
        assertThat(seen.getAll(B3Headers.PARENT_SPAN_ID))
            .as("the caller's X-B3-ParentSpanId does not reach the next hop")
            .isEmpty();
        assertThat(seen.getAll(B3Headers.TRACE_ID)).hasSize(1);
        assertThat(seen.getAll(B3Headers.SPAN_ID)).hasSize(1);
        assertThat(seen.getAll(B3Headers.SAMPLED)).hasSize(1);
        assertThat(seen.getAll(B3Headers.FLAGS)).hasSizeLessThanOrEqualTo(1);
        return new Sent(
            seen.get(B3Headers.TRACE_ID),
            seen.get(B3Headers.SPAN_ID),
            "1".equals(seen.get(B3Headers.SAMPLED)));
      }
      case JAEGER -> {
        assertThat(seen.getAll("uber-trace-id")).hasSize(1);
        String[] parts = seen.get("uber-trace-id").split(":");
        assertThat(parts).hasSize(4);
        assertThat(parts[2]).as("the deprecated parent-span-id").isEqualTo("0");
        return new Sent(parts[0], parts[1], (Integer.parseInt(parts[3], 16) & 1) == 1);
      }
      case XTRACE -> {
        assertThat(seen.getAll(XTracePropagator.TRACE_ID)).hasSize(1);
        assertThat(seen.getAll(XTracePropagator.SPAN_ID)).hasSize(1);
        assertThat(seen.getAll(XTracePropagator.PARENT_SPAN)).hasSizeLessThanOrEqualTo(1);
        return new Sent(
            seen.get(XTracePropagator.TRACE_ID), seen.get(XTracePropagator.SPAN_ID), null);
      }
    }
    throw new AssertionError(format);
  }

  static List<Rule> allRules() {
    List<Rule> rules = new ArrayList<>();
    String b3 = TRACE + "-" + SPAN;
    // B3 single header
    rules.add(rule(Format.B3, "TraceId-SpanId continues (sampling deferred)", continues(), b3(b3)));
    rules.add(rule(Format.B3, "sampling state 1 (accept)", continues(true), b3(b3 + "-1")));
    rules.add(rule(Format.B3, "sampling state 0 (deny)", continues(false), b3(b3 + "-0")));
    rules.add(
        rule(Format.B3, "sampling state d (debug) implies accept", continues(true), b3(b3 + "-d")));
    rules.add(
        rule(
            Format.B3,
            "ParentSpanId in the fourth position",
            continues(true),
            b3(b3 + "-1-" + PARENT)));
    rules.add(
        rule(
            Format.B3,
            "a 64-bit TraceId (16 lower-hex) is left-padded to 128 bits",
            continues("0".repeat(16) + TRACE64, true),
            b3(TRACE64 + "-" + SPAN + "-1")));
    rules.add(
        rule(
            Format.B3,
            "TraceId is lower-hex: uppercase starts a new trace",
            restarts(),
            b3(b3.toUpperCase() + "-1")));
    rules.add(
        rule(
            Format.B3,
            "TraceId of 20 characters starts a new trace",
            restarts(),
            b3(TRACE.substring(12) + "-" + SPAN + "-1")));
    rules.add(
        rule(
            Format.B3,
            "SpanId of 15 characters starts a new trace",
            restarts(),
            b3(TRACE + "-" + SPAN.substring(1) + "-1")));
    rules.add(
        rule(
            Format.B3,
            "an all-zero TraceId starts a new trace",
            restarts(),
            b3("0".repeat(32) + "-" + SPAN + "-1")));
    rules.add(
        rule(
            Format.B3,
            "sampling state is 1, 0 or d: x starts a new trace",
            restarts(),
            b3(b3 + "-x")));
    rules.add(
        rule(
            Format.B3,
            "sampling state is 1, 0 or d: true starts a new trace",
            restarts(),
            b3(b3 + "-true")));
    rules.add(
        rule(
            Format.B3,
            "ParentSpanId is 16 lower-hex: zz starts a new trace",
            restarts(),
            b3(b3 + "-1-zz")));
    rules.add(
        rule(
            Format.B3,
            "an empty sampling state (trailing dash) starts a new trace",
            restarts(),
            b3(b3 + "-")));
    rules.add(
        rule(
            Format.B3,
            "five fields start a new trace",
            restarts(),
            b3(b3 + "-1-" + PARENT + "-1")));
    rules.add(
        rule(
            Format.B3,
            "a sampling state alone (b3: 0) carries no trace: a new one starts",
            restarts(),
            b3("0")));
    rules.add(rule(Format.B3, "an empty b3 starts a new trace", restarts(), b3("")));
    rules.add(
        rule(
            Format.B3,
            "b3 is not a list: two b3 fields start a new trace",
            restarts(),
            b3(b3 + "-1"),
            b3(OTHER_TRACE + "-" + SPAN + "-1")));
    rules.add(
        rule(
            Format.B3,
            "the single header takes precedence over X-B3-*",
            continues(true),
            b3(b3 + "-1"),
            field(B3Headers.TRACE_ID, OTHER_TRACE),
            field(B3Headers.SPAN_ID, SPAN),
            field(B3Headers.PARENT_SPAN_ID, PARENT)));
    rules.add(
        rule(
            Format.B3,
            "a malformed b3 falls back to well-formed X-B3-*",
            continues(OTHER_TRACE, true),
            b3(b3 + "-x"),
            field(B3Headers.TRACE_ID, OTHER_TRACE),
            field(B3Headers.SPAN_ID, SPAN),
            field(B3Headers.SAMPLED, "1")));
    // B3 multiple headers
    rules.add(
        rule(
            Format.B3MULTI,
            "X-B3-TraceId, X-B3-SpanId, X-B3-Sampled: 1",
            continues(true),
            multi(TRACE, SPAN, "1")));
    rules.add(
        rule(Format.B3MULTI, "X-B3-Sampled: 0 (deny)", continues(false), multi(TRACE, SPAN, "0")));
    rules.add(
        rule(
            Format.B3MULTI,
            "X-B3-Sampled: true is accepted (lenient)",
            continues(true),
            multi(TRACE, SPAN, "true")));
    rules.add(
        rule(
            Format.B3MULTI,
            "X-B3-Sampled: false is accepted (lenient)",
            continues(false),
            multi(TRACE, SPAN, "false")));
    rules.add(
        rule(
            Format.B3MULTI,
            "X-B3-Flags: 1 (debug) implies accept",
            continues(true),
            field(B3Headers.TRACE_ID, TRACE),
            field(B3Headers.SPAN_ID, SPAN),
            field(B3Headers.FLAGS, "1")));
    rules.add(
        rule(
            Format.B3MULTI,
            "X-B3-ParentSpanId of a child span; the caller's is not passed on",
            continues(true),
            field(B3Headers.TRACE_ID, TRACE),
            field(B3Headers.PARENT_SPAN_ID, PARENT),
            field(B3Headers.SPAN_ID, SPAN),
            field(B3Headers.SAMPLED, "1")));
    rules.add(
        rule(
            Format.B3MULTI,
            "a 64-bit X-B3-TraceId is left-padded to 128 bits",
            continues("0".repeat(16) + TRACE64, true),
            multi(TRACE64, SPAN, "1")));
    rules.add(
        rule(
            Format.B3MULTI,
            "state headers: the first value wins",
            continues(true),
            field(B3Headers.TRACE_ID, TRACE),
            field(B3Headers.TRACE_ID, OTHER_TRACE),
            field(B3Headers.SPAN_ID, SPAN),
            field(B3Headers.SAMPLED, "1")));
    rules.add(
        rule(
            Format.B3MULTI,
            "X-B3-* are not passed on beside the caller's b3",
            continues(true),
            b3(TRACE + "-" + SPAN + "-1")));
    rules.add(
        rule(
            Format.B3MULTI,
            "X-B3-TraceId is lower-hex: uppercase starts a new trace",
            restarts(),
            multi(TRACE.toUpperCase(), SPAN, "1")));
    rules.add(
        rule(
            Format.B3MULTI,
            "X-B3-SpanId is required",
            restarts(),
            field(B3Headers.TRACE_ID, TRACE),
            field(B3Headers.SAMPLED, "1")));
    rules.add(
        rule(
            Format.B3MULTI,
            "X-B3-SpanId of 17 characters starts a new trace",
            restarts(),
            multi(TRACE, SPAN + "1", "1")));
    rules.add(
        rule(
            Format.B3MULTI,
            "X-B3-Sampled is 1 or 0: yes starts a new trace",
            restarts(),
            multi(TRACE, SPAN, "yes")));
    rules.add(
        rule(
            Format.B3MULTI,
            "X-B3-ParentSpanId is 16 lower-hex: zz starts a new trace",
            restarts(),
            field(B3Headers.TRACE_ID, TRACE),
            field(B3Headers.PARENT_SPAN_ID, "zz"),
            field(B3Headers.SPAN_ID, SPAN)));
    rules.add(
        rule(
            Format.B3MULTI,
            "X-B3-Flags is 1 (or 0): 2 starts a new trace",
            restarts(),
            field(B3Headers.TRACE_ID, TRACE),
            field(B3Headers.SPAN_ID, SPAN),
            field(B3Headers.FLAGS, "2")));
    rules.add(
        rule(
            Format.B3MULTI,
            "an empty X-B3-TraceId starts a new trace",
            restarts(),
            multi("", SPAN, "1")));
    // Jaeger
    String jaeger = TRACE + ":" + SPAN + ":0:";
    rules.add(
        rule(
            Format.JAEGER,
            "trace-id:span-id:parent-span-id:flags, sampled",
            continues(true),
            uber(jaeger + "1")));
    rules.add(rule(Format.JAEGER, "flags 0: not sampled", continues(false), uber(jaeger + "0")));
    rules.add(
        rule(
            Format.JAEGER,
            "flags are a bitmap: 03 is sampled (and debug)",
            continues(true),
            uber(jaeger + "03")));
    rules.add(
        rule(
            Format.JAEGER,
            "a parent-span-id other than 0",
            continues(true),
            uber(TRACE + ":" + SPAN + ":" + PARENT + ":1")));
    rules.add(
        rule(
            Format.JAEGER,
            "a URL-encoded value",
            continues(true),
            uber(TRACE + "%3A" + SPAN + "%3A0%3A1")));
    rules.add(
        rule(
            Format.JAEGER,
            "ids may omit leading zeros (trace-id of 15 characters)",
            continues("0".repeat(17) + TRACE64.substring(1), true),
            uber(TRACE64.substring(1) + ":" + SPAN + ":0:1")));
    rules.add(
        rule(
            Format.JAEGER,
            "three fields start a new trace",
            restarts(),
            uber(TRACE + ":" + SPAN + ":1")));
    rules.add(
        rule(Format.JAEGER, "five fields start a new trace", restarts(), uber(jaeger + "1:0")));
    rules.add(
        rule(
            Format.JAEGER, "a trace-id of 0 is not valid", restarts(), uber("0:" + SPAN + ":0:1")));
    rules.add(
        rule(
            Format.JAEGER,
            "an uppercase trace-id starts a new trace",
            restarts(),
            uber(TRACE.toUpperCase() + ":" + SPAN + ":0:1")));
    rules.add(
        rule(
            Format.JAEGER,
            "a span-id of 17 characters starts a new trace",
            restarts(),
            uber(TRACE + ":" + SPAN + "1:0:1")));
    rules.add(
        rule(
            Format.JAEGER,
            "parent-span-id is hex: zz starts a new trace",
            restarts(),
            uber(TRACE + ":" + SPAN + ":zz:1")));
    rules.add(
        rule(
            Format.JAEGER,
            "flags are one or two hex digits: +1 starts a new trace",
            restarts(),
            uber(jaeger + "+1")));
    rules.add(
        rule(
            Format.JAEGER,
            "flags are one or two hex digits: 100 starts a new trace",
            restarts(),
            uber(jaeger + "100")));
    rules.add(
        rule(Format.JAEGER, "an empty uber-trace-id starts a new trace", restarts(), uber("")));
    rules.add(
        rule(
            Format.JAEGER,
            "uber-trace-id is not a list: two fields start a new trace",
            restarts(),
            uber(jaeger + "1"),
            uber(OTHER_TRACE + ":" + SPAN + ":0:1")));
    // xtrace
    rules.add(
        rule(
            Format.XTRACE,
            "x-trace-id and x-span-id continue the trace",
            continues(),
            field("x-trace-id", TRACE),
            field("x-span-id", SPAN)));
    rules.add(
        rule(
            Format.XTRACE,
            "a 64-bit x-trace-id is left-padded",
            continues("0".repeat(16) + TRACE64, null),
            field("x-trace-id", TRACE64),
            field("x-span-id", SPAN)));
    rules.add(
        rule(
            Format.XTRACE,
            "uppercase hex is read as lowercase",
            continues(),
            field("x-trace-id", TRACE.toUpperCase()),
            field("x-span-id", SPAN.toUpperCase())));
    rules.add(
        rule(
            Format.XTRACE,
            "the caller's x-parent-span is not passed on",
            continues(),
            field("x-trace-id", TRACE),
            field("x-span-id", SPAN),
            field("x-parent-span", "not-an-id")));
    rules.add(
        rule(
            Format.XTRACE,
            "x-trace-id without x-span-id starts a new trace",
            restarts(),
            field("x-trace-id", TRACE)));
    rules.add(
        rule(
            Format.XTRACE,
            "a malformed x-trace-id starts a new trace",
            restarts(),
            field("x-trace-id", "not-hex"),
            field("x-span-id", SPAN)));
    rules.add(
        rule(
            Format.XTRACE,
            "an all-zero x-trace-id starts a new trace",
            restarts(),
            field("x-trace-id", "0".repeat(32)),
            field("x-span-id", SPAN)));
    rules.add(
        rule(
            Format.XTRACE,
            "an empty x-span-id starts a new trace",
            restarts(),
            field("x-trace-id", TRACE),
            field("x-span-id", "")));
    rules.add(
        rule(
            Format.XTRACE,
            "x-trace-id is not a list: two fields start a new trace",
            restarts(),
            field("x-trace-id", TRACE),
            field("x-trace-id", OTHER_TRACE),
            field("x-span-id", SPAN)));
    rules.add(
        rule(
            Format.XTRACE,
            "x-span-id is not a list: two fields start a new trace",
            restarts(),
            field("x-trace-id", TRACE),
            field("x-span-id", SPAN),
            field("x-span-id", PARENT)));
    return rules;
  }

  private static Rule rule(Format format, String words, Outcome outcome, Field... sent) {
    return new Rule(format, words, Arrays.asList(sent), outcome);
  }

  private static Outcome continues() {
    return new Outcome(TRACE, null);
  }

  private static Outcome continues(boolean sampled) {
    return new Outcome(TRACE, sampled);
  }

  private static Outcome continues(String traceId, Boolean sampled) {
    return new Outcome(traceId, sampled);
  }

  private static Outcome restarts() {
    return new Outcome(null, null);
  }

  private static Field b3(String value) {
    return new Field("b3", value);
  }

  private static Field uber(String value) {
    return new Field("uber-trace-id", value);
  }

  private static Field[] multi(String traceId, String spanId, String sampled) {
    return new Field[] {
      new Field(B3Headers.TRACE_ID, traceId),
      new Field(B3Headers.SPAN_ID, spanId),
      new Field(B3Headers.SAMPLED, sampled)
    };
  }

  private static Field field(String name, String value) {
    return new Field(name, value);
  }
}
