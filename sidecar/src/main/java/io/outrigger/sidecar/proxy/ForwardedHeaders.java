package io.outrigger.sidecar.proxy;

import io.netty.util.AsciiString;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What a well-behaved intermediary does to headers (RFC 9110 §7.6.1): hop-by-hop headers (the fixed
 * ones and every header named in {@code Connection}) are not copied either way; {@code
 * X-Forwarded-For/Proto/Host} and an {@code x-request-id} are added on the way in; the client's
 * Host is kept so virtual hosting in the app still works.
 */
public final class ForwardedHeaders {
  public static final String REQUEST_ID = "x-request-id";

  /**
   * Connection-specific headers, plus Expect (the sidecar answered 100-continue itself) and Host
   * (set from the authority). Case-insensitive without lower-casing every header name of every
   * request.
   */
  private static final List<String> HOP_BY_HOP =
      List.of(
          "connection",
          "keep-alive",
          "proxy-connection",
          "proxy-authenticate",
          "proxy-authorization",
          "te",
          "trailer",
          "transfer-encoding",
          "upgrade");

  private static final Set<String> NOT_FORWARDED = caseInsensitive(HOP_BY_HOP, "expect", "host");

  private static final Set<String> NOT_RETURNED = caseInsensitive(HOP_BY_HOP);

  /**
   * The same names for headers edited in place (Host stays there: it is the client's own), as
   * {@code AsciiString}s: Netty's header maps keep their hash, so a lookup does not hash the name
   * again on every request.
   */
  private static final AsciiString[] NOT_FORWARDED_IN_PLACE = ascii(HOP_BY_HOP, "expect");

  private static final AsciiString[] NOT_RETURNED_IN_PLACE = ascii(HOP_BY_HOP);

  private static final AsciiString HOST = AsciiString.cached("host");
  private static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");
  private static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
  private static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
  private static final AsciiString X_REQUEST_ID = AsciiString.cached(REQUEST_ID);
  private static final AsciiString CONNECTION = AsciiString.cached("connection");

  private ForwardedHeaders() {}

  /**
   * The headers to send to the app for {@code request}. For a WebSocket upgrade the {@code
   * Connection: Upgrade} and {@code Upgrade} headers are kept: they are the point of the request.
   */
  static MultiMap forApp(HttpServerRequest request, boolean upgrade) {
    MultiMap in = request.headers();
    // Vert.x's own header map: it encodes straight into Netty without another copy.
    MultiMap out = HttpHeaders.headers();
    copyEndToEnd(in, out, NOT_FORWARDED);
    if (upgrade) {
      out.set("connection", "Upgrade");
      out.set("upgrade", in.get("upgrade"));
    }
    if (request.authority() != null) {
      out.set("host", request.authority().toString());
      if (!out.contains("x-forwarded-host")) {
        out.set("x-forwarded-host", request.authority().toString());
      }
    }
    SocketAddress client = request.remoteAddress();
    if (client != null && client.hostAddress() != null) {
      String previous = out.get("x-forwarded-for");
      out.set(
          "x-forwarded-for",
          previous == null ? client.hostAddress() : previous + ", " + client.hostAddress());
    }
    if (!out.contains("x-forwarded-proto")) {
      out.set("x-forwarded-proto", request.isSSL() ? "https" : "http");
    }
    if (!out.contains(REQUEST_ID)) {
      out.set(REQUEST_ID, newRequestId());
    }
    return out;
  }

  /**
   * Turns a decoded HTTP/1.x request's own headers into the app's, in place: the same rules as
   * {@link #forApp}, without a second map. The Host header is the client's and stays.
   */
  static void editForApp(MultiMap headers, String clientAddress) {
    removeHopByHop(headers, NOT_FORWARDED_IN_PLACE);
    String host = headers.get(HOST);
    if (host != null && !headers.contains(X_FORWARDED_HOST)) {
      headers.set(X_FORWARDED_HOST, host);
    }
    if (clientAddress != null) {
      String previous = headers.get(X_FORWARDED_FOR);
      headers.set(
          X_FORWARDED_FOR, previous == null ? clientAddress : previous + ", " + clientAddress);
    }
    if (!headers.contains(X_FORWARDED_PROTO)) {
      headers.set(X_FORWARDED_PROTO, "http");
    }
    if (!headers.contains(X_REQUEST_ID)) {
      headers.set(X_REQUEST_ID, newRequestId());
    }
  }

  /** Turns the app's response headers into the client's, in place (see {@link #toClient}). */
  static void editForClient(MultiMap headers) {
    removeHopByHop(headers, NOT_RETURNED_IN_PLACE);
  }

  private static void removeHopByHop(MultiMap headers, AsciiString[] fixed) {
    Set<String> declared = headers.contains(CONNECTION) ? connectionTokens(headers) : Set.of();
    for (AsciiString name : fixed) {
      headers.remove(name);
    }
    for (String name : declared) {
      headers.remove(name);
    }
  }

  private static AsciiString[] ascii(List<String> names, String... more) {
    return java.util.stream.Stream.concat(names.stream(), java.util.Arrays.stream(more))
        .map(AsciiString::cached)
        .toArray(AsciiString[]::new);
  }

  /**
   * The headers the ambassador sends on for an app's outbound request: the app's, without the
   * hop-by-hop ones (which include the {@code Proxy-*} credentials meant for a proxy) and without
   * Host, which the HTTP client sets from {@code authority}. The app's {@code x-request-id} is
   * kept; none is invented (the app is the origin of the call). X-Forwarded-* are not added: the
   * app is the client, not someone the sidecar forwards for.
   */
  public static MultiMap forUpstream(MultiMap in) {
    MultiMap out = HttpHeaders.headers();
    copyEndToEnd(in, out, NOT_FORWARDED);
    return out;
  }

  /** Copies the app's response headers to the client's response, without the hop-by-hop ones. */
  public static void toClient(MultiMap fromApp, MultiMap toClient) {
    copyEndToEnd(fromApp, toClient, NOT_RETURNED);
  }

  /**
   * Adds {@code from}'s headers to {@code to}, except those in {@code excluded} and those its
   * {@code Connection} header names.
   */
  private static void copyEndToEnd(MultiMap from, MultiMap to, Set<String> excluded) {
    Set<String> skip = connectionTokens(from);
    for (Map.Entry<String, String> header : from) {
      String name = header.getKey();
      if (!excluded.contains(name) && (skip.isEmpty() || !skip.contains(name))) {
        to.add(name, header.getValue());
      }
    }
  }

  /** Header names listed in {@code Connection}: hop-by-hop by declaration. */
  private static Set<String> connectionTokens(MultiMap headers) {
    List<String> fields = headers.getAll("connection");
    if (fields.isEmpty()) {
      return Set.of();
    }
    if (fields.size() == 1
        && (fields.get(0).equalsIgnoreCase("keep-alive")
            || fields.get(0).equalsIgnoreCase("close"))) {
      return Set.of(); // the common cases name no other header
    }
    // Every field: several Connection fields are one list (RFC 9110 §5.3).
    Set<String> tokens = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    for (String connection : fields) {
      for (String token : connection.split(",")) {
        String name = token.trim().toLowerCase(Locale.ROOT);
        if (!name.isEmpty()) {
          tokens.add(name);
        }
      }
    }
    return tokens;
  }

  private static Set<String> caseInsensitive(List<String> names, String... more) {
    Set<String> set = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    set.addAll(names);
    set.addAll(List.of(more));
    return java.util.Collections.unmodifiableSet(set);
  }

  /**
   * A random UUID without SecureRandom's cost and contention: request ids need uniqueness, not
   * secrecy.
   */
  private static String newRequestId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long high = (random.nextLong() & ~0xF000L) | 0x4000L;
    long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(high, low).toString();
  }
}
