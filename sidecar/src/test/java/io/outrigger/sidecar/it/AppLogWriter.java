package io.outrigger.sidecar.it;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stands in for an app writing JSON log lines with unique ids ({@code "id":"<n>"}) at a steady rate
 * into {@code app.log}, rotating it the way logrotate does, from its own thread (so the rotation
 * itself loses nothing: what a test counts as lost, the sidecar lost).
 */
final class AppLogWriter implements AutoCloseable {
  enum Rotation {
    NONE,
    /** logrotate's default: app.log.N → app.log.N+1, app.log → app.log.1, a new app.log. */
    RENAME,
    /** logrotate's copytruncate: copy app.log to app.log.1, truncate app.log in place. */
    COPYTRUNCATE
  }

  private final Path dir;
  private final Path log;
  private final int linesPerSecond;
  private final Rotation rotation;
  private final long rotateEveryMillis;
  private final AtomicInteger written = new AtomicInteger();
  private final AtomicInteger rotations = new AtomicInteger();
  private volatile boolean stopped;
  private volatile Throwable failure;
  private Thread thread;

  AppLogWriter(Path dir, int linesPerSecond, Rotation rotation, long rotateEveryMillis) {
    this.dir = dir;
    this.log = dir.resolve("app.log");
    this.linesPerSecond = linesPerSecond;
    this.rotation = rotation;
    this.rotateEveryMillis = rotateEveryMillis;
  }

  AppLogWriter start() {
    thread = new Thread(this::run, "app-log-writer");
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

  static String line(int id) {
    return "{\"ts\":\"2024-05-01T12:00:00Z\",\"level\":\"info\",\"msg\":\"order placed\",\"id\":\""
        + id
        + "\"}\n";
  }

  /** Writes {@code count} lines as fast as it can, from the calling thread. */
  static int burst(Path file, int count) throws IOException {
    try (OutputStream out =
        new java.io.BufferedOutputStream(
            Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND),
            1 << 16)) {
      for (int i = 0; i < count; i++) {
        out.write(line(i).getBytes(StandardCharsets.UTF_8));
      }
    }
    return count;
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
        if (rotation != Rotation.NONE
            && System.currentTimeMillis() - lastRotation >= rotateEveryMillis) {
          out = rotate(out);
          lastRotation = System.currentTimeMillis();
          rotations.incrementAndGet();
        }
      }
      out.close();
    } catch (Throwable e) {
      failure = e;
    }
  }

  private OutputStream open() throws IOException {
    return Files.newOutputStream(log, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  private OutputStream rotate(OutputStream out) throws IOException {
    for (int i = 20; i >= 1; i--) {
      Path from = dir.resolve("app.log." + i);
      if (Files.exists(from)) {
        Files.move(from, dir.resolve("app.log." + (i + 1)), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    if (rotation == Rotation.RENAME) {
      out.close();
      Files.move(log, dir.resolve("app.log.1"));
      return open();
    }
    Files.copy(log, dir.resolve("app.log.1"));
    try (FileChannel channel = FileChannel.open(log, StandardOpenOption.WRITE)) {
      channel.truncate(0);
    }
    return out; // O_APPEND: the app's next write lands at the new end
  }

  /** Stops writing; returns how many lines were written (ids 0 to n-1). */
  int stop() throws Exception {
    stopped = true;
    thread.join(10_000);
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
