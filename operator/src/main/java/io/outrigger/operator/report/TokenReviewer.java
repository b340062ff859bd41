package io.outrigger.operator.report;

import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authentication.UserInfo;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.outrigger.api.Names;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Asks the API server who a sidecar's projected token belongs to (TokenReview with audience {@link
 * Names#TOKEN_AUDIENCE}): a token minted for any other audience, expired, or of a deleted pod is
 * refused by the API server itself.
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

  private final KubernetesClient client;

  public TokenReviewer(KubernetesClient client) {
    this.client = client;
  }

  /** The token's service account, or empty when the API server does not vouch for it. */
  public Optional<Identity> review(String token) {
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
    if (review.getStatus() == null || !Boolean.TRUE.equals(review.getStatus().getAuthenticated())) {
      return Optional.empty();
    }
    List<String> audiences = review.getStatus().getAudiences();
    if (audiences != null && !audiences.isEmpty() && !audiences.contains(Names.TOKEN_AUDIENCE)) {
      return Optional.empty();
    }
    return identity(review.getStatus().getUser());
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
