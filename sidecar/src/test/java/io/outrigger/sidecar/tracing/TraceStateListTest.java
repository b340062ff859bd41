package io.outrigger.sidecar.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.TraceState;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * W3C Trace Context Level 1 §3.3.1 list rules on the combined value; {@code INVALID} means the
 * whole tracestate is dropped. The same rules end to end: {@link W3CTraceContextRulesTest}.
 */
class TraceStateListTest {
  private static final String INVALID = "INVALID";

  static Stream<Arguments> lists() {
    return Stream.of(
        list("3.3.1.1 absent: no members", null, ""),
        list("3.3.1.1 vendors MUST accept an empty tracestate", "", ""),
        list("3.3.1.1 whitespace-only members are allowed", " ,\t, ", ""),
        list("3.3.1.2 one member", "congo=t61rcWkgMzE", "congo=t61rcWkgMzE"),
        list("3.5 order is preserved", "rojo=1,congo=2,a=3", "rojo=1,congo=2,a=3"),
        list("3.3.1.1 OWS around members is ignored", " a=1 ,\tb=2\t", "a=1,b=2"),
        list("3.3.1.1 32 members are valid", members(32), members(32)),
        list("3.3.1.1 33 members are invalid", members(33), INVALID),
        list("3.3.1.1 empty members do not count towards 32", members(32) + ",,,", members(32)),
        list("3.3.1.2 a member without '=' is invalid", "a=1,b", INVALID),
        list("3.3.1.3.1 a key cannot be empty", "=1", INVALID),
        list("3.3.1.3.1 simple-key of 1 character", "a=1", "a=1"),
        list("3.3.1.3.1 simple-key of 256 characters", key(256) + "=1", key(256) + "=1"),
        list("3.3.1.3.1 simple-key of 257 characters is invalid", key(257) + "=1", INVALID),
        list("3.3.1.3.1 simple-key starts with lcalpha, not a DIGIT", "0a=1", INVALID),
        list("3.3.1.3.1 simple-key starts with lcalpha, not '_'", "_a=1", INVALID),
        list("3.3.1.3.1 key characters: uppercase is invalid", "aB=1", INVALID),
        list("3.3.1.3.1 key characters: '.' is invalid", "a.b=1", INVALID),
        list("3.3.1.3.1 tenant-id may start with a DIGIT", "0t@s=1", "0t@s=1"),
        list("3.3.1.3.1 tenant-id cannot start with '-'", "-t@s=1", INVALID),
        list(
            "3.3.1.3.1 tenant-id of 241 and system-id of 14",
            key(241) + "@" + key(14) + "=1",
            key(241) + "@" + key(14) + "=1"),
        list("3.3.1.3.1 tenant-id of 242 is invalid", key(242) + "@s=1", INVALID),
        list("3.3.1.3.1 system-id of 15 is invalid", "t@" + key(15) + "=1", INVALID),
        list("3.3.1.3.1 system-id starts with lcalpha", "t@1s=1", INVALID),
        list("3.3.1.3.1 system-id cannot be empty", "t@=1", INVALID),
        list("3.3.1.3.1 tenant-id cannot be empty", "@s=1", INVALID),
        list("3.3.1.3.1 one '@' only", "t@s@x=1", INVALID),
        list("3.3.1.3.2 value cannot be empty", "a=", INVALID),
        list("3.3.1.3.2 value may start with a space", "a= 1", "a= 1"),
        list("3.3.1.3.2 a space inside a value is kept", "a=1 2", "a=1 2"),
        list("3.3.1.3.2 value of 256 characters", "a=" + "v".repeat(256), "a=" + "v".repeat(256)),
        list("3.3.1.3.2 value of 257 characters is invalid", "a=" + "v".repeat(257), INVALID),
        list("3.3.1.3.2 value excludes '='", "a=b=c", INVALID),
        list("3.3.1.3.2 value excludes tabs", "a=b\tc", INVALID),
        list("3.3.1.3.2 value excludes non-ASCII", "a=caf\u00e9", INVALID),
        list("3.3.1.3.2 value excludes DEL", "a=b\u007f", INVALID),
        list("3.3.1.4 only one entry per key", "a=1,b=2,a=3", INVALID),
        list("3.3.1.4 the same entry twice is still two", "a=1,a=1", INVALID));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("lists")
  void parsesTheCombinedValue(String rule, String combined, String expected) {
    Optional<TraceState> parsed = TraceStateList.parse(combined);
    assertThat(parsed.map(TraceStateListTest::render).orElse(INVALID)).isEqualTo(expected);
  }

  private static Arguments list(String rule, String combined, String expected) {
    return Arguments.of(rule, combined, expected);
  }

  private static String render(TraceState state) {
    StringJoiner out = new StringJoiner(",");
    state.forEach((key, value) -> out.add(key + "=" + value));
    return out.toString();
  }

  private static String members(int count) {
    return IntStream.rangeClosed(1, count)
        .mapToObj(i -> "k" + i + "=" + i)
        .collect(Collectors.joining(","));
  }

  private static String key(int length) {
    return "k".repeat(length);
  }
}
