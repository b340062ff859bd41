package io.outrigger.operator.http;

import java.time.Duration;

/**
 * What one of the operator's HTTPS servers lets a client hold (docs/security.md, "Admission cannot
 * be stalled").
 *
 * @param threads handler threads, this server's own: a slow route elsewhere cannot take them
 * @param maxConnections open connections; a new one beyond it closes the connection that has waited
 *     longest for a complete request, or itself when every other one is being answered
 * @param maxInFlight requests received and not yet answered; one more is answered 503 at once
 *     instead of queueing behind the others
 * @param requestTimeout a new connection must deliver its first complete request (head and body)
 *     within this of opening, else it is closed; also the TLS handshake's limit
 * @param idleTimeout a kept-alive connection must deliver its next complete request within this of
 *     its previous answer, and nothing read or written for this long closes any connection (a
 *     client that stops reading its answer). Longer than clients keep idle connections (the API
 *     server 90 s, Vert.x clients 60 s): the client must be the one to close an idle connection, or
 *     a request it sends as the server closes fails ({@link ConnectionBook})
 * @param maxBodyBytes larger bodies are answered 413
 */
public record ServerLimits(
    int threads,
    int maxConnections,
    int maxInFlight,
    Duration requestTimeout,
    Duration idleTimeout,
    int maxBodyBytes) {

  /**
   * Admission: the API server's calls only, each a few ms of CPU; its webhook timeout is at most 30
   * s (10 s by default), so a first request not read within 10 s is one nobody waits for any more.
   */
  public static final ServerLimits ADMISSION =
      new ServerLimits(
          8, 512, 64, Duration.ofSeconds(10), Duration.ofSeconds(120), 4 * 1024 * 1024);

  /**
   * Reports: every sidecar heart-beats every 30 s and a report may wait for a TokenReview, so
   * threads mostly wait (bench/operator.sh: 8 capped a burst of 5,000 reports at the TokenReview
   * latency); a report is a few KB.
   */
  public static final ServerLimits REPORTS =
      new ServerLimits(32, 2048, 256, Duration.ofSeconds(10), Duration.ofSeconds(120), 64 * 1024);

  public ServerLimits {
    if (threads < 1 || maxConnections < 1 || maxInFlight < 1 || maxBodyBytes < 1) {
      throw new IllegalArgumentException("server limits must be positive: " + this);
    }
    if (requestTimeout.toMillis() < 1 || idleTimeout.toSeconds() < 1) {
      throw new IllegalArgumentException("server timeouts must be positive: " + this);
    }
  }

  public ServerLimits withThreads(int threads) {
    return new ServerLimits(
        threads, maxConnections, maxInFlight, requestTimeout, idleTimeout, maxBodyBytes);
  }

  public ServerLimits withConnections(int maxConnections, int maxInFlight) {
    return new ServerLimits(
        threads, maxConnections, maxInFlight, requestTimeout, idleTimeout, maxBodyBytes);
  }

  public ServerLimits withTimeouts(Duration requestTimeout, Duration idleTimeout) {
    return new ServerLimits(
        threads, maxConnections, maxInFlight, requestTimeout, idleTimeout, maxBodyBytes);
  }
}
