package io.outrigger.operator.it;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A slow-loris client: keeps {@code connections} TLS connections open to a port, each having sent
 * the start of a request head and then one more header line every second, never the blank line that
 * ends the head. A connection the server closes is opened again, as an attacker would.
 */
final class SlowLoris implements AutoCloseable {
  private final SSLSocketFactory sockets;
  private final String fromAddress;
  private final int port;
  private final String path;
  private final int connections;
  private final List<SSLSocket> open = new CopyOnWriteArrayList<>();
  private final AtomicInteger opening = new AtomicInteger();
  private final AtomicLong opened = new AtomicLong();
  private final AtomicLong closedByServer = new AtomicLong();
  private final Semaphore slots;
  private final ExecutorService openers = Executors.newFixedThreadPool(16, daemon("loris-open"));
  private final ExecutorService trickler = Executors.newSingleThreadExecutor(daemon("loris-drip"));
  private volatile boolean running = true;

  /**
   * @param fromAddress the loopback address the connections come from (an attacking pod's own IP,
   *     not the API server's)
   */
  SlowLoris(String fromAddress, int port, String path, int connections) throws Exception {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, new TrustManager[] {new TrustingAnyone()}, new SecureRandom());
    this.sockets = context.getSocketFactory();
    this.fromAddress = fromAddress;
    this.port = port;
    this.path = path;
    this.connections = connections;
    this.slots = new Semaphore(connections);
  }

  SlowLoris start() {
    trickler.execute(this::run);
    return this;
  }

  /** Connections that finished their handshake and sent part of a request head. */
  int holding() {
    return open.size();
  }

  /** Connections opened so far, reopened ones included. */
  long opened() {
    return opened.get();
  }

  long closedByServer() {
    return closedByServer.get();
  }

  private void run() {
    int line = 0;
    while (running) {
      while (slots.tryAcquire()) {
        opening.incrementAndGet();
        openers.execute(this::openOne);
      }
      line++;
      byte[] more = ("X-Loris-" + line + ": still here\r\n").getBytes(StandardCharsets.US_ASCII);
      for (SSLSocket socket : open) {
        try {
          OutputStream out = socket.getOutputStream();
          out.write(more);
          out.flush();
        } catch (IOException e) {
          drop(socket, true);
        }
      }
      sleep(1000);
    }
  }

  private void openOne() {
    SSLSocket socket = null;
    try {
      socket = (SSLSocket) sockets.createSocket();
      socket.bind(new InetSocketAddress(fromAddress, 0));
      socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      socket.setSoTimeout(5000);
      socket.startHandshake();
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      opened.incrementAndGet();
      open.add(socket);
    } catch (IOException e) {
      closeQuietly(socket);
      slots.release();
      sleep(200); // refused or timed out: try again a moment later
    } finally {
      opening.decrementAndGet();
    }
  }

  private void drop(SSLSocket socket, boolean byServer) {
    if (open.remove(socket)) {
      if (byServer) {
        closedByServer.incrementAndGet();
      }
      closeQuietly(socket);
      slots.release();
    }
  }

  private static void closeQuietly(SSLSocket socket) {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException e) {
        // already gone
      }
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    trickler.shutdownNow();
    openers.shutdownNow();
    openers.awaitTermination(10, TimeUnit.SECONDS);
    for (SSLSocket socket : open) {
      drop(socket, false);
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread thread = new Thread(r, name);
      thread.setDaemon(true);
      return thread;
    };
  }

  /** The loris does not care whom it talks to. */
  private static final class TrustingAnyone implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }

  /** The connection count the loris aims at, for messages. */
  int connections() {
    return connections;
  }
}
