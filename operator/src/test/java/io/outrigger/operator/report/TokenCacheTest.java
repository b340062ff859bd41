package io.outrigger.operator.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** How long an accepted token is remembered ({@link TokenReviewer#cacheFor}). */
class TokenCacheTest {
  private static final Instant NOW = Instant.parse("2026-01-01T10:00:00Z");
  private static final Duration TTL = Duration.ofMinutes(2);

  private static String jwt(String claims) {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    return b64.encodeToString("{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8))
        + "."
        + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8))
        + ".c2lnbmF0dXJl";
  }

  record Case(String name, String token, Duration expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> cases() {
    long now = NOW.getEpochSecond();
    return Stream.of(
        new Case(
            "token valid for an hour: the cache TTL", jwt("{\"exp\": " + (now + 3600) + "}"), TTL),
        new Case(
            "token expiring in 30 s: remembered 30 s",
            jwt("{\"exp\": " + (now + 30) + "}"),
            Duration.ofSeconds(30)),
        new Case(
            "token already expired: not remembered",
            jwt("{\"exp\": " + (now - 1) + "}"),
            Duration.ZERO),
        new Case("no exp claim: the cache TTL", jwt("{\"sub\": \"x\"}"), TTL),
        new Case("exp not a number: the cache TTL", jwt("{\"exp\": \"soon\"}"), TTL),
        new Case("not a JWT: the cache TTL", "opaque-token", TTL),
        new Case("payload not base64: the cache TTL", "a.%%%.c", TTL),
        new Case("payload not JSON: the cache TTL", "a.bm90IGpzb24.c", TTL));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void remembersAcceptedTokensNoLongerThanTheyLive(Case c) {
    assertThat(TokenReviewer.cacheFor(c.token(), TTL, NOW)).isEqualTo(c.expected());
  }
}
