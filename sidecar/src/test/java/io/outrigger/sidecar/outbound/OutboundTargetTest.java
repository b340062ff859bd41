package io.outrigger.sidecar.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OutboundTargetTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "connect|CONNECT|api.example.com:443|||api.example.com|443|api.example.com|443||false",
        "absolute http|GET|http://api.example.com/v1/x?a=b|api.example.com||api.example.com|80|api.example.com|80|/v1/x?a=b|false",
        "absolute with port|GET|http://10.1.2.3:8080|||10.1.2.3|8080|10.1.2.3|8080|/|false",
        "absolute https|GET|https://api.example.com/|||api.example.com|443|api.example.com|443|/|true",
        "captured: original destination, Host names it|GET|/hello|svc.example:8090|192.0.2.6|192.0.2.6|8090|svc.example|8090|/hello|false",
        "captured without Host|GET|/hello||192.0.2.6|192.0.2.6|8090|192.0.2.6|8090|/hello|false",
        "Host header only|GET|/a|backend:9000||backend|9000|backend|9000|/a|false",
        "Host without port|GET|/a|backend||backend|80|backend|80|/a|false",
        "ipv6 connect|CONNECT|[2001:db8::1]:443|||2001:db8::1|443|2001:db8::1|443||false",
      })
  void decides(
      String name,
      String method,
      String target,
      String host,
      String original,
      String connectHost,
      int connectPort,
      String labelHost,
      int port,
      String uri,
      boolean ssl)
      throws Exception {
    OutboundTarget result =
        OutboundTarget.of(method, target, host, original, original == null ? -1 : 8090);
    assertThat(result)
        .isEqualTo(
            new OutboundTarget(
                connectHost, connectPort, labelHost, port, uri == null ? "" : uri, ssl));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "connect without port|CONNECT|api.example.com||CONNECT needs host:port",
        "connect with bad port|CONNECT|api.example.com:99999||CONNECT needs host:port",
        "origin form, no host|GET|/x||no destination",
        "bad absolute uri|GET|http://exa mple.com/||malformed absolute URI",
        "not a target|GET|example.com/x||unsupported request target",
      })
  void refuses(String name, String method, String target, String host, String message) {
    assertThatThrownBy(() -> OutboundTarget.of(method, target, host, null, -1))
        .hasMessageContaining(message);
  }

  @Test
  void destinationLabelsAreBounded() {
    DestinationLabels labels = new DestinationLabels(2);
    assertThat(labels.label("A.example", 80)).isEqualTo("a.example:80");
    assertThat(labels.label("b.example", 443)).isEqualTo("b.example:443");
    assertThat(labels.label("c.example", 80)).isEqualTo(DestinationLabels.OVERFLOW);
    assertThat(labels.label("a.example", 80))
        .as("known ones keep theirs")
        .isEqualTo("a.example:80");
  }

  @Test
  void sniffsHttp() {
    assertThat(OutboundListener.looksLikeHttp(io.vertx.core.buffer.Buffer.buffer("GET / HTTP/1.1")))
        .isTrue();
    assertThat(
            OutboundListener.looksLikeHttp(
                io.vertx.core.buffer.Buffer.buffer("CONNECT a:1 HTTP/1.1")))
        .isTrue();
    assertThat(
            OutboundListener.looksLikeHttp(
                io.vertx.core.buffer.Buffer.buffer(new byte[] {0x16, 3, 1})))
        .as("TLS ClientHello")
        .isFalse();
    assertThat(
            OutboundListener.looksLikeHttp(io.vertx.core.buffer.Buffer.buffer("SSH-2.0-OpenSSH")))
        .isFalse();
    assertThat(OutboundListener.looksLikeHttp(io.vertx.core.buffer.Buffer.buffer("GE"))).isFalse();
  }

  /** Methods longer than OPTIONS are HTTP too: the ambassador used to close their connections. */
  @Test
  void sniffsMethodsLongerThanSevenLetters() {
    assertThat(
            OutboundListener.looksLikeHttp(
                io.vertx.core.buffer.Buffer.buffer("PROPFIND /dav HTTP/1.1")))
        .isTrue();
    assertThat(
            OutboundListener.looksLikeHttp(
                io.vertx.core.buffer.Buffer.buffer("BASELINE-CONTROL /dav HTTP/1.1")))
        .isTrue();
    assertThat(
            OutboundListener.looksLikeHttp(io.vertx.core.buffer.Buffer.buffer("-GET / HTTP/1.1")))
        .as("a method starts with a letter")
        .isFalse();
  }
}
