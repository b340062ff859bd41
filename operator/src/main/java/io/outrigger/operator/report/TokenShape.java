package io.outrigger.operator.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.outrigger.api.Names;
import java.io.IOException;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/**
 * What a sidecar's token must look like before anyone spends a TokenReview on it, read without
 * checking its signature: a signed JWT for audience {@code outrigger}, not expired, bound to a pod.
 * Every token it refuses, TokenReview (or the pod binding reports require) would refuse too, so
 * garbage, tokens for other audiences, expired and unbound tokens cost a parse, not a request to
 * the API server.
 */
final class TokenShape {
  private TokenShape() {}

  /** Kubernetes' tokens are about 1 KB; anything this long is not one. */
  static final int MAX_LENGTH = 16 * 1024;

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Why {@code token} cannot be a sidecar's, or empty when it may be one. */
  static Optional<String> refusal(String token, Instant now) {
    if (token.length() > MAX_LENGTH) {
      return Optional.of("longer than any service-account token");
    }
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty() || parts[2].isEmpty()) {
      return Optional.of("not a signed JWT");
    }
    JsonNode header = json(parts[0]);
    JsonNode claims = json(parts[1]);
    if (header == null || claims == null) {
      return Optional.of("not a signed JWT");
    }
    if (!header.path("alg").isTextual() || "none".equalsIgnoreCase(header.path("alg").asText())) {
      return Optional.of("not signed");
    }
    if (!audience(claims.path("aud"))) {
      return Optional.of("not for audience " + Names.TOKEN_AUDIENCE);
    }
    JsonNode exp = claims.path("exp");
    if (!exp.canConvertToLong() || !now.isBefore(Instant.ofEpochSecond(exp.asLong()))) {
      return Optional.of("expired or without expiry");
    }
    JsonNode pod = claims.path(LocalTokenVerifier.KUBERNETES_CLAIM).path("pod");
    if (!pod.path("name").isTextual() || !pod.path("uid").isTextual()) {
      return Optional.of("not bound to a pod");
    }
    return Optional.empty();
  }

  private static boolean audience(JsonNode aud) {
    if (aud.isTextual()) {
      return Names.TOKEN_AUDIENCE.equals(aud.asText());
    }
    for (JsonNode one : aud) {
      if (one.isTextual() && Names.TOKEN_AUDIENCE.equals(one.asText())) {
        return true;
      }
    }
    return false;
  }

  private static JsonNode json(String part) {
    try {
      JsonNode node = JSON.readTree(Base64.getUrlDecoder().decode(part));
      return node != null && node.isObject() ? node : null;
    } catch (IOException | IllegalArgumentException e) {
      return null;
    }
  }
}
