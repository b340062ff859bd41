package io.outrigger.sidecar.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.semconv.HttpAttributes.HttpRequestMethodValues;
import io.outrigger.config.Defaults;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The HTTP semantic conventions' rules, one test per rule (docs/sidecar-proxy.md). */
class HttpConventionsTest {
  private final HttpConventions conventions = new HttpConventions(Defaults.HTTP_KNOWN_METHODS);

  @Test
  void aKnownMethodIsRecordedAsItIsWithNoOriginal() {
    assertThat(conventions.method("GET")).isEqualTo("GET");
    assertThat(conventions.methodOriginal("GET")).isNull();
  }

  @Test
  void anUnknownMethodIsOtherAndTheSpanIsNamedHttp() {
    assertThat(conventions.method("PROPFIND")).isEqualTo("_OTHER");
    assertThat(conventions.methodOriginal("PROPFIND")).isEqualTo("PROPFIND");
    assertThat(conventions.spanName("PROPFIND", null)).isEqualTo("HTTP");
  }

  @Test
  void anUnknownMethodWithARouteIsNamedHttpAndTheRoute() {
    assertThat(conventions.spanName("PROPFIND", "/files/{name}")).isEqualTo("HTTP /files/{name}");
  }

  @Test
  void methodsAreCaseSensitiveSoALowerCaseGetIsOther() {
    assertThat(conventions.method("get")).isEqualTo("_OTHER");
    assertThat(conventions.methodOriginal("get")).isEqualTo("get");
    assertThat(conventions.spanName("get", "/users/{id}")).isEqualTo("HTTP /users/{id}");
  }

  @Test
  void theKnownMethodsListReplacesTheDefaultsWhole() {
    HttpConventions webdav = new HttpConventions(List.of("GET", "PROPFIND"));
    assertThat(webdav.method("PROPFIND")).isEqualTo("PROPFIND");
    assertThat(webdav.spanName("PROPFIND", null)).isEqualTo("PROPFIND");
    assertThat(webdav.method("POST")).as("not added to the defaults").isEqualTo("_OTHER");
  }

  @Test
  void theDefaultKnownMethodsAreTheConventionsStableListAndQuery() {
    assertThat(Defaults.HTTP_KNOWN_METHODS)
        .containsExactlyInAnyOrder(
            HttpRequestMethodValues.CONNECT,
            HttpRequestMethodValues.DELETE,
            HttpRequestMethodValues.GET,
            HttpRequestMethodValues.HEAD,
            HttpRequestMethodValues.OPTIONS,
            HttpRequestMethodValues.PATCH,
            HttpRequestMethodValues.POST,
            HttpRequestMethodValues.PUT,
            HttpRequestMethodValues.TRACE,
            "QUERY");
    assertThat(HttpConventions.OTHER_METHOD).isEqualTo(HttpRequestMethodValues.OTHER);
  }

  @Test
  void aSpanIsNamedByMethodAndRouteAndByTheMethodAloneWithoutOne() {
    assertThat(conventions.spanName("GET", "/users/{id}")).isEqualTo("GET /users/{id}");
    assertThat(conventions.spanName("POST", null)).isEqualTo("POST");
  }

  @ParameterizedTest(name = "{0} {1}: error {2}")
  @CsvSource({
    "SERVER, 200, false",
    "SERVER, 302, false",
    "SERVER, 404, false",
    "SERVER, 429, false",
    "SERVER, 500, true",
    "SERVER, 503, true",
    "CLIENT, 200, false",
    "CLIENT, 304, false",
    "CLIENT, 404, true",
    "CLIENT, 500, true",
    "SERVER, 99, true",
    "CLIENT, 600, true"
  })
  void fourHundredsAreErrorsOnTheClientSideOnlyAndFiveHundredsOnBoth(
      SpanKind kind, int status, boolean error) {
    assertThat(HttpConventions.isErrorStatus(kind, status)).isEqualTo(error);
    assertThat(HttpConventions.errorType(kind, status, null))
        .isEqualTo(error ? Integer.toString(status) : null);
  }

  @Test
  void aFailureIsTheErrorTypeWhateverTheStatus() {
    assertThat(HttpConventions.errorType(SpanKind.SERVER, 200, "upstream_reset"))
        .isEqualTo("upstream_reset");
    assertThat(HttpConventions.errorType(SpanKind.CLIENT, 0, "circuit_open"))
        .isEqualTo("circuit_open");
  }

  @Test
  void noStatusAndNoFailureIsNoErrorType() {
    assertThat(HttpConventions.errorType(SpanKind.SERVER, 0, null)).isNull();
  }

  @Test
  void signatureQueryValuesAreRedactedAndTheirKeysKept() {
    assertThat(
            HttpConventions.redactQuery(
                "color=blue&sig=abc&Signature=x%2By&AWSAccessKeyId=AKIA&X-Goog-Signature=00"))
        .isEqualTo(
            "color=blue&sig=REDACTED&Signature=REDACTED&AWSAccessKeyId=REDACTED"
                + "&X-Goog-Signature=REDACTED");
  }

  @Test
  void aQueryWithoutSignaturesIsUnchanged() {
    String query = "q=OpenTelemetry&signature_page=2&sigma=1";
    assertThat(HttpConventions.redactQuery(query)).isSameAs(query);
    assertThat(HttpConventions.redactQuery("sigma=1&sig")).isEqualTo("sigma=1&sig");
  }
}
