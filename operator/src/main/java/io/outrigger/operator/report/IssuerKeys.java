package io.outrigger.operator.report;

import com.nimbusds.jose.jwk.JWKSet;
import java.util.Optional;

/**
 * The service-account issuer's name and public keys, as the API server published them ({@code
 * /.well-known/openid-configuration} and {@code /openid/v1/jwks}).
 */
public record IssuerKeys(String issuer, JWKSet keys) {

  /**
   * Where {@link LocalTokenVerifier} gets the keys: the API server in production, a fixed set in
   * tests.
   */
  public interface Source {
    /** The keys as last loaded; empty when none could be loaded (tokens then go to TokenReview). */
    Optional<IssuerKeys> current();

    /**
     * A token names a key {@link #current()} lacks (the API server may have rotated its keys): the
     * keys after at most one reload; implementations limit how often they reload.
     */
    Optional<IssuerKeys> afterUnknownKey();
  }
}
