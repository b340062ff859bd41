package io.outrigger.operator.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.JWKSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The service-account issuer's keys fetched from the API server's OIDC discovery endpoints
 * (ServiceAccountIssuerDiscovery, on by default since Kubernetes 1.20): loaded at start, every
 * {@code period}, and on a token with an unknown key id at most once per {@code minReloadInterval}
 * (a stream of forged key ids must not become a stream of requests to the API server).
 *
 * <p>Failing to load is not fatal: until keys are loaded every token goes to TokenReview, as before
 * local verification existed. A failed reload keeps the keys loaded last.
 */
public final class ServiceAccountIssuerKeys implements IssuerKeys.Source, AutoCloseable {
  static final String DISCOVERY_PATH = "/.well-known/openid-configuration";
  static final String JWKS_PATH = "/openid/v1/jwks";

  private static final Logger LOG = Logger.getLogger(ServiceAccountIssuerKeys.class.getName());
  private static final ObjectMapper JSON = new ObjectMapper();

  private final KubernetesClient client;
  private final Duration minReloadInterval;
  private final Clock clock;
  private final ScheduledExecutorService reloads;

  private volatile IssuerKeys keys;
  // Guarded by this: when the last reload was attempted, and whether a failure was logged.
  private Instant lastAttempt = Instant.MIN;
  private boolean failureLogged;

  private ServiceAccountIssuerKeys(
      KubernetesClient client, Duration minReloadInterval, Clock clock) {
    this.client = client;
    this.minReloadInterval = minReloadInterval;
    this.clock = clock;
    this.reloads =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread thread = new Thread(r, "issuer-keys-reload");
              thread.setDaemon(true);
              return thread;
            });
  }

  /** Loads the keys now (a failure is logged once) and reloads them every {@code period}. */
  public static ServiceAccountIssuerKeys start(
      KubernetesClient client, Duration period, Duration minReloadInterval, Clock clock) {
    ServiceAccountIssuerKeys source =
        new ServiceAccountIssuerKeys(client, minReloadInterval, clock);
    source.reload();
    source.reloads.scheduleWithFixedDelay(
        source::reload, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    return source;
  }

  @Override
  public Optional<IssuerKeys> current() {
    return Optional.ofNullable(keys);
  }

  @Override
  public Optional<IssuerKeys> afterUnknownKey() {
    synchronized (this) {
      if (Duration.between(lastAttempt, clock.instant()).compareTo(minReloadInterval) >= 0) {
        reload();
      }
    }
    return current();
  }

  private synchronized void reload() {
    lastAttempt = clock.instant();
    try {
      keys = fetch();
      failureLogged = false;
    } catch (RuntimeException | java.text.ParseException | java.io.IOException e) {
      if (!failureLogged) {
        LOG.log(
            Level.WARNING,
            "Cannot load the keys of the service-account issuer ({0}): every sidecar token goes to"
                + " TokenReview until they load",
            e.toString());
        failureLogged = true;
      }
    }
  }

  private IssuerKeys fetch() throws java.text.ParseException, java.io.IOException {
    String discovery = client.raw(DISCOVERY_PATH);
    String jwks = client.raw(JWKS_PATH);
    if (discovery == null || jwks == null) {
      throw new IllegalStateException(
          "the API server does not serve " + DISCOVERY_PATH + " and " + JWKS_PATH);
    }
    JsonNode issuer = JSON.readTree(discovery).get("issuer");
    if (issuer == null || !issuer.isTextual() || issuer.asText().isEmpty()) {
      throw new IllegalStateException(DISCOVERY_PATH + " names no issuer");
    }
    return new IssuerKeys(issuer.asText(), JWKSet.parse(jwks));
  }

  @Override
  public void close() {
    reloads.shutdownNow();
  }
}
