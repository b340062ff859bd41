package io.outrigger.sidecar.it;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An app writing JSON lines with unique ids ({@code "id":"<n>"}) at a steady rate into {@code
 * app.log}, rotated by Debian's real {@code /usr/sbin/logrotate} ({@code -f}, its own state file).
 * The writer pauses while logrotate runs, so the rotation itself loses nothing: what a test counts
 * as lost, the sidecar lost. After a {@code create} rotation it reopens {@code app.log}, as an app
 * does on the SIGHUP of a {@code postrotate} script; after {@code copytruncate} it keeps writing to
 * its open file ({@code O_APPEND}: the next write lands at the new end).
 *
 * <p>Every {@link #BAD_EVERY}th line carries {@code "bad":true}, which a refusing test receiver
 * answers with 400: those are the records the sidecar must set aside, not drop.
 */
final class LogrotateWriter implements AutoCloseable {
  static final Path LOGROTATE = Path.of("/usr/sbin/logrotate");
  static final int BAD_EVERY = 1000;

  /**
   * Rotated files kept: enough that none is deleted during a test. A file logrotate deletes before
   * any sidecar opened it is gone for every tailer; that is not what the tests measure.
   */
  static final int KEEP = 30;

  /** How logrotate rotates; several styles alternate, one per rotation. */
  enum Style {
    /** {@code create}: app.log renamed to app.log.1, a new app.log. */
    RENAME("create"),
    /** {@code copytruncate}: app.log copied to app.log.1, then truncated in place. */
    COPYTRUNCATE("copytruncate"),
    /** {@code copytruncate} with {@code compress}: the copy becomes app.log.1.gz at once. */
    COPYTRUNCATE_COMPRESS("copytruncate\n  compress"),
    /** {@code create} with {@code compress} and {@code delaycompress}. */
    RENAME_DELAYCOMPRESS("create\n  compress\n  delaycompress");

    final String directives;

    Style(String directives) {
      this.directives = directives;
    }
  }

  private final Path dir;
  private final Path log;
  private final int linesPerSecond;
  private final List<Style> styles;
  private final long rotateEveryMillis;
  private final AtomicInteger written = new AtomicInteger();
  private final AtomicInteger rotations = new AtomicInteger();
  private volatile boolean stopped;
  private volatile Throwable failure;
  private Thread thread;

  LogrotateWriter(Path dir, int linesPerSecond, List<Style> styles, long rotateEveryMillis) {
    this.dir = dir;
    this.log = dir.resolve("app.log");
    this.linesPerSecond = linesPerSecond;
    this.styles = styles;
    this.rotateEveryMillis = rotateEveryMillis;
  }

  static boolean available() {
    return Files.isExecutable(LOGROTATE);
  }

  LogrotateWriter start() {
    thread = new Thread(this::run, "logrotate-writer");
    thread.setDaemon(true);
    thread.start();
    return this;
  }

  int written() {
    return written.get();
  }

  int rotations() {
    return rotations.get();
  }

  /**
   * Constant fields before the id, longer than the 256 bytes a file's head is compared on: the
   * first bytes of every generation of app.log are the same, as with apps whose lines begin with
   * many fixed fields (logger, thread, user agent). A file's identity cannot rest on its head.
   */
  static final String CONSTANT_FIELDS =
      "\"logger\":\"io.example.shop.orders.OrderPlacementService\",\"thread\":\"http-nio-8080-exec-1\","
          + "\"ua\":\"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)"
          + " Chrome/124.0.0.0 Safari/537.36\",\"route\":\"/api/v1/orders\",\"method\":\"POST\",";

  static String line(int id) {
    return "{\"ts\":\"2024-05-01T12:00:00Z\",\"level\":\"info\",\"msg\":\"order placed\","
        + CONSTANT_FIELDS
        + "\"id\":\""
        + id
        + "\""
        + (id % BAD_EVERY == BAD_EVERY - 1 ? ",\"bad\":true" : "")
        + "}\n";
  }

  private void run() {
    try {
      OutputStream out = open();
      long start = System.nanoTime();
      long lastRotation = System.currentTimeMillis();
      int n = 0;
      while (!stopped) {
        // Paced by the clock: n lines by now, whatever the pauses cost.
        long due = (System.nanoTime() - start) * linesPerSecond / 1_000_000_000L;
        if (n >= due) {
          Thread.sleep(1);
          continue;
        }
        while (n < due && !stopped) {
          out.write(line(n++).getBytes(StandardCharsets.UTF_8));
        }
        out.flush();
        written.set(n);
        if (!styles.isEmpty() && System.currentTimeMillis() - lastRotation >= rotateEveryMillis) {
          Style style = styles.get(rotations.get() % styles.size());
          logrotate(style);
          if (!Files.exists(log) || style.directives.startsWith("create")) {
            out.close();
            out = open();
          }
          lastRotation = System.currentTimeMillis();
          rotations.incrementAndGet();
        }
      }
      out.close();
    } catch (Throwable e) {
      failure = e;
    }
  }

  private void logrotate(Style style) throws IOException, InterruptedException {
    Path config = dir.resolveSibling("logrotate-" + style.name().toLowerCase() + ".conf");
    if (!Files.exists(config)) {
      Files.writeString(
          config,
          log
              + " {\n  rotate "
              + KEEP
              + "\n  missingok\n  notifempty\n  "
              + style.directives
              + "\n}\n");
    }
    Process p =
        new ProcessBuilder(
                LOGROTATE.toString(),
                "-f",
                "-s",
                dir.resolveSibling("logrotate.state").toString(),
                config.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("logrotate failed: " + output);
    }
  }

  private OutputStream open() throws IOException {
    return Files.newOutputStream(log, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  /** Stops writing; returns how many lines were written (ids 0 to n-1). */
  int stop() throws Exception {
    stopped = true;
    thread.join(30_000);
    if (failure != null) {
      throw new AssertionError("the writer failed", failure);
    }
    return written.get();
  }

  @Override
  public void close() throws Exception {
    if (thread != null && !stopped) {
      stop();
    }
  }
}
