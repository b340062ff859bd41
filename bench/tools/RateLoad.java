import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Open-loop load at a fixed rate over keep-alive connections (wrk is closed-loop and wrk2 is not packaged):
 * {@code java RateLoad.java URL RPS SECONDS [CONNECTIONS]}. Each connection sends on its own schedule
 * (RPS/CONNECTIONS per second), so a slow answer delays only its connection. Prints sent, ok, failed, late.
 */
public final class RateLoad {
  public static void main(String[] args) throws Exception {
    URI target = URI.create(args[0]);
    int rps = Integer.parseInt(args[1]);
    int seconds = Integer.parseInt(args[2]);
    int connections = args.length > 3 ? Integer.parseInt(args[3]) : 20;
    byte[] request =
        ("GET " + target.getRawPath() + " HTTP/1.1\r\nHost: " + target.getHost() + ":" + target.getPort() + "\r\n\r\n")
            .getBytes(StandardCharsets.ISO_8859_1);
    long intervalNanos = 1_000_000_000L * connections / rps;
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    AtomicLong sent = new AtomicLong();
    AtomicLong ok = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    AtomicLong late = new AtomicLong();
    Thread[] threads = new Thread[connections];
    for (int c = 0; c < connections; c++) {
      long offset = intervalNanos * c / connections;
      threads[c] =
          new Thread(
              () -> {
                long next = System.nanoTime() + offset;
                Socket socket = null;
                while (next < end) {
                  long wait = next - System.nanoTime();
                  if (wait > 0) {
                    sleep(wait);
                  } else if (wait < -intervalNanos) {
                    late.incrementAndGet();
                  }
                  next += intervalNanos;
                  sent.incrementAndGet();
                  try {
                    if (socket == null) {
                      socket = new Socket(target.getHost(), target.getPort());
                      socket.setTcpNoDelay(true);
                    }
                    OutputStream out = socket.getOutputStream();
                    out.write(request);
                    out.flush();
                    (readResponse(new BufferedInputStream(socket.getInputStream())) == 200 ? ok : failed).incrementAndGet();
                  } catch (IOException e) {
                    failed.incrementAndGet();
                    close(socket);
                    socket = null;
                  }
                }
                close(socket);
              });
      threads[c].start();
    }
    for (Thread t : threads) {
      t.join();
    }
    System.out.printf("sent=%d ok=%d failed=%d late=%d%n", sent.get(), ok.get(), failed.get(), late.get());
  }

  /** Reads one response (status line, headers, Content-Length body) and returns its status. */
  private static int readResponse(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed");
      }
      head.append((char) b);
    }
    String text = head.toString();
    int status = Integer.parseInt(text.substring(9, 12));
    int length = 0;
    for (String line : text.split("\r\n")) {
      if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    for (int read = 0; read < length; read++) {
      if (in.read() < 0) {
        throw new IOException("closed");
      }
    }
    return status;
  }

  private static void sleep(long nanos) {
    try {
      Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void close(Socket socket) {
    try {
      if (socket != null) {
        socket.close();
      }
    } catch (IOException ignored) {
      // closing anyway
    }
  }
}
