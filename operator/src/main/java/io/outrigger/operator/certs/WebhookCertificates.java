package io.outrigger.operator.certs;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.outrigger.operator.OperatorNames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Owns the webhook's certificates (unless cert-manager does): a CA and serving certificate in a
 * Secret, renewed before they expire, the CA bundle patched into the MutatingWebhookConfiguration,
 * and the serving pair written where the HTTPS server reloads it. Every replica runs it: creating
 * and renewing go through the API server's optimistic concurrency (one replica wins, the others
 * read its result), and each replica serves what the Secret holds.
 *
 * <p>Rotation never breaks admission: a serving certificate is renewed under the same CA (the
 * bundle does not change), and a new CA enters the bundle next to the old one, and the bundle is
 * patched before the new serving certificate is served.
 */
public final class WebhookCertificates implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(WebhookCertificates.class.getName());

  static final String CA_CRT = "ca.crt";
  static final String CA_KEY = "ca.key";
  static final String BUNDLE = "ca-bundle.crt";
  static final String TLS_CRT = "tls.crt";
  static final String TLS_KEY = "tls.key";

  /**
   * What to issue and where.
   *
   * @param namespace the operator's namespace, where the Secret lives
   * @param secretName the Secret
   * @param webhookConfiguration the MutatingWebhookConfiguration whose caBundle to keep current
   * @param dnsNames subject alternative names ({@code <service>.<namespace>.svc}, ...)
   * @param ipAddresses IP subject alternative names (tests dial 127.0.0.1)
   * @param certDir where the serving pair is written for the HTTPS server
   * @param caValidity lifetime of a CA
   * @param servingValidity lifetime of a serving certificate
   * @param renewBefore renew a certificate this long before it expires
   * @param checkInterval how often to check for renewal
   * @param bundleGrace how long a new CA must have been in the webhook configuration's caBundle
   *     before a certificate it signed is served: the API server picks up a changed configuration a
   *     moment after it is written
   */
  public record Settings(
      String namespace,
      String secretName,
      String webhookConfiguration,
      List<String> dnsNames,
      List<String> ipAddresses,
      Path certDir,
      Duration caValidity,
      Duration servingValidity,
      Duration renewBefore,
      Duration checkInterval,
      Duration bundleGrace) {

    /** Five-year CA, one-year serving certificate renewed a month ahead, checked hourly. */
    public static Settings defaults(
        String namespace, String service, String webhookConfiguration, Path certDir) {
      return new Settings(
          namespace,
          OperatorNames.WEBHOOK_SECRET,
          webhookConfiguration,
          List.of(service, service + "." + namespace, service + "." + namespace + ".svc"),
          List.of(),
          certDir,
          Duration.ofDays(5 * 365),
          Duration.ofDays(365),
          Duration.ofDays(30),
          Duration.ofHours(1),
          Duration.ofSeconds(10));
    }
  }

  private final KubernetesClient client;
  private final Settings settings;
  private final Clock clock;
  private final ScheduledExecutorService scheduler;
  private SharedIndexInformer<Secret> secretInformer;
  private SharedIndexInformer<MutatingWebhookConfiguration> webhookInformer;

  /** When this replica first saw each CA (PEM) in the webhook configuration's caBundle. */
  private final Map<String, Instant> caInBundleSince = new HashMap<>();

  private WebhookCertificates(KubernetesClient client, Settings settings, Clock clock) {
    this.client = client;
    this.settings = settings;
    this.clock = clock;
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread thread = new Thread(r, "outrigger-webhook-certificates");
              thread.setDaemon(true);
              return thread;
            });
  }

  /**
   * Makes sure a valid pair exists and is on disk before returning (the HTTPS server cannot start
   * without one), then keeps it current: on every change of the Secret or the webhook
   * configuration, and every {@code checkInterval}.
   */
  public static WebhookCertificates start(KubernetesClient client, Settings settings, Clock clock) {
    WebhookCertificates certificates = new WebhookCertificates(client, settings, clock);
    certificates.ensure();
    ResourceEventHandler<Object> sync =
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(Object obj) {
            certificates.scheduleSync();
          }

          @Override
          public void onUpdate(Object oldObj, Object newObj) {
            certificates.scheduleSync();
          }

          @Override
          public void onDelete(Object obj, boolean deletedFinalStateUnknown) {
            certificates.scheduleSync();
          }
        };
    certificates.secretInformer =
        client
            .secrets()
            .inNamespace(settings.namespace())
            .withName(settings.secretName())
            .inform(cast(sync));
    certificates.webhookInformer =
        client
            .admissionRegistration()
            .v1()
            .mutatingWebhookConfigurations()
            .withName(settings.webhookConfiguration())
            .inform(cast(sync));
    long every = settings.checkInterval().toMillis();
    certificates.scheduler.scheduleWithFixedDelay(
        certificates::ensureQuietly, every, every, TimeUnit.MILLISECONDS);
    return certificates;
  }

  @SuppressWarnings("unchecked")
  private static <T> ResourceEventHandler<T> cast(ResourceEventHandler<Object> handler) {
    return (ResourceEventHandler<T>) handler;
  }

  private void scheduleSync() {
    scheduler.execute(this::ensureQuietly);
  }

  private void ensureQuietly() {
    try {
      ensure();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "webhook certificates not in sync yet: " + e.getMessage(), e);
    }
  }

  /** Creates or renews as needed, then patches the bundle and writes the files, in that order. */
  public synchronized TlsMaterial ensure() {
    return apply(currentOrIssued(Renewal.NONE));
  }

  /** Renews the serving certificate now, whatever its expiry (operators' escape hatch, tests). */
  public synchronized TlsMaterial forceRenewal() {
    return apply(currentOrIssued(Renewal.SERVING));
  }

  /** Replaces the CA now (the old one stays in the bundle), as happens before it expires. */
  public synchronized TlsMaterial forceCaRotation() {
    return apply(currentOrIssued(Renewal.CA));
  }

  /** What a caller asks for beyond what expiry demands. */
  enum Renewal {
    NONE,
    SERVING,
    CA
  }

  /**
   * Patches the bundle, then serves the pair once the API server can trust it: at once when its CA
   * has been in the bundle for {@code bundleGrace} (always so for a serving renewal under the same
   * CA), when nothing is served yet, or when no webhook configuration exists (nobody calls us);
   * otherwise a little later, while the previous, still valid certificate keeps serving.
   */
  private TlsMaterial apply(TlsMaterial material) {
    boolean configured = patchCaBundle(material.caBundle());
    Instant now = clock.instant();
    Instant since =
        configured ? caInBundleSince.computeIfAbsent(material.caCert(), ca -> now) : now;
    Instant servable = since.plus(settings.bundleGrace());
    boolean serving = java.nio.file.Files.exists(certFile());
    if (!configured || !serving || !now.isBefore(servable)) {
      writeFiles(material);
    } else {
      LOG.info("new CA in the caBundle; serving its certificate from " + servable);
      scheduler.schedule(
          this::ensureQuietly, Duration.between(now, servable).toMillis(), TimeUnit.MILLISECONDS);
    }
    return material;
  }

  private TlsMaterial currentOrIssued(Renewal renewal) {
    for (int attempt = 0; attempt < 5; attempt++) {
      Secret secret =
          client.secrets().inNamespace(settings.namespace()).withName(settings.secretName()).get();
      Instant now = clock.instant();
      Optional<TlsMaterial> current =
          Optional.ofNullable(secret).flatMap(WebhookCertificates::read);
      Optional<TlsMaterial> next = next(settings, current, now, renewal);
      if (next.isEmpty()) {
        return current.orElseThrow();
      }
      try {
        if (secret == null) {
          client.resource(toSecret(next.get(), null)).create();
        } else {
          // The resourceVersion makes this a compare-and-swap: of two replicas renewing at once,
          // one gets 409 and reads the winner's certificates on its next attempt.
          client.resource(toSecret(next.get(), secret)).update();
        }
        LOG.info(
            "webhook certificate issued, valid until "
                + next.get().servingNotAfter()
                + " (CA until "
                + next.get().caNotAfter()
                + ")");
        return next.get();
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
        renewal = Renewal.NONE; // somebody else just renewed
      }
    }
    throw new IllegalStateException("the webhook Secret keeps changing under us");
  }

  /** What to store next, as a pure decision; empty when the current material is fine. */
  static Optional<TlsMaterial> next(
      Settings settings, Optional<TlsMaterial> current, Instant now, Renewal renewal) {
    Instant due = now.plus(settings.renewBefore());
    if (current.isEmpty()) {
      return Optional.of(
          CertificateIssuer.issue(
              settings.dnsNames(),
              settings.ipAddresses(),
              now,
              settings.caValidity(),
              settings.servingValidity(),
              null));
    }
    TlsMaterial material = current.get();
    if (renewal == Renewal.CA || material.caNotAfter().isBefore(due)) {
      return Optional.of(
          CertificateIssuer.issue(
              settings.dnsNames(),
              settings.ipAddresses(),
              now,
              settings.caValidity(),
              settings.servingValidity(),
              material.caCert()));
    }
    if (renewal == Renewal.SERVING || material.servingNotAfter().isBefore(due)) {
      return Optional.of(
          CertificateIssuer.renewServing(
              material,
              settings.dnsNames(),
              settings.ipAddresses(),
              now,
              settings.servingValidity()));
    }
    return Optional.empty();
  }

  private static Optional<TlsMaterial> read(Secret secret) {
    Map<String, String> data = secret.getData();
    if (data == null) {
      return Optional.empty();
    }
    try {
      String caCert = decode(data.get(CA_CRT));
      String servingCert = decode(data.get(TLS_CRT));
      return Optional.of(
          new TlsMaterial(
              Objects.requireNonNullElse(decode(data.get(BUNDLE)), caCert),
              caCert,
              decode(data.get(CA_KEY)),
              servingCert,
              decode(data.get(TLS_KEY)),
              CertificateIssuer.certificates(servingCert).get(0).getNotAfter().toInstant(),
              CertificateIssuer.certificates(caCert).get(0).getNotAfter().toInstant()));
    } catch (RuntimeException e) {
      // Unreadable or half-written: issue anew rather than serve garbage.
      LOG.warning("webhook Secret unreadable, issuing new certificates: " + e.getMessage());
      return Optional.empty();
    }
  }

  private Secret toSecret(TlsMaterial material, Secret existing) {
    Map<String, String> data = new HashMap<>();
    data.put(TLS_CRT, encode(material.servingCert()));
    data.put(TLS_KEY, encode(material.servingKey()));
    data.put(CA_CRT, encode(material.caCert()));
    data.put(CA_KEY, encode(material.caKey()));
    data.put(BUNDLE, encode(material.caBundle()));
    SecretBuilder builder =
        existing == null
            ? new SecretBuilder()
                .withNewMetadata()
                .withName(settings.secretName())
                .withNamespace(settings.namespace())
                .addToLabels(OperatorNames.MANAGED_BY_LABEL, OperatorNames.COMPONENT)
                .endMetadata()
                .withType("kubernetes.io/tls")
            : new SecretBuilder(existing);
    return builder.withData(data).build();
  }

  /**
   * Patches every webhook of the configuration whose caBundle differs; false when the configuration
   * does not exist (yet).
   */
  private boolean patchCaBundle(String bundle) {
    MutatingWebhookConfiguration config =
        client
            .admissionRegistration()
            .v1()
            .mutatingWebhookConfigurations()
            .withName(settings.webhookConfiguration())
            .get();
    if (config == null || config.getWebhooks() == null) {
      return false;
    }
    String encoded = encode(bundle);
    boolean stale = false;
    for (MutatingWebhook webhook : config.getWebhooks()) {
      if (webhook.getClientConfig() != null
          && !encoded.equals(webhook.getClientConfig().getCaBundle())) {
        webhook.getClientConfig().setCaBundle(encoded);
        stale = true;
      }
    }
    if (stale) {
      // update (not patch) carries the resourceVersion: a concurrent edit makes us re-read.
      client.resource(config).update();
      LOG.info("caBundle patched into " + settings.webhookConfiguration());
    }
    return true;
  }

  private void writeFiles(TlsMaterial material) {
    if (CertificateFiles.holds(
        settings.certDir(), material.servingCert(), material.servingKey(), material.caBundle())) {
      return;
    }
    try {
      CertificateFiles.write(
          settings.certDir(), material.servingCert(), material.servingKey(), material.caBundle());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the serving certificate", e);
    }
  }

  public Path certFile() {
    return CertificateFiles.cert(settings.certDir());
  }

  public Path keyFile() {
    return CertificateFiles.key(settings.certDir());
  }

  private static String encode(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
  }

  private static String decode(String base64) {
    return base64 == null
        ? null
        : new String(Base64.getDecoder().decode(base64), StandardCharsets.US_ASCII);
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
    if (secretInformer != null) {
      secretInformer.close();
    }
    if (webhookInformer != null) {
      webhookInformer.close();
    }
  }
}
