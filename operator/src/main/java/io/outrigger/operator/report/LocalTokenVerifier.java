package io.outrigger.operator.report;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.fabric8.kubernetes.api.model.Pod;
import io.outrigger.api.Names;
import io.outrigger.operator.report.TokenReviewer.Identity;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.Optional;

/**
 * Accepts a sidecar's bound service-account token without asking the API server: the signature
 * under the issuer's published keys, the claims, and the bound pod as the operator's pod informer
 * holds it. It refuses only what TokenReview would refuse too, or what reports refuse anyway: a
 * token of the wrong shape ({@link TokenShape}: not a signed JWT, another audience, expired, not
 * bound to a pod) and one whose signature fails under the published key its {@code kid} names.
 * Whatever else it does not accept goes to TokenReview unchanged, so a token it misjudges costs a
 * review, not a sidecar.
 *
 * <p>What it checks is what the API server's own service-account authenticator checks for a bound
 * token, with one difference: the service account's uid is not compared with a live ServiceAccount
 * (the operator has no ServiceAccount informer). The bound pod's uid is compared, and a pod runs as
 * one service account for its whole life, so a token of a deleted and recreated service account is
 * only accepted while the pod it was minted for still exists, which is also what a sidecar's token
 * is for.
 */
public final class LocalTokenVerifier {
  /** What {@link LocalTokenVerifier} asks about the pod a token is bound to. */
  @FunctionalInterface
  public interface BoundPods {
    /** The pod as the operator's informer holds it; empty when it does not (yet) hold it. */
    Optional<Pod> find(String namespace, String name);
  }

  /** Clock skew tolerated on {@code nbf} and {@code iat}; {@code exp} gets none. */
  static final Duration CLOCK_SKEW = Duration.ofSeconds(60);

  static final String KUBERNETES_CLAIM = "kubernetes.io";

  private final IssuerKeys.Source keys;
  private final BoundPods pods;
  private final Clock clock;

  public LocalTokenVerifier(IssuerKeys.Source keys, BoundPods pods, Clock clock) {
    this.keys = keys;
    this.pods = pods;
    this.clock = clock;
  }

  /**
   * What the local check says of a token: accepted with an identity, refused with the reason, or
   * neither (ask TokenReview).
   */
  public record Verdict(Optional<Identity> identity, Optional<String> refusal) {
    static final Verdict ASK_TOKEN_REVIEW = new Verdict(Optional.empty(), Optional.empty());

    static Verdict accepted(Identity identity) {
      return new Verdict(Optional.of(identity), Optional.empty());
    }

    static Verdict refused(String why) {
      return new Verdict(Optional.empty(), Optional.of(why));
    }

    static Verdict of(Optional<Identity> identity) {
      return identity.map(Verdict::accepted).orElse(ASK_TOKEN_REVIEW);
    }
  }

  /** The token's identity when it verifies locally; empty: refused, or ask TokenReview. */
  public Optional<Identity> verify(String token) {
    return check(token).identity();
  }

  /** Accepted, refused, or to be asked of TokenReview. */
  public Verdict check(String token) {
    Optional<String> wrongShape = TokenShape.refusal(token, clock.instant());
    if (wrongShape.isPresent()) {
      return Verdict.refused(wrongShape.get());
    }
    try {
      return verifyOrThrow(token);
    } catch (ParseException | JOSEException | RuntimeException e) {
      // Unexpected shapes of claims, a key nimbus cannot use: TokenReview decides.
      return Verdict.ASK_TOKEN_REVIEW;
    }
  }

  private Verdict verifyOrThrow(String token) throws ParseException, JOSEException {
    Optional<IssuerKeys> current = keys.current();
    if (current.isEmpty()) {
      return Verdict.ASK_TOKEN_REVIEW;
    }
    SignedJWT jwt = SignedJWT.parse(token);
    String kid = jwt.getHeader().getKeyID();
    if (kid == null) {
      return Verdict.ASK_TOKEN_REVIEW;
    }
    JWK key = current.get().keys().getKeyByKeyId(kid);
    if (key == null) {
      current = keys.afterUnknownKey();
      key = current.map(k -> k.keys().getKeyByKeyId(kid)).orElse(null);
      if (key == null) {
        return Verdict.ASK_TOKEN_REVIEW;
      }
    }
    Optional<JWSVerifier> verifier = verifier(key, jwt.getHeader().getAlgorithm());
    if (verifier.isEmpty()) {
      return Verdict.ASK_TOKEN_REVIEW;
    }
    if (!jwt.verify(verifier.get())) {
      // The API server verifies with the keys it publishes: it would refuse this one too.
      return Verdict.refused("signature does not verify under the issuer's key " + kid);
    }
    return Verdict.of(claims(jwt.getJWTClaimsSet(), current.get().issuer()));
  }

  /**
   * A verifier only for the algorithm the key is for: RS256 with an RSA key, ES256 with a P-256 key
   * (what kube-apiserver signs with), and never an algorithm the header chose alone.
   */
  private static Optional<JWSVerifier> verifier(JWK key, JWSAlgorithm algorithm)
      throws JOSEException {
    if (key.getAlgorithm() != null && !key.getAlgorithm().equals(algorithm)) {
      return Optional.empty();
    }
    if (key instanceof RSAKey rsa && JWSAlgorithm.RS256.equals(algorithm)) {
      return Optional.of(new RSASSAVerifier(rsa.toRSAPublicKey()));
    }
    if (key instanceof ECKey ec
        && Curve.P_256.equals(ec.getCurve())
        && JWSAlgorithm.ES256.equals(algorithm)) {
      return Optional.of(new ECDSAVerifier(ec.toECPublicKey()));
    }
    return Optional.empty();
  }

  private Optional<Identity> claims(JWTClaimsSet claims, String issuer) throws ParseException {
    Instant now = clock.instant();
    if (!issuer.equals(claims.getIssuer())
        || claims.getAudience() == null
        || !claims.getAudience().contains(Names.TOKEN_AUDIENCE)
        || !before(now, claims.getExpirationTime())
        || inFuture(claims.getNotBeforeTime(), now)
        || inFuture(claims.getIssueTime(), now)) {
      return Optional.empty();
    }
    Map<String, Object> kubernetes = claims.getJSONObjectClaim(KUBERNETES_CLAIM);
    if (kubernetes == null) {
      return Optional.empty(); // a legacy Secret token: TokenReview looks up its Secret
    }
    String namespace = text(kubernetes.get("namespace"));
    String account = text(member(kubernetes, "serviceaccount", "name"));
    String podName = text(member(kubernetes, "pod", "name"));
    String podUid = text(member(kubernetes, "pod", "uid"));
    if (namespace == null || account == null || podName == null || podUid == null) {
      return Optional.empty(); // not bound to a pod: nothing local to check it against
    }
    if (!(TokenReviewer.SERVICE_ACCOUNT_PREFIX + namespace + ":" + account)
        .equals(claims.getSubject())) {
      return Optional.empty();
    }
    Optional<Pod> pod = pods.find(namespace, podName);
    if (pod.isEmpty() || !boundTo(pod.get(), namespace, podUid, account)) {
      return Optional.empty();
    }
    return Optional.of(new Identity(namespace, account, Optional.of(podName)));
  }

  /**
   * The pod the token was minted for, still running as the claimed service account. A pod being
   * deleted is left to TokenReview, which accepts its tokens only for a grace period.
   */
  private static boolean boundTo(Pod pod, String namespace, String uid, String account) {
    return pod.getMetadata() != null
        && namespace.equals(pod.getMetadata().getNamespace())
        && uid.equals(pod.getMetadata().getUid())
        && pod.getMetadata().getDeletionTimestamp() == null
        && pod.getSpec() != null
        && account.equals(pod.getSpec().getServiceAccountName());
  }

  private static boolean before(Instant now, Date expiry) {
    return expiry != null && now.isBefore(expiry.toInstant());
  }

  private static boolean inFuture(Date time, Instant now) {
    return time != null && time.toInstant().isAfter(now.plus(CLOCK_SKEW));
  }

  private static Object member(Map<String, Object> claim, String object, String field) {
    return claim.get(object) instanceof Map<?, ?> map ? map.get(field) : null;
  }

  private static String text(Object value) {
    return value instanceof String s && !s.isEmpty() ? s : null;
  }
}
