package io.outrigger.operator.certs;

import java.time.Instant;

/**
 * The webhook's certificates as PEM text, the way the Secret stores them.
 *
 * @param caBundle the CA certificates the API server trusts: the current CA, plus the previous one
 *     while a CA rotation is under way (so certificates signed by either verify)
 * @param caCert the CA that signs serving certificates
 * @param caKey its PKCS#8 key
 * @param servingCert the serving certificate chain (leaf, then CA)
 * @param servingKey its PKCS#8 key
 * @param servingNotAfter when the serving certificate expires
 * @param caNotAfter when the CA expires
 */
public record TlsMaterial(
    String caBundle,
    String caCert,
    String caKey,
    String servingCert,
    String servingKey,
    Instant servingNotAfter,
    Instant caNotAfter) {}
