package io.outrigger.sidecar.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The getter reads a field from all its lines, as RFC 9110 §5.3 and each format define. */
class HeaderCarrierTest {

  static Stream<Arguments> fields() {
    return Stream.of(
        Arguments.of("absent field reads null", "traceparent", List.of(), null),
        Arguments.of("one line is the value", "traceparent", List.of("00-a-b-01"), "00-a-b-01"),
        Arguments.of(
            "RFC 9110 5.5 whitespace around the value is not part of it",
            "traceparent",
            List.of(" \t00-a-b-01\t "),
            "00-a-b-01"),
        Arguments.of(
            "RFC 9110 5.3 a field that is not a list has no value when repeated",
            "traceparent",
            List.of("00-a-b-01", "00-c-d-01"),
            null),
        Arguments.of(
            "RFC 9110 5.3 repeated identical lines are still two values",
            "uber-trace-id",
            List.of("a:b:0:1", "a:b:0:1"),
            null),
        Arguments.of(
            "W3C 3.3.1.1 tracestate lines are combined into one list, in order",
            "tracestate",
            List.of("foo=1,bar=2", " rojo=1 ", "baz=3"),
            "foo=1,bar=2,rojo=1,baz=3"),
        Arguments.of(
            "W3C 3.3.1.1 an empty tracestate line is an empty list-member",
            "tracestate",
            List.of("", "foo=1"),
            ",foo=1"),
        Arguments.of(
            "W3C Baggage lines are combined into one list",
            "baggage",
            List.of("a=1", "b=2"),
            "a=1,b=2"),
        Arguments.of(
            "B3 multiple headers: the first value wins",
            "x-b3-traceid",
            List.of("463ac35c9f6413ad48485a3953bb6124", "a3ce929d0e0e4736"),
            "463ac35c9f6413ad48485a3953bb6124"),
        Arguments.of(
            "B3 single header is not a list: repeated it has no value",
            "b3",
            List.of("a-b-1", "c-d-1"),
            null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fields")
  void readsEveryLineOfAField(String rule, String name, List<String> lines, String expected) {
    MultiMap headers = HttpHeaders.headers();
    lines.forEach(line -> headers.add(name, line));
    assertThat(HeaderCarrier.GETTER.get(headers, name)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fields")
  void namesAreCaseInsensitive(String rule, String name, List<String> lines, String expected) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    lines.forEach(line -> headers.add(name.toUpperCase(), line));
    assertThat(HeaderCarrier.GETTER.get(headers, name)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fields")
  void getAllGivesEveryLineTrimmed(String rule, String name, List<String> lines, String unused) {
    MultiMap headers = HttpHeaders.headers();
    lines.forEach(line -> headers.add(name, line));
    List<String> all = new ArrayList<>();
    HeaderCarrier.GETTER.getAll(headers, name).forEachRemaining(all::add);
    assertThat(all).containsExactlyElementsOf(lines.stream().map(String::strip).toList());
  }
}
