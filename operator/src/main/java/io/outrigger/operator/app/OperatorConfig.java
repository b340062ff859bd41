package io.outrigger.operator.app;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/** The operator's settings ({@code outrigger.*} in application.properties, or env vars). */
@ConfigMapping(prefix = "outrigger")
public interface OperatorConfig {

  /** The operator's namespace: never injected; holds its Secret and Lease. */
  @WithDefault("outrigger-system")
  String namespace();

  /** Namespaces whose policies are reconciled; none: all. */
  Optional<Set<String>> watchNamespaces();

  Sidecar sidecar();

  Https https();

  Certificates certificates();

  LeaderElection leaderElection();

  Reports reports();

  /** What the webhook injects. */
  interface Sidecar {
    @WithDefault("ghcr.io/outrigger/sidecar:0.1.0")
    String image();

    @WithDefault("0.1.0")
    String version();
  }

  /** The HTTPS port serving admission and reports. */
  interface Https {
    @WithDefault("0.0.0.0")
    String host();

    @WithDefault("8443")
    int port();

    /**
     * Handler threads: a report waits for a TokenReview round trip, so they are mostly waiting
     * (bench/operator.sh: 8 capped a burst of 5,000 reports at the TokenReview latency).
     */
    @WithDefault("32")
    int threads();
  }

  /** Who owns the webhook's certificates. */
  interface Certificates {
    /**
     * {@code operator}: this process issues and renews; {@code cert-manager}: files are mounted.
     */
    @WithDefault("operator")
    String mode();

    /**
     * Where the serving pair is (written by the operator, or mounted from cert-manager's Secret).
     */
    @WithDefault("/var/run/outrigger/tls")
    String dir();

    /** The webhook's Service name (the certificate's DNS names). */
    @WithDefault("outrigger-webhook")
    String service();

    @WithDefault("outrigger")
    String webhookConfiguration();

    /** Extra IP SANs (a webhook reached by IP, as in `make run-operator`). */
    Optional<Set<String>> ipAddresses();
  }

  /** Leader election on a Lease: only the holder reconciles. */
  interface LeaderElection {
    @WithDefault("true")
    boolean enabled();

    @WithDefault("15s")
    Duration leaseDuration();

    /** Defaults to the pod name (HOSTNAME). */
    Optional<String> identity();
  }

  /** Sidecar reports. */
  interface Reports {
    @WithDefault("90s")
    Duration ttl();

    /** The least time between two status writes of a policy (spec edits are written at once). */
    @WithDefault("5s")
    Duration statusInterval();

    /** How long an accepted sidecar token is remembered instead of reviewed again; 0s: never. */
    @WithDefault("2m")
    Duration tokenCacheTtl();

    /**
     * Where sidecars send reports; default {@code
     * https://<certificates.service>.<namespace>.svc/v1/reports}, the Service that also serves the
     * webhook.
     */
    Optional<String> url();

    /** Whether injected sidecars are told to report at all. */
    @WithDefault("true")
    boolean enabled();
  }
}
