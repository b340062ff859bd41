import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A steady, bounded load on the demo app, as a client pod would send it: {@code rate} GET requests per second
 * for {@code seconds} (fewer when the server is slower), each with its own {@code x-request-id}
 * ({@code <prefix>-<n>}) so a test can find every request's log line at the receiver. Prints one JSON line at the
 * end: how many were sent, answered with 2xx, and failed, by cause, how many were retried and the seconds it took.
 *
 * <p>HTTP/1.1 keep-alive over plain blocking sockets, one connection per worker (at most 64 requests in flight: a
 * slower server lowers the rate instead of piling up requests). Not the JDK's HttpClient: on a 2-core node its
 * client side cost more CPU than the sidecar and the app together, so the client, not the server, set the rate.
 *
 * <p>{@code java -cp /app DemoLoad http://demo-app.demo.svc.cluster.local/orders/1 50 30 load}
 */
final class DemoLoad {
  private static final int MAX_IN_FLIGHT = 64;
  private static final int TIMEOUT_MILLIS = 10_000;

  private final URI target;
  private final long total;
  private final long intervalNanos;
  private final long start = System.nanoTime();
  private final long end;
  private final String prefix;
  private final AtomicLong next = new AtomicLong();
  private final LongAdder sent = new LongAdder();
  private final LongAdder ok = new LongAdder();
  private final LongAdder retried = new LongAdder();
  private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();

  private DemoLoad(URI target, int rate, int seconds, String prefix) {
    this.target = target;
    this.total = (long) rate * seconds;
    this.intervalNanos = 1_000_000_000L / rate;
    this.end = start + seconds * 1_000_000_000L;
    this.prefix = prefix;
  }

  public static void main(String[] args) throws Exception {
    int rate = Integer.parseInt(args[1]);
    DemoLoad load = new DemoLoad(URI.create(args[0]), rate, Integer.parseInt(args[2]), args.length > 3 ? args[3] : "load");
    // Enough workers for the rate at about 50 ms a request, never more than the in-flight cap.
    int workers = Math.max(4, Math.min(MAX_IN_FLIGHT, rate / 20));
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < workers; i++) {
      Thread worker = new Thread(load::work, "load-" + i);
      worker.start();
      threads.add(worker);
    }
    for (Thread worker : threads) {
      worker.join();
    }
    System.out.println(load.summary());
  }

  /** Takes the next request number, waits for its due time, sends it; until the count or the time is used up. */
  private void work() {
    Connection connection = null;
    for (long n = next.getAndIncrement(); n < total; n = next.getAndIncrement()) {
      long wait = start + n * intervalNanos - System.nanoTime();
      if (wait > 0) {
        sleepNanos(wait);
      }
      if (System.nanoTime() >= end) {
        break;
      }
      sent.increment();
      String id = prefix + "-" + n;
      String cause;
      try {
        connection = connection != null ? connection : new Connection(target);
        cause = cause(connection.get(id));
      } catch (IOException firstTry) {
        close(connection);
        connection = null;
        if (firstTry instanceof SocketTimeoutException) {
          cause = "SocketTimeoutException";
        } else {
          // RFC 9112 §9.3.1: a GET whose connection failed before an answer may be sent again, as Go's
          // net/http and browsers do; a keep-alive connection the server closes as it shuts down can take
          // a request that crossed the close on the wire.
          retried.increment();
          try {
            connection = new Connection(target);
            cause = cause(connection.get(id));
          } catch (IOException e) {
            close(connection);
            connection = null;
            cause = e.getClass().getSimpleName();
          }
        }
      }
      if (cause == null) {
        ok.increment();
      } else {
        failures.computeIfAbsent(cause, k -> new LongAdder()).increment();
      }
      if (connection != null && connection.closed) {
        close(connection);
        connection = null;
      }
    }
    close(connection);
  }

  private static String cause(int status) {
    return status / 100 == 2 ? null : "status " + status;
  }

  private String summary() {
    Map<String, Long> byCause = new TreeMap<>();
    failures.forEach((cause, count) -> byCause.put(cause, count.sum()));
    long failed = byCause.values().stream().mapToLong(Long::longValue).sum();
    StringBuilder causes = new StringBuilder();
    byCause.forEach((cause, count) -> causes.append(causes.isEmpty() ? "" : ",").append('"').append(cause)
        .append("\":").append(count));
    double took = (System.nanoTime() - start) / 1e9;
    return String.format(Locale.ROOT, "{\"sent\":%d,\"ok\":%d,\"failed\":%d,\"retried\":%d,\"seconds\":%.1f,\"causes\":{%s}}",
        sent.sum(), ok.sum(), failed, retried.sum(), took, causes);
  }

  private static void sleepNanos(long nanos) {
    try {
      Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void close(Connection connection) {
    if (connection != null) {
      connection.close();
    }
  }

  /** One keep-alive HTTP/1.1 connection: a GET out, the status and the whole body (length or chunked) back. */
  private static final class Connection implements AutoCloseable {
    private final Socket socket = new Socket();
    private final InputStream in;
    private final OutputStream out;
    private final String head;
    private boolean closed;

    Connection(URI target) throws IOException {
      int port = target.getPort() == -1 ? 80 : target.getPort();
      socket.connect(new InetSocketAddress(target.getHost(), port), 5_000);
      socket.setSoTimeout(TIMEOUT_MILLIS);
      socket.setTcpNoDelay(true);
      in = new BufferedInputStream(socket.getInputStream());
      out = socket.getOutputStream();
      String path = target.getRawPath() + (target.getRawQuery() == null ? "" : "?" + target.getRawQuery());
      head = "GET " + path + " HTTP/1.1\r\nHost: " + target.getHost() + (port == 80 ? "" : ":" + port)
          + "\r\nUser-Agent: DemoLoad\r\nx-request-id: ";
    }

    /** Sends the GET and reads the whole answer; the status code. */
    int get(String requestId) throws IOException {
      out.write((head + requestId + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String status = line();
      if (status == null || !status.startsWith("HTTP/1.")) {
        throw new IOException("no HTTP answer: " + status);
      }
      int code = Integer.parseInt(status.substring(9, 12));
      long length = -1;
      boolean chunked = false;
      for (String header = line(); !header.isEmpty(); header = line()) {
        String name = header.substring(0, Math.max(0, header.indexOf(':'))).trim().toLowerCase(Locale.ROOT);
        String value = header.substring(header.indexOf(':') + 1).trim().toLowerCase(Locale.ROOT);
        switch (name) {
          case "content-length" -> length = Long.parseLong(value);
          case "transfer-encoding" -> chunked = value.contains("chunked");
          case "connection" -> closed |= value.contains("close");
          default -> { }
        }
      }
      if (chunked) {
        for (long size = Long.parseLong(line().split(";")[0].trim(), 16); size > 0;
            size = Long.parseLong(line().split(";")[0].trim(), 16)) {
          skip(size);
          line();
        }
        while (!line().isEmpty()) {
          // trailer fields
        }
      } else if (length >= 0) {
        skip(length);
      } else {
        closed = true;
        in.transferTo(OutputStream.nullOutputStream());
      }
      return code;
    }

    private String line() throws IOException {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
      for (int b = in.read(); b != '\n'; b = in.read()) {
        if (b == -1) {
          throw new IOException("connection closed mid-answer");
        }
        if (b != '\r') {
          bytes.write(b);
        }
      }
      return bytes.toString(StandardCharsets.ISO_8859_1);
    }

    private void skip(long count) throws IOException {
      for (long left = count; left > 0; ) {
        long skipped = in.skip(left);
        if (skipped <= 0) {
          if (in.read() == -1) {
            throw new IOException("connection closed mid-body");
          }
          skipped = 1;
        }
        left -= skipped;
      }
    }

    @Override
    public void close() {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing: nothing left to do
      }
    }
  }
}
