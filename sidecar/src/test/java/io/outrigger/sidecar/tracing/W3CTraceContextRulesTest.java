package io.outrigger.sidecar.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.outrigger.config.Propagator;
import io.outrigger.sidecar.tracing.TwoHops.Field;
import io.outrigger.sidecar.tracing.TwoHops.Hop;
import io.vertx.core.MultiMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * W3C Trace Context Level 1 (§3.2 traceparent, §3.3 tracestate, §3.4–3.5 mutation, §4 processing
 * model) and RFC 9110 §5.3 for repeated fields, one case per rule, through both places the sidecar
 * reads trace context: what reaches the app behind the inbound proxy, and what leaves through the
 * ambassador to an upstream.
 *
 * <p>Every case checks what the spec requires of any outgoing {@code traceparent}: exactly one
 * field, version {@code 00}, lowercase hex, flags other than {@code sampled} zero (§3.2.2.5.2).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class W3CTraceContextRulesTest {
  static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  static final String PARENT = "00f067aa0ba902b7";
  static final String VALID = "00-" + TRACE + "-" + PARENT + "-01";
  static final String UNSAMPLED = "00-" + TRACE + "-" + PARENT + "-00";

  /** What the next hop must see. */
  sealed interface Outcome {
    /** The caller's trace goes on, with the sidecar's span as parent and this tracestate. */
    record Continues(boolean sampled, String tracestate) implements Outcome {}

    /** A new trace-id, and none of the caller's tracestate. */
    record Restarts() implements Outcome {}
  }

  /** A spec rule in its own words, the field lines that exercise it, and what must come out. */
  record Rule(String words, List<Field> sent, Outcome outcome) {
    @Override
    public String toString() {
      return words;
    }
  }

  private final TwoHops hops = new TwoHops(List.of(Propagator.TRACECONTEXT, Propagator.BAGGAGE));

  @AfterAll
  void close() {
    hops.close();
  }

  static Stream<Arguments> rules() {
    return Stream.of(Hop.values())
        .flatMap(hop -> allRules().stream().map(rule -> Arguments.of(rule, hop)));
  }

  @ParameterizedTest(name = "{0} [{1}]")
  @MethodSource("rules")
  void followsTheRule(Rule rule, Hop hop) throws Exception {
    MultiMap seen = hops.send(hop, rule.sent());

    List<String> parents = seen.getAll("traceparent");
    assertThat(parents).as("exactly one traceparent field goes out").hasSize(1);
    String traceparent = parents.get(0);
    assertThat(traceparent)
        .as("version 00 (§3.2.4), lowercase hex, only the sampled flag may be set (§3.2.2.5.2)")
        .matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]");
    String[] parts = traceparent.split("-");
    String traceId = parts[1];
    String parentId = parts[2];
    assertThat(traceId).isNotEqualTo("0".repeat(32));
    assertThat(parentId).isNotEqualTo("0".repeat(16));
    List<String> states = seen.getAll("tracestate");

    if (rule.outcome() instanceof Outcome.Continues continues) {
      assertThat(traceId).as("the caller's trace-id is kept").isEqualTo(TRACE);
      assertThat(parentId)
          .as("the parent-id is the sidecar's own span (§3.4 update parent-id)")
          .isNotEqualTo(PARENT);
      assertThat(parts[3])
          .as("the sampled flag follows the caller's (parent-based sampling)")
          .isEqualTo(continues.sampled() ? "01" : "00");
      if (continues.tracestate() == null) {
        assertThat(states).as("no tracestate goes out").isEmpty();
      } else {
        assertThat(states)
            .as("tracestate goes out as one field (§3.3.1.1 SHOULD)")
            .containsExactly(continues.tracestate());
      }
    } else {
      String sent = rule.sent().stream().map(Field::value).collect(Collectors.joining("\n"));
      assertThat(sent).as("a new trace-id, not one the caller sent").doesNotContain(traceId);
      assertThat(states).as("the caller's tracestate is not propagated").isEmpty();
    }
  }

  static List<Rule> allRules() {
    List<Rule> rules = new ArrayList<>();
    // §3.2.1 Header name
    rules.add(rule("3.2.2 a valid traceparent continues the trace", continues(), tp(VALID)));
    rules.add(
        rule(
            "3.2.2.5.1 sampled flag unset: the trace continues unsampled",
            continuesUnsampled(null),
            tp(UNSAMPLED)));
    rules.add(
        rule(
            "3.2.1 vendors MUST expect the header name in any case (TrAcEpArEnT)",
            continues(),
            field("TrAcEpArEnT", VALID)));
    rules.add(
        rule(
            "3.2.1 the header name is a single word: trace-parent is not traceparent",
            restarts(),
            field("trace-parent", VALID)));
    // §3.2.2.1 version, §3.2.4 versioning
    rules.add(rule("3.2.2.1 version ff is invalid", restarts(), tp("ff" + VALID.substring(2))));
    rules.add(
        rule(
            "3.2.2.1 version is lowercase hex: CC is invalid",
            restarts(),
            tp("CC" + VALID.substring(2))));
    rules.add(
        rule(
            "3.2.4 a version prefix that is not 2 hex characters and a dash restarts the trace (.0)",
            restarts(),
            tp(".0" + VALID.substring(2))));
    rules.add(
        rule(
            "3.2.4 a version prefix that is not 2 hex characters and a dash restarts the trace (000)",
            restarts(),
            tp("0" + VALID)));
    rules.add(
        rule(
            "3.2.4 a version prefix that is not 2 hex characters and a dash restarts the trace (0)",
            restarts(),
            tp(VALID.substring(1))));
    rules.add(
        rule(
            "3.2.2.2 version 00 has exactly four fields: a character after trace-flags is invalid",
            restarts(),
            tp(VALID + ".")));
    rules.add(
        rule(
            "3.2.2.2 version 00 has exactly four fields: a fifth field is invalid",
            restarts(),
            tp(VALID + "-what-the-future-will-be-like")));
    rules.add(
        rule(
            "3.2.4 a higher version is parsed as 00 and sent as 00",
            continues(),
            tp("cc" + VALID.substring(2))));
    rules.add(
        rule(
            "3.2.4 a higher version may have more fields after a dash; they are not passed on",
            continues(),
            tp("cc" + VALID.substring(2) + "-what-the-future-will-be-like")));
    rules.add(
        rule(
            "3.2.4 a higher version: trace-flags MUST be followed by a dash or the end",
            restarts(),
            tp("cc" + VALID.substring(2) + ".what-the-future-will-be-like")));
    rules.add(
        rule(
            "3.2.4 a higher version shorter than 55 characters restarts the trace",
            restarts(),
            tp("cc-" + TRACE + "-" + PARENT + "-1")));
    // §3.2.2.3 trace-id
    rules.add(
        rule(
            "3.2.2.3 trace-id of all zeros is invalid",
            restarts(),
            tp("00-" + "0".repeat(32) + "-" + PARENT + "-01")));
    rules.add(
        rule(
            "3.2.2.3 trace-id with a non-hex character is invalid",
            restarts(),
            tp("00-" + TRACE.substring(0, 31) + ".-" + PARENT + "-01")));
    rules.add(
        rule(
            "3.2.2.3 trace-id is lowercase hex: uppercase is invalid",
            restarts(),
            tp("00-" + TRACE.toUpperCase() + "-" + PARENT + "-01")));
    rules.add(
        rule(
            "3.2.2.3 trace-id of 31 characters is invalid",
            restarts(),
            tp("00-" + TRACE.substring(1) + "-" + PARENT + "-01")));
    rules.add(
        rule(
            "3.2.2.3 trace-id of 33 characters is invalid",
            restarts(),
            tp("00-" + TRACE + "1-" + PARENT + "-01")));
    // §3.2.2.4 parent-id
    rules.add(
        rule(
            "3.2.2.4 parent-id of all zeros is invalid",
            restarts(),
            tp("00-" + TRACE + "-" + "0".repeat(16) + "-01")));
    rules.add(
        rule(
            "3.2.2.4 parent-id is lowercase hex: uppercase is invalid",
            restarts(),
            tp("00-" + TRACE + "-" + PARENT.toUpperCase() + "-01")));
    rules.add(
        rule(
            "3.2.2.4 parent-id of 15 characters is invalid",
            restarts(),
            tp("00-" + TRACE + "-" + PARENT.substring(1) + "-01")));
    rules.add(
        rule(
            "3.2.2.4 parent-id of 17 characters is invalid",
            restarts(),
            tp("00-" + TRACE + "-" + PARENT + "1-01")));
    // §3.2.2.5 trace-flags
    rules.add(
        rule(
            "3.2.2.5 trace-flags of 1 character is invalid",
            restarts(),
            tp("00-" + TRACE + "-" + PARENT + "-1")));
    rules.add(
        rule(
            "3.2.2.5 trace-flags of 3 characters is invalid",
            restarts(),
            tp("00-" + TRACE + "-" + PARENT + "-001")));
    rules.add(
        rule(
            "3.2.2.5 trace-flags with a non-hex character is invalid",
            restarts(),
            tp("00-" + TRACE + "-" + PARENT + "-0.")));
    rules.add(
        rule(
            "3.2.2.5.2 other flags are reserved: vendors MUST set them to zero (ff goes out as 01)",
            continues(),
            tp("00-" + TRACE + "-" + PARENT + "-ff")));
    // RFC 9110 §5.3, §5.5: repeated fields, whitespace around a field value
    rules.add(
        rule(
            "RFC 9110 5.3 traceparent is not a list: two fields make it invalid",
            restarts(),
            tp("00-" + TRACE.replace('4', '5') + "-" + PARENT + "-01"),
            tp(VALID)));
    rules.add(
        rule(
            "RFC 9110 5.3 traceparent is not a list: the same value twice is invalid too",
            restarts(),
            tp(VALID),
            tp(VALID)));
    rules.add(
        rule(
            "RFC 9110 5.5 whitespace around a field value is not part of it (traceparent)",
            continues(),
            tp("\t " + VALID + " \t")));
    // §3.3 and §4: tracestate depends on traceparent, not the other way round
    rules.add(
        rule(
            "4.3 an invalid traceparent: the vendor creates a new one and deletes tracestate",
            restarts(),
            tp("00-" + "0".repeat(32) + "-" + PARENT + "-01"),
            ts("foo=1")));
    rules.add(
        rule(
            "4.3 two traceparent fields are invalid: tracestate is deleted with them",
            restarts(),
            tp("00-" + TRACE.replace('4', '5') + "-" + PARENT + "-01"),
            tp(VALID),
            ts("foo=1")));
    rules.add(
        rule(
            "4.2 a tracestate without traceparent is invalid and MUST be discarded",
            restarts(),
            ts("foo=1,bar=2")));
    rules.add(
        rule(
            "3.3 failure to parse tracestate MUST NOT affect the parsing of traceparent",
            continues(),
            tp(VALID),
            ts("foo")));
    // §3.5 mutating tracestate, §3.3.1 header name
    rules.add(
        rule(
            "3.5 a received tracestate MUST be sent on, its order preserved",
            continues("rojo=00f067aa0ba902b7,congo=t61rcWkgMzE"),
            tp(VALID),
            ts("rojo=00f067aa0ba902b7,congo=t61rcWkgMzE")));
    rules.add(
        rule(
            "3.3.1 vendors MUST expect the tracestate header name in any case (TrAcEsTaTe)",
            continues("foo=1"),
            tp(VALID),
            field("TrAcEsTaTe", "foo=1")));
    rules.add(
        rule(
            "3.3.1 the header name is a single word: trace-state is not tracestate",
            continues(),
            tp(VALID),
            field("trace-state", "foo=1")));
    // §3.3.1.1 field values: several fields, empty fields, whitespace, member count
    rules.add(
        rule(
            "3.3.1.1 several tracestate fields MUST be combined into one, in order",
            continues("foo=1,bar=2,rojo=1,congo=2,baz=3"),
            tp(VALID),
            ts("foo=1,bar=2"),
            ts("rojo=1,congo=2"),
            ts("baz=3")));
    rules.add(
        rule(
            "3.3.1.1 vendors MUST accept an empty tracestate (and SHOULD NOT send one)",
            continues(),
            tp(VALID),
            ts("")));
    rules.add(
        rule(
            "3.3.1.1 an empty field before others is an empty list-member",
            continues("foo=1"),
            tp(VALID),
            ts(""),
            ts("foo=1")));
    rules.add(
        rule(
            "3.3.1.1 an empty field after others is an empty list-member",
            continues("foo=1"),
            tp(VALID),
            ts("foo=1"),
            ts("")));
    rules.add(
        rule(
            "3.3.1.1 spaces and tabs surrounding list-members are ignored",
            continues("foo=1,bar=2,baz=3"),
            tp(VALID),
            ts("foo=1 \t , \t bar=2, \t baz=3")));
    rules.add(
        rule(
            "3.3.1.1 empty and whitespace-only list-members are allowed",
            continues("foo=1,bar=2"),
            tp(VALID),
            ts(",foo=1, ,\t,bar=2,")));
    rules.add(
        rule(
            "3.3.1.1 a list of 32 list-members is valid (here across four fields)",
            continues(members(1, 32)),
            tp(VALID),
            ts(members(1, 10)),
            ts(members(11, 20)),
            ts(members(21, 30)),
            ts(members(31, 32))));
    rules.add(
        rule(
            "3.3.1.1 a list has at most 32 list-members: 33 make tracestate invalid",
            continues(),
            tp(VALID),
            ts(members(1, 10)),
            ts(members(11, 20)),
            ts(members(21, 30)),
            ts(members(31, 33))));
    // §3.3.1.3.1 key
    String simpleKey = "abcdefghijklmnopqrstuvwxyz0123456789_-*/";
    String allValueChars = printable(0x20, 0x2B) + printable(0x2D, 0x3C) + printable(0x3E, 0x7E);
    rules.add(
        rule(
            "3.3.1.3.1 simple-key: lcalpha, then lcalpha, DIGIT, _ - * / (all of them)",
            continues(simpleKey + "=1"),
            tp(VALID),
            ts(simpleKey + "=1")));
    rules.add(
        rule(
            "3.3.1.3.1 multi-tenant-key: tenant-id @ system-id (all characters)",
            continues(simpleKey + "@a-z0-9_-*/=1"),
            tp(VALID),
            ts(simpleKey + "@a-z0-9_-*/=1")));
    rules.add(
        rule(
            "3.3.1.3.1 tenant-id may begin with a DIGIT",
            continues("1tenant@system=1"),
            tp(VALID),
            ts("1tenant@system=1")));
    rules.add(
        rule(
            "3.3.1.3.1 simple-key begins with lcalpha: a leading DIGIT is invalid",
            continues(),
            tp(VALID),
            ts("foo=1,1bar=2")));
    rules.add(
        rule(
            "3.3.1.3.1 system-id begins with lcalpha: a leading DIGIT is invalid",
            continues(),
            tp(VALID),
            ts("foo=1,tenant@1system=2")));
    rules.add(
        rule("3.3.1.3.1 keys are lowercase: FOO is invalid", continues(), tp(VALID), ts("FOO=1")));
    rules.add(
        rule(
            "3.3.1.3.1 a key has no other characters: foo.bar is invalid",
            continues(),
            tp(VALID),
            ts("foo.bar=1")));
    rules.add(
        rule(
            "3.3.1.3.1 a key has no trailing space: 'foo =1' is invalid",
            continues(),
            tp(VALID),
            ts("foo =1")));
    for (String key : List.of("foo@", "@foo", "foo@@bar", "foo@bar@baz")) {
      rules.add(
          rule(
              "3.3.1.3.1 multi-tenant-key is exactly tenant-id @ system-id: " + key + " is invalid",
              continues(),
              tp(VALID),
              ts(key + "=1,bar=2")));
    }
    rules.add(
        rule(
            "3.3.1.3.1 simple-key up to 256 characters",
            continues("foo=1," + "z".repeat(256) + "=1"),
            tp(VALID),
            ts("foo=1"),
            ts("z".repeat(256) + "=1")));
    rules.add(
        rule(
            "3.3.1.3.1 simple-key of 257 characters is invalid",
            continues(),
            tp(VALID),
            ts("foo=1"),
            ts("z".repeat(257) + "=1")));
    rules.add(
        rule(
            "3.3.1.3.1 tenant-id up to 241 characters, system-id up to 14",
            continues("foo=1," + "t".repeat(241) + "@" + "v".repeat(14) + "=1"),
            tp(VALID),
            ts("foo=1"),
            ts("t".repeat(241) + "@" + "v".repeat(14) + "=1")));
    rules.add(
        rule(
            "3.3.1.3.1 tenant-id of 242 characters is invalid",
            continues(),
            tp(VALID),
            ts("foo=1"),
            ts("t".repeat(242) + "@v=1")));
    rules.add(
        rule(
            "3.3.1.3.1 system-id of 15 characters is invalid",
            continues(),
            tp(VALID),
            ts("foo=1"),
            ts("t@" + "v".repeat(15) + "=1")));
    // §3.3.1.3.2 value
    rules.add(
        rule(
            "3.3.1.3.2 value: printable ASCII except , and = (all of them, a leading space kept)",
            continues("foo=" + allValueChars),
            tp(VALID),
            ts("foo=" + allValueChars)));
    rules.add(
        rule(
            "3.3.1.3.2 value up to 256 characters",
            continues("foo=" + "v".repeat(256)),
            tp(VALID),
            ts("foo=" + "v".repeat(256))));
    rules.add(
        rule(
            "3.3.1.3.2 value of 257 characters is invalid",
            continues(),
            tp(VALID),
            ts("bar=1,foo=" + "v".repeat(257))));
    rules.add(
        rule(
            "3.3.1.3.2 value ends with a non-blank character: it cannot be empty",
            continues(),
            tp(VALID),
            ts("foo=,bar=3")));
    rules.add(rule("3.3.1.3.2 value excludes '='", continues(), tp(VALID), ts("foo=bar=baz")));
    rules.add(
        rule(
            "3.3.1.3.2 value excludes tabs and other control characters",
            continues(),
            tp(VALID),
            ts("foo=a\tb")));
    // §3.3.1.4 combined header value, §3.3.1.5 limits
    rules.add(
        rule(
            "3.3.1.4 only one entry per key is allowed: a repeated key is invalid",
            continues(),
            tp(VALID),
            ts("foo=1,foo=1")));
    rules.add(
        rule(
            "3.3.1.4 only one entry per key is allowed: also across fields",
            continues(),
            tp(VALID),
            ts("foo=1"),
            ts("foo=2")));
    String long512 =
        IntStream.rangeClosed(1, 4)
            .mapToObj(i -> "k" + i + "=" + "x".repeat(200))
            .collect(Collectors.joining(","));
    rules.add(
        rule(
            "3.3.1.5 vendors SHOULD propagate at least 512 characters: sent whole, never cut",
            continues(long512),
            tp(VALID),
            ts(long512)));
    rules.add(
        rule(
            "3.4 an unsampled caller's tracestate is propagated as well",
            continuesUnsampled("foo=1"),
            tp(UNSAMPLED),
            ts("foo=1")));
    return rules;
  }

  private static Rule rule(String words, Outcome outcome, Field... sent) {
    return new Rule(words, Arrays.asList(sent), outcome);
  }

  private static Outcome continues() {
    return new Outcome.Continues(true, null);
  }

  private static Outcome continues(String tracestate) {
    return new Outcome.Continues(true, tracestate);
  }

  private static Outcome continuesUnsampled(String tracestate) {
    return new Outcome.Continues(false, tracestate);
  }

  private static Outcome restarts() {
    return new Outcome.Restarts();
  }

  private static Field tp(String value) {
    return new Field("traceparent", value);
  }

  private static Field ts(String value) {
    return new Field("tracestate", value);
  }

  private static Field field(String name, String value) {
    return new Field(name, value);
  }

  /** bar01=01,bar02=02,…: the conformance harness's member-count list. */
  private static String members(int from, int to) {
    return IntStream.rangeClosed(from, to)
        .mapToObj(i -> String.format("bar%02d=%02d", i, i))
        .collect(Collectors.joining(","));
  }

  private static String printable(int from, int to) {
    StringBuilder chars = new StringBuilder();
    for (int c = from; c <= to; c++) {
      chars.append((char) c);
    }
    return chars.toString();
  }
}
