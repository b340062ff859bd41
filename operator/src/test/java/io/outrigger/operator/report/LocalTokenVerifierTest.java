package io.outrigger.operator.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.outrigger.operator.report.TokenReviewer.Identity;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Local verification of sidecar tokens signed here with generated keys: only a token that passes
 * every check is accepted without TokenReview; every other one is sent to TokenReview (the fallback
 * is asked), never refused and never accepted locally.
 */
class LocalTokenVerifierTest {
  private static final Instant NOW = Instant.parse("2026-01-01T10:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private static final String ISSUER = "https://kubernetes.default.svc.cluster.local";
  private static final String POD_UID = "7d1c2b36-0c55-4f0a-9a53-3b2f6f1f0e01";
  private static final Identity SHOP_WEB_1 = new Identity("shop", "web", Optional.of("web-1"));
  private static final Identity FROM_TOKEN_REVIEW =
      new Identity("review", "said-so", Optional.empty());

  private static RSAKey rsa;
  private static RSAKey otherRsa;
  private static ECKey ec;

  @BeforeAll
  static void keys() throws JOSEException {
    rsa = new RSAKeyGenerator(2048).keyID("rsa-1").algorithm(JWSAlgorithm.RS256).generate();
    otherRsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
    ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
  }

  /** A fixed key set that counts the reloads a verifier asks for. */
  private static final class FixedKeys implements IssuerKeys.Source {
    private final IssuerKeys keys;
    final AtomicInteger reloads = new AtomicInteger();

    FixedKeys(IssuerKeys keys) {
      this.keys = keys;
    }

    @Override
    public Optional<IssuerKeys> current() {
      return Optional.ofNullable(keys);
    }

    @Override
    public Optional<IssuerKeys> afterUnknownKey() {
      reloads.incrementAndGet();
      return current();
    }
  }

  private static IssuerKeys published() {
    return new IssuerKeys(ISSUER, new JWKSet(List.of(rsa.toPublicJWK(), ec.toPublicJWK())));
  }

  private static Pod pod(String namespace, String name, String uid, String account) {
    return new PodBuilder()
        .withNewMetadata()
        .withNamespace(namespace)
        .withName(name)
        .withUid(uid)
        .endMetadata()
        .withNewSpec()
        .withServiceAccountName(account)
        .endSpec()
        .build();
  }

  private static final Pod WEB_1 = pod("shop", "web-1", POD_UID, "web");

  /** The claims kube-apiserver puts in a kubelet's projected token for pod web-1. */
  private static JWTClaimsSet.Builder bound() {
    return new JWTClaimsSet.Builder()
        .issuer(ISSUER)
        .subject("system:serviceaccount:shop:web")
        .audience(List.of("outrigger"))
        .expirationTime(Date.from(NOW.plus(Duration.ofMinutes(10))))
        .notBeforeTime(Date.from(NOW.minusSeconds(5)))
        .issueTime(Date.from(NOW.minusSeconds(5)))
        .claim(
            "kubernetes.io",
            Map.of(
                "namespace",
                "shop",
                "serviceaccount",
                Map.of("name", "web", "uid", "0b3c1e1a-5d8f-4c1e-8e8c-1f1e1a1b1c1d"),
                "pod",
                Map.of("name", "web-1", "uid", POD_UID)));
  }

  private static String signed(JWK key, JWSAlgorithm alg, JWTClaimsSet claims) {
    try {
      SignedJWT jwt =
          new SignedJWT(new JWSHeader.Builder(alg).keyID(key.getKeyID()).build(), claims);
      jwt.sign(key instanceof RSAKey r ? new RSASSASigner(r) : new ECDSASigner((ECKey) key));
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String rs256(JWTClaimsSet claims) {
    return signed(rsa, JWSAlgorithm.RS256, claims);
  }

  /** Verifies {@code token} as TokenReviewer does, recording whether TokenReview was asked. */
  private record Outcome(Optional<Identity> identity, boolean askedTokenReview, int reloads) {}

  private static Outcome review(String token, IssuerKeys keys, List<Pod> pods) {
    FixedKeys source = new FixedKeys(keys);
    LocalTokenVerifier local =
        new LocalTokenVerifier(
            source,
            (namespace, name) ->
                pods.stream()
                    .filter(
                        p ->
                            p.getMetadata().getNamespace().equals(namespace)
                                && p.getMetadata().getName().equals(name))
                    .findFirst(),
            CLOCK);
    List<String> asked = new ArrayList<>();
    TokenReviewer reviewer =
        new TokenReviewer(
            local::check,
            t -> {
              asked.add(t);
              return Optional.of(FROM_TOKEN_REVIEW);
            },
            Duration.ofMinutes(2));
    Optional<Identity> identity = reviewer.review(token);
    return new Outcome(identity, asked.contains(token), source.reloads.get());
  }

  @Test
  void aBoundTokenOfACachedPodIsAcceptedWithoutTokenReview() {
    Outcome outcome = review(rs256(bound().build()), published(), List.of(WEB_1));
    assertThat(outcome.identity()).contains(SHOP_WEB_1);
    assertThat(outcome.askedTokenReview()).isFalse();
  }

  @Test
  void anEs256TokenUnderAnEcKeyIsAcceptedToo() {
    Outcome outcome =
        review(signed(ec, JWSAlgorithm.ES256, bound().build()), published(), List.of(WEB_1));
    assertThat(outcome.identity()).contains(SHOP_WEB_1);
    assertThat(outcome.askedTokenReview()).isFalse();
  }

  @Test
  void anAcceptedTokenIsRememberedLikeAReviewedOne() {
    FixedKeys source = new FixedKeys(published());
    AtomicInteger localChecks = new AtomicInteger();
    LocalTokenVerifier local =
        new LocalTokenVerifier(source, (namespace, name) -> Optional.of(WEB_1), CLOCK);
    TokenReviewer reviewer =
        new TokenReviewer(
            token -> {
              localChecks.incrementAndGet();
              return local.check(token);
            },
            token -> Optional.empty(),
            Duration.ofMinutes(2));
    // The cache measures the token's remaining life on the real clock.
    String token =
        rs256(
            bound().expirationTime(Date.from(Instant.now().plus(Duration.ofMinutes(10)))).build());
    assertThat(reviewer.review(token)).contains(SHOP_WEB_1);
    assertThat(reviewer.review(token)).contains(SHOP_WEB_1);
    assertThat(localChecks).hasValue(1);
  }

  record Case(String name, String token, IssuerKeys keys, List<Pod> pods) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static Case claims(String name, UnaryOperator<JWTClaimsSet.Builder> edit) {
    return new Case(name, rs256(edit.apply(bound()).build()), published(), List.of(WEB_1));
  }

  /** Tokens TokenReview would refuse, or reports refuse anyway: no request is spent on them. */
  static Stream<Case> refusedLocally() {
    return Stream.of(
        claims("wrong audience", c -> c.audience(List.of("api"))),
        claims("no audience", c -> c.audience((String) null)),
        claims("expired", c -> c.expirationTime(Date.from(NOW.minusSeconds(1)))),
        claims("expiring now", c -> c.expirationTime(Date.from(NOW))),
        claims("no expiry", c -> c.expirationTime(null)),
        claims("legacy token (no kubernetes.io claim)", c -> c.claim("kubernetes.io", null)),
        claims(
            "unbound token (no pod)",
            c ->
                c.claim(
                    "kubernetes.io",
                    Map.of("namespace", "shop", "serviceaccount", Map.of("name", "web")))),
        new Case(
            "bad signature (another key, same kid)",
            signed(otherRsa, JWSAlgorithm.RS256, bound().build()),
            published(),
            List.of(WEB_1)),
        new Case("not a JWT", "not-a-jwt", published(), List.of(WEB_1)),
        new Case("not a JWT, no keys loaded", "not-a-jwt", null, List.of(WEB_1)),
        new Case("unsigned (alg none)", unsigned(), published(), List.of(WEB_1)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusedLocally")
  void refusedWithoutTokenReview(Case c) {
    Outcome outcome = review(c.token(), c.keys(), c.pods());
    assertThat(outcome.askedTokenReview()).isFalse();
    assertThat(outcome.identity()).isEmpty();
  }

  private static String unsigned() {
    String rs = rs256(bound().build());
    String header =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8));
    return header + rs.substring(rs.indexOf('.'));
  }

  static Stream<Case> fallsThrough() {
    return Stream.of(
        claims("not yet valid", c -> c.notBeforeTime(Date.from(NOW.plusSeconds(120)))),
        claims("issued in the future", c -> c.issueTime(Date.from(NOW.plusSeconds(120)))),
        claims("wrong issuer", c -> c.issuer("https://elsewhere.example")),
        claims("subject of another account", c -> c.subject("system:serviceaccount:shop:db")),
        new Case(
            "unknown kid",
            signed(
                new RSAKey.Builder(otherRsa).keyID("rsa-2").build(),
                JWSAlgorithm.RS256,
                bound().build()),
            published(),
            List.of(WEB_1)),
        new Case(
            "algorithm the key is not for (RS512 under an RS256 key)",
            signed(rsa, JWSAlgorithm.RS512, bound().build()),
            published(),
            List.of(WEB_1)),
        new Case("no keys loaded", rs256(bound().build()), null, List.of(WEB_1)),
        new Case("pod missing", rs256(bound().build()), published(), List.of()),
        new Case(
            "pod uid differs (recreated under the same name)",
            rs256(bound().build()),
            published(),
            List.of(pod("shop", "web-1", "another-uid", "web"))),
        new Case(
            "pod's service account differs",
            rs256(bound().build()),
            published(),
            List.of(pod("shop", "web-1", POD_UID, "db"))),
        new Case(
            "pod being deleted",
            rs256(bound().build()),
            published(),
            List.of(
                new PodBuilder(WEB_1)
                    .editMetadata()
                    .withDeletionTimestamp(NOW.toString())
                    .endMetadata()
                    .build())));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fallsThrough")
  void everyOtherTokenGoesToTokenReview(Case c) {
    Outcome outcome = review(c.token(), c.keys(), c.pods());
    assertThat(outcome.askedTokenReview()).isTrue();
    assertThat(outcome.identity()).contains(FROM_TOKEN_REVIEW);
  }

  @Test
  void anUnknownKidAsksForOneReload() {
    String token =
        signed(
            new RSAKey.Builder(otherRsa).keyID("rsa-2").build(),
            JWSAlgorithm.RS256,
            bound().build());
    assertThat(review(token, published(), List.of(WEB_1)).reloads()).isEqualTo(1);
    assertThat(review(rs256(bound().build()), published(), List.of(WEB_1)).reloads()).isZero();
  }
}
