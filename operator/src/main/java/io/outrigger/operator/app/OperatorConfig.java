package io.outrigger.operator.app;

import io.outrigger.config.Defaults;
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

  Admission admission();

  Certificates certificates();

  LeaderElection leaderElection();

  Reports reports();

  /** What the webhook injects. */
  interface Sidecar {
    @WithDefault("ghcr.io/outrigger/sidecar:0.1.0")
    String image();

    @WithDefault("0.1.0")
    String version();

    /** Sidecar resources for every policy that leaves them out (the chart's sidecar.resources). */
    Resources resources();
  }

  /** Kubernetes quantities; the defaults are the project's own ({@code Defaults.SIDECAR_*}). */
  interface Resources {
    @WithDefault(Defaults.SIDECAR_CPU_REQUEST)
    String cpuRequest();

    /** None by default: the proxy is never throttled below the app. */
    Optional<String> cpuLimit();

    @WithDefault(Defaults.SIDECAR_MEMORY_REQUEST)
    String memoryRequest();

    @WithDefault(Defaults.SIDECAR_MEMORY_LIMIT)
    String memoryLimit();
  }

  /** What one HTTPS server allows (ServerLimits; docs/security.md). */
  interface Server {
    String host();

    int port();

    /** Handler threads of this server only. */
    int threads();

    /** Open connections; a new one beyond closes the one that has waited longest for a request. */
    int maxConnections();

    /** Requests being handled; one more is answered 503 at once. */
    int maxInFlight();

    /** A new connection's first complete request must arrive within this of its opening. */
    Duration requestTimeout();

    /**
     * A kept-alive connection's next request must arrive within this of its last answer, and
     * nothing read or written for this long closes any connection; longer than clients keep idle
     * connections (the API server: 90 s).
     */
    Duration idleTimeout();
  }

  /** The HTTPS server the API server calls ({@code /mutate}); the webhook Service's port 443. */
  interface Admission extends Server {
    @Override
    @WithDefault("0.0.0.0")
    String host();

    @Override
    @WithDefault("8443")
    int port();

    /** Admission is a few ms of CPU per pod. */
    @Override
    @WithDefault("8")
    int threads();

    @Override
    @WithDefault("512")
    int maxConnections();

    @Override
    @WithDefault("64")
    int maxInFlight();

    /** The API server waits at most 30 s (10 s by default) for a webhook. */
    @Override
    @WithDefault("10s")
    Duration requestTimeout();

    @Override
    @WithDefault("120s")
    Duration idleTimeout();
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

  /** Sidecar reports, and the HTTPS server they are posted to ({@code /v1/reports}). */
  interface Reports extends Server {
    @Override
    @WithDefault("0.0.0.0")
    String host();

    @Override
    @WithDefault("8444")
    int port();

    /**
     * A report may wait for a TokenReview round trip, so threads are mostly waiting
     * (bench/operator.sh: 8 capped a burst of 5,000 reports at the TokenReview latency).
     */
    @Override
    @WithDefault("32")
    int threads();

    @Override
    @WithDefault("2048")
    int maxConnections();

    @Override
    @WithDefault("256")
    int maxInFlight();

    @Override
    @WithDefault("10s")
    Duration requestTimeout();

    @Override
    @WithDefault("120s")
    Duration idleTimeout();

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
     * https://<certificates.service>.<namespace>.svc:<reports.port>/v1/reports}, the Service that
     * also serves the webhook (on another port).
     */
    Optional<String> url();

    /** Whether injected sidecars are told to report at all. */
    @WithDefault("true")
    boolean enabled();
  }
}
