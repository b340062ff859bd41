package io.outrigger.operator.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewStatus;
import io.fabric8.kubernetes.api.model.authentication.UserInfo;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.outrigger.api.Names;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Asks the API server who a sidecar's projected token belongs to (TokenReview with audience {@link
 * Names#TOKEN_AUDIENCE}): a token minted for any other audience, expired, or of a deleted pod is
 * refused by the API server itself.
 *
 * <p>An accepted token is remembered for {@code cacheTtl} (never past its own expiry), as the API
 * server's webhook token authenticator does (its {@code --authentication-token-webhook-cache-ttl},
 * 2 minutes by default): 5,000 sidecars heart-beating every 30 s would otherwise ask for 10,000
 * reviews a minute. The price is the same as there: a token whose pod was deleted is still accepted
 * until its entry expires. Refusals are not remembered (a sidecar whose token was just minted must
 * not be locked out), and entries are keyed by the token's SHA-256, not the token.
 *
 * <p>A token not in the cache is first offered to the local check ({@link LocalTokenVerifier}: its
 * shape, the signature under the issuer's published keys and the bound pod in the informer cache);
 * what it refuses is refused without a request, and only what it can neither accept nor refuse is
 * sent to TokenReview. Both acceptances are remembered alike.
 */
public final class TokenReviewer {
  static final String SERVICE_ACCOUNT_PREFIX = "system:serviceaccount:";
  static final String POD_NAME_EXTRA = "authentication.kubernetes.io/pod-name";

  /**
   * Who sent a report.
   *
   * @param pod the pod the token is bound to; empty for a token not bound to a pod
   */
  public record Identity(String namespace, String serviceAccount, Optional<String> pod) {}

  /** No more than this many tokens are remembered (a few MB at most). */
  static final int MAX_CACHED = 100_000;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Function<String, LocalTokenVerifier.Verdict> local;
  private final Function<String, Optional<Identity>> tokenReview;
  private final Duration cacheTtl;
  private final Cache<String, Cached> accepted;

  private record Cached(Identity identity, Duration ttl) {}

  /**
   * @param cacheTtl how long an accepted token is remembered; zero: ask the API server every time
   */
  public TokenReviewer(KubernetesClient client, Duration cacheTtl) {
    this(
        token ->
            TokenShape.refusal(token, Instant.now())
                .map(LocalTokenVerifier.Verdict::refused)
                .orElse(LocalTokenVerifier.Verdict.ASK_TOKEN_REVIEW),
        token -> ask(client, token),
        cacheTtl);
  }

  /**
   * @param local accepts a token without the API server when it can ({@link
   *     LocalTokenVerifier#verify}); empty sends the token to TokenReview
   */
  public TokenReviewer(KubernetesClient client, LocalTokenVerifier local, Duration cacheTtl) {
    this(local::check, token -> ask(client, token), cacheTtl);
  }

  TokenReviewer(
      Function<String, LocalTokenVerifier.Verdict> local,
      Function<String, Optional<Identity>> tokenReview,
      Duration cacheTtl) {
    this.local = local;
    this.tokenReview = tokenReview;
    this.cacheTtl = cacheTtl;
    this.accepted =
        Caffeine.newBuilder()
            .maximumSize(MAX_CACHED)
            .expireAfter(Expiry.creating((String key, Cached cached) -> cached.ttl()))
            .build();
  }

  /** The token's service account, or empty when the API server does not vouch for it. */
  public Optional<Identity> review(String token) {
    if (cacheTtl.isZero()) {
      return verify(token);
    }
    String key = sha256(token);
    Cached cached = accepted.getIfPresent(key);
    if (cached != null) {
      return Optional.of(cached.identity());
    }
    Optional<Identity> identity = verify(token);
    Duration ttl = cacheFor(token, cacheTtl, Instant.now());
    if (identity.isPresent() && !ttl.isZero() && !ttl.isNegative()) {
      accepted.put(key, new Cached(identity.get(), ttl));
    }
    return identity;
  }

  /**
   * How long to remember an accepted {@code token}: {@code ttl}, or less when the token expires
   * sooner (its {@code exp} claim, read without checking the signature: the API server checked it).
   */
  static Duration cacheFor(String token, Duration ttl, Instant now) {
    String[] parts = token.split("\\.");
    if (parts.length != 3) {
      return ttl;
    }
    try {
      JsonNode exp = JSON.readTree(Base64.getUrlDecoder().decode(parts[1])).get("exp");
      if (exp == null || !exp.canConvertToLong()) {
        return ttl;
      }
      Duration left = Duration.between(now, Instant.ofEpochSecond(exp.asLong()));
      if (left.isNegative()) {
        return Duration.ZERO;
      }
      return left.compareTo(ttl) < 0 ? left : ttl;
    } catch (IOException | IllegalArgumentException e) {
      return ttl;
    }
  }

  private static String sha256(String token) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  private Optional<Identity> verify(String token) {
    LocalTokenVerifier.Verdict verdict = local.apply(token);
    if (verdict.identity().isPresent() || verdict.refusal().isPresent()) {
      return verdict.identity();
    }
    return tokenReview.apply(token);
  }

  private static Optional<Identity> ask(KubernetesClient client, String token) {
    TokenReview review =
        client
            .tokenReviews()
            .create(
                new TokenReviewBuilder()
                    .withNewSpec()
                    .withToken(token)
                    .withAudiences(Names.TOKEN_AUDIENCE)
                    .endSpec()
                    .build());
    return accepted(review.getStatus());
  }

  /**
   * The identity TokenReview vouches for: authenticated, and for audience {@link
   * Names#TOKEN_AUDIENCE}. An answer without audiences comes from an authenticator that ignored the
   * ones asked for (and would accept a token minted for any other service), so it is refused.
   */
  static Optional<Identity> accepted(TokenReviewStatus status) {
    if (status == null || !Boolean.TRUE.equals(status.getAuthenticated())) {
      return Optional.empty();
    }
    List<String> audiences = status.getAudiences();
    if (audiences == null || !audiences.contains(Names.TOKEN_AUDIENCE)) {
      return Optional.empty();
    }
    return identity(status.getUser());
  }

  /** {@code system:serviceaccount:<namespace>:<name>}; any other user is not a sidecar. */
  static Optional<Identity> identity(UserInfo user) {
    if (user == null
        || user.getUsername() == null
        || !user.getUsername().startsWith(SERVICE_ACCOUNT_PREFIX)) {
      return Optional.empty();
    }
    String[] parts = user.getUsername().substring(SERVICE_ACCOUNT_PREFIX.length()).split(":", 2);
    if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
      return Optional.empty();
    }
    Map<String, List<String>> extra = user.getExtra() == null ? Map.of() : user.getExtra();
    Optional<String> pod =
        Optional.ofNullable(extra.get(POD_NAME_EXTRA))
            .filter(values -> !values.isEmpty())
            .map(values -> values.get(0));
    return Optional.of(new Identity(parts[0], parts[1], pod));
  }
}
