package io.outrigger.sidecar.logs.tail;

import io.outrigger.config.ReadFrom;
import io.outrigger.config.SidecarConfig.MultilineConfig;
import io.outrigger.sidecar.JsonLog;
import io.outrigger.sidecar.logs.BufferedRecord;
import io.outrigger.sidecar.logs.LineProcessor;
import io.outrigger.sidecar.logs.LogBuffer;
import io.outrigger.sidecar.logs.LogMetrics;
import io.outrigger.sidecar.logs.RecordPacker;
import io.outrigger.sidecar.logs.parse.MultilineJoiner;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Follows the files the patterns match, on its own thread with blocking NIO reads (never on an
 * event loop), and hands each record to the {@link LogBuffer}, waiting while it is full.
 *
 * <p>Files are known by inode and first bytes ({@link FilePrefix}), not by name: a file renamed
 * away keeps being read to its end, a new file under the old name starts at 0, a truncated file
 * (copytruncate) starts again at 0 while its old content continues in the copy, if a pattern
 * matches the copy. Offsets are checkpointed only once every output acknowledged them.
 */
public final class LogTailer {
  /**
   * How long a rotated or deleted file is still watched for late writes (Fluent Bit's Rotate_Wait).
   */
  static final Duration ROTATE_WAIT = Duration.ofSeconds(5);

  // Often enough that a file rotated every second is seen before it is renamed away.
  private static final long SCAN_NANOS = Duration.ofMillis(250).toNanos();
  private static final long IDLE_PARK_NANOS = Duration.ofMillis(100).toNanos();
  private static final long CHECKPOINT_NANOS = Duration.ofMillis(250).toNanos();
  private static final int CHUNK = 64 * 1024;
  private static final int CHUNKS_PER_ROUND = 16;

  /** What the tailer reads and how; swapped whole on a reload. */
  public record Settings(
      Path directory,
      List<String> patterns,
      ReadFrom readFrom,
      int maxLineBytes,
      MultilineConfig multiline,
      LineProcessor processor) {}

  /** One file as {@code /status} shows it. */
  public record FileStatus(
      String path, String state, long readOffset, long acknowledgedOffset, long size) {}

  private final LogBuffer buffer;
  private final CheckpointStore checkpoints;
  private final LogMetrics metrics;
  private final LogFileFinder finder;
  private final List<TrackedFile> files = new CopyOnWriteArrayList<>();
  private final Map<String, Long> deferred = new HashMap<>();
  private final Set<String> reported = new HashSet<>();
  private final AtomicBoolean checkpointDirty = new AtomicBoolean();
  private final ByteBuffer chunk = ByteBuffer.allocate(CHUNK);
  private final Utf8Text utf8 = new Utf8Text();
  private final RecordPacker packer = new RecordPacker();
  private volatile Settings settings;
  private long rotateWaitNanos = ROTATE_WAIT.toNanos();
  private volatile boolean reading = true;
  private volatile boolean abandon;
  private volatile String lastError;
  private volatile long lastErrorNanos;
  private volatile Thread thread;
  private List<CheckpointStore.Entry> restoring = List.of();
  private boolean checkpointUnreadable;
  private long lastScan;
  private long lastCheckpoint;
  private long linesRead;
  private long bytesRead;

  public LogTailer(
      Settings settings, LogBuffer buffer, CheckpointStore checkpoints, LogMetrics metrics) {
    this.settings = settings;
    this.buffer = buffer;
    this.checkpoints = checkpoints;
    this.metrics = metrics;
    this.finder = new LogFileFinder(settings.directory(), checkpoints.file().getParent());
  }

  /** Shorter waits for tests; set before {@link #start}. */
  void rotateWait(Duration wait) {
    this.rotateWaitNanos = wait.toNanos();
  }

  public void start() {
    Thread t = new Thread(this::run, "outrigger-log-tailer");
    t.setDaemon(true);
    thread = t;
    t.start();
  }

  /** Takes effect between two records: parsing, enrichment, multiline, patterns. */
  public void apply(Settings next) {
    this.settings = next;
  }

  /**
   * Stops reading, hands pending multiline records to the buffer (waiting for room until {@code
   * abandonAfter}), and returns when the thread has ended.
   */
  public void stop(Duration abandonAfter) {
    reading = false;
    Thread t = thread;
    if (t == null) {
      return;
    }
    LockSupport.unpark(t);
    try {
      t.join(abandonAfter.toMillis());
      abandon = true;
      t.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public int watchedFiles() {
    return files.size();
  }

  public String lastError() {
    return lastError;
  }

  /** The last error if it happened within {@code window}, else null. */
  public String recentError(Duration window) {
    String error = lastError;
    return error != null && System.nanoTime() - lastErrorNanos <= window.toNanos() ? error : null;
  }

  public List<FileStatus> status() {
    List<FileStatus> result = new ArrayList<>();
    for (TrackedFile f : files) {
      result.add(
          new FileStatus(
              String.valueOf(f.path), f.state(), f.readPosition, f.committed(), f.lastSize));
    }
    return result;
  }

  /** Writes the checkpoint now (the final one at shutdown, after the thread ended). */
  public void saveCheckpoint() {
    List<CheckpointStore.Entry> entries = new ArrayList<>();
    for (TrackedFile f : files) {
      entries.add(
          new CheckpointStore.Entry(
              String.valueOf(f.path),
              f.channel == null ? null : f.inode,
              f.prefix.bytes(),
              f.committed()));
    }
    // Files of the old checkpoint not seen yet (the first scan has not run) keep their entries.
    entries.addAll(restoring);
    try {
      checkpoints.save(entries);
    } catch (IOException e) {
      error("could not write the checkpoint " + checkpoints.file() + ": " + e);
    }
  }

  private void run() {
    restoring = loadCheckpoint();
    boolean first = true;
    try {
      while (reading) {
        long now = System.nanoTime();
        Settings s = settings;
        if (first || now - lastScan >= SCAN_NANOS) {
          scan(s, first, now);
          first = false;
          lastScan = now;
        }
        boolean progressed = false;
        for (TrackedFile f : files) {
          if (!reading) {
            break;
          }
          if (f.channel != null && !f.finished) {
            progressed |= read(f, s, now);
          }
        }
        flushIdleJoiners(now);
        release(now);
        publishCounters();
        if (checkpointDirty.get() && now - lastCheckpoint >= CHECKPOINT_NANOS) {
          checkpointDirty.set(false);
          lastCheckpoint = now;
          saveCheckpoint();
        }
        if (!progressed && reading) {
          LockSupport.parkNanos(IDLE_PARK_NANOS);
        }
      }
      // Records the multiline join still holds are complete as far as anyone will know.
      for (TrackedFile f : files) {
        if (f.joiner != null) {
          f.joiner.flush(j -> emitRecord(f, j.text(), j.endOffset(), j.lines()));
        }
      }
      publishCounters();
    } catch (RuntimeException | Error e) {
      error("log tailer stopped: " + e);
      throw e;
    }
  }

  private List<CheckpointStore.Entry> loadCheckpoint() {
    try {
      return new ArrayList<>(checkpoints.load());
    } catch (IOException e) {
      // Keep the bad file for inspection and start over from the beginning of every file:
      // duplicates rather than loss.
      checkpointUnreadable = true;
      error(e.getMessage() + "; reading every file from its beginning");
      try {
        Files.move(
            checkpoints.file(),
            checkpoints.file().resolveSibling(checkpoints.file().getFileName() + ".unreadable"),
            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException ignored) {
        // Overwritten by the next save anyway.
      }
      return new ArrayList<>();
    }
  }

  private void scan(Settings s, boolean first, long now) {
    List<String> patterns = s.patterns().isEmpty() ? List.of("*.log") : s.patterns();
    LogFileFinder.Result result = finder.find(patterns);
    for (LogFileFinder.Problem problem : result.problems()) {
      if (reported.add(problem.path() + " " + problem.reason())) {
        metrics.problem(problem.reason());
        JsonLog.warn(
            "log file skipped",
            "path",
            problem.path().toString(),
            "reason",
            problem.reason(),
            "detail",
            problem.message());
      }
    }
    Set<String> tracked = new HashSet<>();
    for (TrackedFile f : files) {
      if (f.channel == null) {
        continue;
      }
      tracked.add(f.inode);
      LogFileFinder.Found found = result.byInode().get(f.inode);
      if (found != null) {
        f.path = found.path();
        f.unmatchedSince = 0;
      } else if (f.unmatchedSince == 0) {
        f.unmatchedSince = now;
      }
    }
    for (LogFileFinder.Found found : result.byInode().values()) {
      if (!tracked.contains(found.inode())) {
        identify(found, s, first, now);
      }
    }
    deferred.keySet().retainAll(result.byInode().keySet());
    if (first) {
      restoring = List.of(); // entries of files that are gone
      checkpointDirty.set(true);
    }
    Map<String, Long> lag = new HashMap<>();
    for (TrackedFile f : files) {
      long size = f.lastSize;
      if (f.channel != null) {
        try {
          size = f.channel.size();
        } catch (IOException e) {
          // Keep the last size.
        }
      }
      f.lastSize = size;
      lag.merge(label(s, f), Math.max(0, size - f.committed()), Long::sum);
    }
    metrics.lag(lag);
  }

  private static String label(Settings s, TrackedFile f) {
    Path path = f.path;
    return path.startsWith(s.directory())
        ? s.directory().relativize(path).toString()
        : path.toString();
  }

  /** A file not tracked yet: resumed, a copy of known content, or new. */
  private void identify(LogFileFinder.Found found, Settings s, boolean first, long now) {
    FileChannel channel;
    long size;
    FilePrefix prefix;
    try {
      channel = FileChannel.open(found.path(), StandardOpenOption.READ);
      size = channel.size();
      prefix = FilePrefix.read(channel, size);
    } catch (IOException e) {
      if (reported.add(found.path() + " unreadable")) {
        metrics.problem("unreadable");
        JsonLog.warn(
            "log file skipped",
            "path",
            found.path().toString(),
            "reason",
            "unreadable",
            "detail",
            e.toString());
      }
      return;
    }
    // 1. The checkpoint of the last run: same inode and same first bytes, or (for content whose
    // file was truncated and copied while we were down) the same first bytes.
    CheckpointStore.Entry resumed = null;
    boolean copy = false;
    for (CheckpointStore.Entry e : restoring) {
      FilePrefix saved = new FilePrefix(e.prefix());
      if (Objects.equals(e.inode(), found.inode())
          && saved.isPrefixOf(prefix)
          && e.offset() <= size) {
        resumed = e;
        break;
      }
    }
    if (resumed == null) {
      for (CheckpointStore.Entry e : restoring) {
        FilePrefix saved = new FilePrefix(e.prefix());
        if (saved.complete() && saved.isPrefixOf(prefix) && !inodeStillPresent(e)) {
          resumed = e;
          copy = true;
          break;
        }
      }
    }
    if (resumed != null) {
      restoring.remove(resumed);
      TrackedFile f = track(channel, found, prefix, Math.min(resumed.offset(), size), s, now);
      f.copy = copy;
      JsonLog.info("log file resumed", "path", found.path().toString(), "offset", f.readPosition);
      return;
    }
    // 2. The copy of content whose file was truncated (copytruncate): continue where we were.
    for (TrackedFile orphan : files) {
      if (orphan.channel == null
          && !orphan.finished
          && orphan.prefix.length() > 0
          && orphan.prefix.isPrefixOf(prefix)) {
        orphan.channel = channel;
        orphan.inode = found.inode();
        orphan.path = found.path();
        orphan.prefix = orphan.prefix.longer(prefix);
        orphan.copy = true;
        orphan.detachedSince = 0;
        orphan.unmatchedSince = 0;
        orphan.lastGrowth = now;
        JsonLog.info(
            "log file copy continues truncated content",
            "path",
            found.path().toString(),
            "offset",
            orphan.readPosition);
        return;
      }
    }
    // 3. Starts like a file being tailed: probably the copy of a file about to be truncated. Wait
    // for the truncation (then rule 2 applies), but not forever: then it is a new file.
    if (prefix.length() > 0) {
      for (TrackedFile live : files) {
        if (live.channel != null && live.prefix.length() > 0 && live.prefix.sameStart(prefix)) {
          long since = deferred.computeIfAbsent(found.inode(), k -> now);
          if (now - since < rotateWaitNanos) {
            close(channel);
            return;
          }
          break;
        }
      }
    }
    deferred.remove(found.inode());
    // 4. New. readFrom applies to files present when tailing starts; files that appear later
    // (such as the new file after a rotation) are read from their beginning.
    long start =
        first && s.readFrom() == ReadFrom.END && !checkpointUnreadable
            ? endOfLastLine(channel, size)
            : 0;
    TrackedFile f = track(channel, found, prefix, start, s, now);
    JsonLog.info("log file found", "path", found.path().toString(), "offset", f.readPosition);
  }

  private boolean inodeStillPresent(CheckpointStore.Entry e) {
    return e.inode() != null && files.stream().anyMatch(f -> e.inode().equals(f.inode));
  }

  private TrackedFile track(
      FileChannel channel,
      LogFileFinder.Found found,
      FilePrefix prefix,
      long start,
      Settings s,
      long now) {
    TrackedFile f =
        new TrackedFile(
            channel,
            found.inode(),
            found.path(),
            prefix,
            start,
            s.maxLineBytes(),
            checkpointDirty,
            now);
    f.lastSize = found.size();
    files.add(f);
    checkpointDirty.set(true);
    return f;
  }

  /** Reads what was appended, up to a fair share; true when something was read. */
  private boolean read(TrackedFile f, Settings s, long now) {
    try {
      long size = f.channel.size();
      if (f.copy && size <= f.readPosition) {
        return false; // a copy that holds nothing we have not read from the original
      }
      if (size < f.readPosition || (size > f.readPosition && startChanged(f, size))) {
        truncated(f, s, now);
        return true;
      }
      ensureJoiner(f, s);
      boolean progressed = false;
      for (int i = 0; i < CHUNKS_PER_ROUND && f.readPosition < size && reading; i++) {
        chunk.clear();
        chunk.limit((int) Math.min(CHUNK, size - f.readPosition));
        int n = f.channel.read(chunk, f.readPosition);
        if (n <= 0) {
          break;
        }
        chunk.flip();
        long at = f.readPosition;
        f.readPosition += n;
        bytesRead += n;
        f.assembler.feed(
            chunk,
            at,
            (bytes, length, truncated, endOffset) ->
                line(f, bytes, length, truncated, endOffset, now));
        progressed = true;
      }
      if (progressed) {
        f.lastGrowth = now;
      }
      return progressed;
    } catch (IOException e) {
      error("reading " + f.path + ": " + e);
      return false;
    }
  }

  /** Whether the file's first bytes differ from what they were: it was truncated and rewritten. */
  private static boolean startChanged(TrackedFile f, long size) throws IOException {
    if (f.copy) {
      return false;
    }
    FilePrefix now = FilePrefix.read(f.channel, size);
    if (!f.prefix.sameStart(now)) {
      return true;
    }
    f.prefix = f.prefix.longer(now);
    return false;
  }

  /**
   * The inode now holds new content from offset 0. The old content keeps its offsets and waits (up
   * to {@link #ROTATE_WAIT}) for a copy to continue in; the inode is tailed anew from 0.
   */
  private void truncated(TrackedFile f, Settings s, long now) throws IOException {
    long size = f.channel.size();
    LogFileFinder.Found same = new LogFileFinder.Found(f.path, f.inode, size);
    FilePrefix prefix = FilePrefix.read(f.channel, size);
    FileChannel channel = f.channel;
    f.channel = null;
    f.detachedSince = now;
    JsonLog.info("log file truncated", "path", f.path.toString(), "readOffset", f.readPosition);
    TrackedFile fresh = track(channel, same, prefix, 0, s, now);
    fresh.unmatchedSince = f.unmatchedSince;
  }

  private void ensureJoiner(TrackedFile f, Settings s) {
    if (!Objects.equals(f.joinerConfig, s.multiline())) {
      if (f.joiner != null) {
        f.joiner.flush(j -> emitRecord(f, j.text(), j.endOffset(), j.lines()));
      }
      f.joiner =
          s.multiline() == null ? null : new MultilineJoiner(s.multiline(), s.maxLineBytes() * 4);
      f.joinerConfig = s.multiline();
    }
  }

  private void line(
      TrackedFile f, byte[] bytes, int length, boolean truncated, long endOffset, long now) {
    linesRead++;
    if (truncated) {
      metrics.linesTruncated.increment();
    }
    String text = utf8.decode(bytes, length);
    if (utf8.lastInvalid()) {
      metrics.invalidUtf8.increment();
    }
    if (f.joiner != null) {
      f.joiner.accept(text, endOffset, now, j -> emitRecord(f, j.text(), j.endOffset(), j.lines()));
    } else if (!text.isBlank()) {
      emitRecord(f, text, endOffset, 1);
    }
  }

  private void emitRecord(TrackedFile f, String text, long endOffset, int lines) {
    if (abandon) {
      return;
    }
    LineProcessor.Result result =
        settings.processor().process(text, f.path.toString(), Instant.now(), packer);
    if (!result.parsed()) {
      metrics.parseFailures.increment();
    }
    if (lines > 1) {
      metrics.multilineRecords.increment();
    }
    try {
      if (buffer.put(new BufferedRecord(result.record(), f, endOffset), () -> !abandon)) {
        f.emittedEnd = endOffset;
      }
    } catch (InterruptedException e) {
      abandon = true;
      Thread.currentThread().interrupt();
    }
  }

  private void flushIdleJoiners(long now) {
    for (TrackedFile f : files) {
      if (f.joiner != null) {
        f.joiner.flushIfIdle(now, j -> emitRecord(f, j.text(), j.endOffset(), j.lines()));
      }
    }
  }

  /**
   * Lets go of files that are finished: rotated away or deleted and read to the end with no write
   * for {@link #ROTATE_WAIT}, or truncated content whose copy never appeared. Their last partial
   * line is emitted first; they are released once every output acknowledged it.
   */
  private void release(long now) {
    long wait = rotateWaitNanos;
    for (TrackedFile f : files) {
      if (!f.finished) {
        boolean done;
        if (f.channel == null) {
          done = now - f.detachedSince > wait;
        } else {
          done =
              f.unmatchedSince != 0
                  && now - f.unmatchedSince > wait
                  && now - f.lastGrowth > wait
                  && atEnd(f);
        }
        if (done) {
          long end = f.readPosition;
          f.assembler.flushPartial(
              end,
              (bytes, length, truncated, endOffset) ->
                  line(f, bytes, length, truncated, endOffset, now));
          if (f.joiner != null) {
            f.joiner.flush(j -> emitRecord(f, j.text(), j.endOffset(), j.lines()));
          }
          f.finished = true;
        }
      }
      if (f.finished && f.allAcknowledged()) {
        close(f.channel);
        files.remove(f);
        checkpointDirty.set(true);
        JsonLog.info("log file released", "path", String.valueOf(f.path), "offset", f.committed());
      }
    }
  }

  private static boolean atEnd(TrackedFile f) {
    try {
      return f.channel.size() <= f.readPosition;
    } catch (IOException e) {
      return true;
    }
  }

  private void publishCounters() {
    if (linesRead > 0) {
      metrics.linesRead.increment(linesRead);
      linesRead = 0;
    }
    if (bytesRead > 0) {
      metrics.bytesRead.increment(bytesRead);
      bytesRead = 0;
    }
  }

  /** The offset after the file's last complete line, so reading from the end starts at a line. */
  static long endOfLastLine(FileChannel channel, long size) {
    int window = (int) Math.min(size, CHUNK);
    ByteBuffer tail = ByteBuffer.allocate(window);
    try {
      channel.read(tail, size - window);
    } catch (IOException e) {
      return size;
    }
    for (int i = tail.position() - 1; i >= 0; i--) {
      if (tail.get(i) == '\n') {
        return size - window + i + 1;
      }
    }
    return size;
  }

  private void error(String message) {
    lastErrorNanos = System.nanoTime();
    lastError = message;
    JsonLog.warn("log tailing", "error", message);
  }

  private static void close(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // Nothing left to lose: everything from it was acknowledged.
      }
    }
  }
}
