package io.outrigger.sidecar.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.net.HostAndPort;
import org.junit.jupiter.api.Test;

/**
 * server.address/port, url.scheme and client.address of a server span: the original request's
 * first, this connection's otherwise (the HTTP conventions' "Setting server.address and
 * server.port").
 */
class OriginalRequestTest {
  private static final HostAndPort HOST = HostAndPort.create("checkout.shop.svc", 8080);

  private static MultiMap headers(String... namesAndValues) {
    MultiMap headers = HttpHeaders.headers();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      headers.add(namesAndValues[i], namesAndValues[i + 1]);
    }
    return headers;
  }

  @Test
  void withoutForwardingHeadersItIsTheHostHeaderAndThePeer() {
    OriginalRequest original = OriginalRequest.of(headers(), HOST, false, "10.0.0.7");
    assertThat(original)
        .isEqualTo(new OriginalRequest("http", "checkout.shop.svc", 8080, "10.0.0.7"));
  }

  @Test
  void aHostWithoutAPortHasItsSchemesDefaultPort() {
    assertThat(OriginalRequest.of(headers(), HostAndPort.create("shop", -1), true, null).port())
        .isEqualTo(443);
    assertThat(OriginalRequest.of(headers(), HostAndPort.create("shop", -1), false, null).port())
        .isEqualTo(80);
  }

  @Test
  void xForwardedHeadersNameTheOriginalRequestsFirstHop() {
    OriginalRequest original =
        OriginalRequest.of(
            headers(
                "x-forwarded-host", "shop.example.com, internal:81",
                "x-forwarded-proto", "https, http",
                "x-forwarded-for", "203.0.113.9, 10.0.0.2"),
            HOST,
            false,
            "10.0.0.7");
    assertThat(original)
        .isEqualTo(new OriginalRequest("https", "shop.example.com", 443, "203.0.113.9"));
  }

  @Test
  void forwardedWinsOverTheXForwardedHeaders() {
    OriginalRequest original =
        OriginalRequest.of(
            headers(
                "forwarded",
                "for=\"[2001:db8:cafe::17]:4711\";proto=https;host=\"shop.example.com:8443\","
                    + " for=10.0.0.2",
                "x-forwarded-host",
                "other",
                "x-forwarded-for",
                "198.51.100.1"),
            HOST,
            false,
            "10.0.0.7");
    assertThat(original)
        .isEqualTo(new OriginalRequest("https", "shop.example.com", 8443, "2001:db8:cafe::17"));
  }

  @Test
  void aForwardedSchemeOtherThanHttpOrHttpsIsIgnoredSoTheMetricAttributeStaysBounded() {
    assertThat(
            OriginalRequest.of(headers("x-forwarded-proto", "gopher"), HOST, true, null).scheme())
        .isEqualTo("https");
  }

  @Test
  void anUnknownOrHiddenForwardedClientFallsBackToThePeer() {
    assertThat(OriginalRequest.of(headers("forwarded", "for=unknown"), HOST, false, "10.0.0.7"))
        .extracting(OriginalRequest::client)
        .isEqualTo("10.0.0.7");
    assertThat(OriginalRequest.of(headers("forwarded", "for=_gazonk"), HOST, false, "10.0.0.7"))
        .extracting(OriginalRequest::client)
        .isEqualTo("10.0.0.7");
  }

  @Test
  void aClientWithAPortIsItsAddressAndABareIpv6AddressIsKept() {
    assertThat(OriginalRequest.nodeAddress("192.0.2.43:47011")).isEqualTo("192.0.2.43");
    assertThat(OriginalRequest.nodeAddress("2001:db8::1")).isEqualTo("2001:db8::1");
    assertThat(OriginalRequest.nodeAddress("[2001:db8::1]")).isEqualTo("2001:db8::1");
  }

  @Test
  void aRequestWithoutAHostHasNoServerAddress() {
    OriginalRequest original = OriginalRequest.of(headers(), null, false, "10.0.0.7");
    assertThat(original.host()).isNull();
    assertThat(original.port()).isEqualTo(-1);
  }
}
