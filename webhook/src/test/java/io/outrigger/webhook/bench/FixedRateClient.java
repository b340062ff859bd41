package io.outrigger.webhook.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * An open-loop load generator (what wrk2 does; wrk2 is not in Debian): requests are due at a fixed
 * rate, each on one of {@code connections} kept-alive TLS connections, and each latency is measured
 * from the time the request was due, not from when a connection became free to send it. A server
 * that stalls therefore shows its stall in every request that queued behind it (no coordinated
 * omission). Plain HTTP/1.1 over {@link SSLSocket}, so the client adds little of its own.
 */
final class FixedRateClient {
  private static final long END = Long.MIN_VALUE;

  private FixedRateClient() {}

  /**
   * Prints one line: {@code rate achieved count p50 p99 p999 max errors} (latencies in ms) for the
   * requests due in the measured window (after {@code warmupSeconds}).
   */
  static void run(
      URI url,
      Path bodyFile,
      int rate,
      int seconds,
      int warmupSeconds,
      int connections,
      Path caFile)
      throws Exception {
    byte[] body = Files.readAllBytes(bodyFile);
    byte[] head =
        ("POST "
                + url.getPath()
                + " HTTP/1.1\r\nHost: "
                + url.getHost()
                + ":"
                + url.getPort()
                + "\r\nContent-Type: application/json\r\nContent-Length: "
                + body.length
                + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    byte[] request = new byte[head.length + body.length];
    System.arraycopy(head, 0, request, 0, head.length);
    System.arraycopy(body, 0, request, head.length, body.length);
    SSLContext tls = trusting(caFile);

    long periodNanos = 1_000_000_000L / rate;
    int total = rate * (warmupSeconds + seconds);
    long measuredFrom = (long) rate * warmupSeconds;
    BlockingQueue<long[]> due = new ArrayBlockingQueue<>(total + connections);
    AtomicLong errors = new AtomicLong();
    List<long[]> perWorker = new ArrayList<>();
    List<Thread> workers = new ArrayList<>();
    int[] counts = new int[connections];
    for (int w = 0; w < connections; w++) {
      long[] samples = new long[total];
      perWorker.add(samples);
      int worker = w;
      Thread thread =
          new Thread(
              () -> {
                try (Connection connection = new Connection(tls, url)) {
                  while (true) {
                    long[] item = due.take();
                    if (item[0] == END) {
                      return;
                    }
                    int status;
                    try {
                      status = connection.exchange(request);
                    } catch (IOException e) {
                      status = -1;
                      connection.reconnect();
                    }
                    long latency = System.nanoTime() - item[0];
                    if (status != 200) {
                      errors.incrementAndGet();
                    }
                    if (item[1] >= measuredFrom) {
                      samples[counts[worker]++] = latency;
                    }
                  }
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              },
              "fixed-rate-" + w);
      workers.add(thread);
    }
    // Connect (TLS handshakes) before the clock starts.
    workers.forEach(Thread::start);
    Thread.sleep(500);

    long start = System.nanoTime() + 1_000_000;
    for (int i = 0; i < total; i++) {
      long at = start + i * periodNanos;
      long wait;
      while ((wait = at - System.nanoTime()) > 0) {
        LockSupport.parkNanos(wait);
      }
      due.put(new long[] {at, i});
    }
    long lastDue = start + (total - 1) * periodNanos;
    for (int w = 0; w < connections; w++) {
      due.put(new long[] {END, 0});
    }
    for (Thread thread : workers) {
      thread.join(TimeUnit.SECONDS.toMillis(60));
    }
    long finished = System.nanoTime();

    int measured = 0;
    for (int c : counts) {
      measured += c;
    }
    long[] all = new long[measured];
    int at = 0;
    for (int w = 0; w < connections; w++) {
      System.arraycopy(perWorker.get(w), 0, all, at, counts[w]);
      at += counts[w];
    }
    Percentiles p = Percentiles.of(all);
    double measuredSeconds = (finished - (start + measuredFrom * periodNanos)) / 1e9;
    System.out.printf(
        "%d %.0f %d %.2f %.2f %.2f %.2f %d%n",
        rate,
        measured / measuredSeconds,
        p.count(),
        p.p50Ms(),
        p.p99Ms(),
        p.p999Ms(),
        p.maxMs(),
        errors.get());
    if (finished - lastDue > 1_000_000_000L) {
      System.err.printf(
          "[bench] the last request finished %.1f s after it was due: the server fell behind%n",
          (finished - lastDue) / 1e9);
    }
  }

  private static SSLContext trusting(Path caFile) throws Exception {
    X509Certificate ca;
    try (InputStream in = Files.newInputStream(caFile)) {
      ca = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    trust.setCertificateEntry("ca", ca);
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, factory.getTrustManagers(), null);
    return context;
  }

  /** One kept-alive HTTP/1.1 connection; responses must carry a Content-Length. */
  private static final class Connection implements AutoCloseable {
    private final SSLContext tls;
    private final URI url;
    private SSLSocket socket;
    private InputStream in;
    private OutputStream out;

    Connection(SSLContext tls, URI url) throws IOException {
      this.tls = tls;
      this.url = url;
      connect();
    }

    private void connect() throws IOException {
      socket = (SSLSocket) tls.getSocketFactory().createSocket(url.getHost(), url.getPort());
      socket.setTcpNoDelay(true);
      socket.startHandshake();
      in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
      out = socket.getOutputStream();
    }

    void reconnect() throws IOException {
      close();
      connect();
    }

    /** Sends the request and reads the whole response; returns the status. */
    int exchange(byte[] request) throws IOException {
      out.write(request);
      out.flush();
      ByteArrayOutputStream line = new ByteArrayOutputStream(128);
      int status = -1;
      int contentLength = -1;
      boolean first = true;
      while (true) {
        line.reset();
        int b;
        while ((b = in.read()) != '\n') {
          if (b < 0) {
            throw new IOException("connection closed");
          }
          if (b != '\r') {
            line.write(b);
          }
        }
        String text = line.toString(StandardCharsets.US_ASCII);
        if (first) {
          status = Integer.parseInt(text.split(" ", 3)[1]);
          first = false;
        } else if (text.isEmpty()) {
          break;
        } else if (text.regionMatches(true, 0, "content-length:", 0, 15)) {
          contentLength = Integer.parseInt(text.substring(15).strip());
        }
      }
      if (contentLength < 0) {
        throw new IOException("response without Content-Length");
      }
      in.skipNBytes(contentLength);
      return status;
    }

    @Override
    public void close() {
      try {
        socket.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }
}
