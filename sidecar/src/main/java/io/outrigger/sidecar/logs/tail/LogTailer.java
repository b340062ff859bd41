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
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Follows the files the patterns match, on its own thread with blocking NIO reads (never on an
 * event loop), and hands each record to the {@link LogBuffer}, waiting while it is full.
 *
 * <p>A file is known by its inode, its content by a {@link ContentFingerprint} (first bytes and the
 * bytes before where reading stopped), never by its name: a file renamed away keeps being read to
 * its end, a new file under the old name starts at 0, a truncated or overwritten file starts again
 * at 0 while its old content continues in its copy (found by the patterns or, when they do not
 * match it, beside the file). The decisions are {@link RotationRules}; this class is the loop that
 * reads, scans and acts on them. Offsets are checkpointed only once every output acknowledged them.
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
  private final Set<String> compressed = new HashSet<>();
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
              f.committed(),
              f.readPosition,
              f.tail.clone()));
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
        saveCheckpointIfDue(now);
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
      report(problem.path(), problem.reason(), problem.message());
    }
    // Content replaced under a file is detached before new files are looked at, so that the copy
    // holding it, if it is among them, continues it.
    for (TrackedFile f : files) {
      if (f.channel != null && !f.finished) {
        try {
          if (RotationRules.change(f.fingerprint(), FileBytes.of(f.channel))
              == RotationRules.Change.REPLACED) {
            replaced(f, s, now);
          }
        } catch (java.io.UncheckedIOException e) {
          error("reading " + f.path + ": " + e.getCause());
        }
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
    List<Candidate> candidates = new ArrayList<>();
    for (LogFileFinder.Found found : result.byInode().values()) {
      if (!tracked.contains(found.inode()) && !compressed.contains(found.inode())) {
        Candidate c = open(found);
        if (c != null) {
          candidates.add(c);
        }
      }
    }
    if (first) {
      resumeFromCheckpoint(candidates, s, now);
    }
    for (Candidate c : candidates) {
      if (!c.taken) {
        identify(c, s, first, now);
      }
    }
    lookBesideForCopies(result, s, now);
    deferred.keySet().retainAll(result.byInode().keySet());
    compressed.retainAll(result.byInode().keySet());
    if (first) {
      for (CheckpointStore.Entry gone : restoring) {
        JsonLog.warn(
            "checkpoint content not found; its unread rest is gone",
            "path",
            String.valueOf(gone.path()),
            "acknowledgedOffset",
            gone.offset());
      }
      restoring = List.of();
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

  private void report(Path path, String reason, String detail) {
    if (reported.add(path + " " + reason)) {
      metrics.problem(reason);
      JsonLog.warn("log file skipped", "path", path.toString(), "reason", reason, "detail", detail);
    }
  }

  private static String label(Settings s, TrackedFile f) {
    Path path = f.path;
    return path.startsWith(s.directory())
        ? s.directory().relativize(path).toString()
        : path.toString();
  }

  /** A file found and opened, not tracked yet. */
  private static final class Candidate {
    final LogFileFinder.Found found;
    final FileChannel channel;
    final FilePrefix prefix;
    final long size;
    boolean taken;

    Candidate(LogFileFinder.Found found, FileChannel channel, FilePrefix prefix, long size) {
      this.found = found;
      this.channel = channel;
      this.prefix = prefix;
      this.size = size;
    }

    FileBytes bytes() {
      return FileBytes.of(channel);
    }
  }

  /** Opens a file; null when it cannot be read or is compressed (never tailed as text). */
  private Candidate open(LogFileFinder.Found found) {
    FileChannel channel;
    long size;
    FilePrefix prefix;
    try {
      channel = FileChannel.open(found.path(), StandardOpenOption.READ);
      size = channel.size();
      prefix = FilePrefix.read(channel, size);
    } catch (IOException e) {
      report(found.path(), "unreadable", e.toString());
      return null;
    }
    if (prefix.isCompressed()) {
      // logrotate's compress: the content was read from the file before it was compressed.
      close(channel);
      compressed.add(found.inode());
      report(found.path(), "compressed", "a compressed file (gzip, bzip2, xz, zstd) is not tailed");
      return null;
    }
    return new Candidate(found, channel, prefix, size);
  }

  /** The first scan: files continue the checkpoint entries whose content they hold. */
  private void resumeFromCheckpoint(List<Candidate> candidates, Settings s, long now) {
    List<RotationRules.Saved> saved = new ArrayList<>();
    for (CheckpointStore.Entry e : restoring) {
      saved.add(new RotationRules.Saved(e.inode(), e.content(), e.offset()));
    }
    List<RotationRules.Seen> seen = new ArrayList<>();
    for (Candidate c : candidates) {
      seen.add(new RotationRules.Seen(c.found.inode(), c.bytes()));
    }
    List<Optional<RotationRules.Resume>> plan = RotationRules.resume(saved, seen);
    List<CheckpointStore.Entry> placed = new ArrayList<>();
    for (int i = 0; i < candidates.size(); i++) {
      Optional<RotationRules.Resume> resume = plan.get(i);
      if (resume.isEmpty()) {
        continue;
      }
      Candidate c = candidates.get(i);
      CheckpointStore.Entry entry = restoring.get(resume.get().entry());
      placed.add(entry);
      c.taken = true;
      TrackedFile f = track(c, resume.get().offset(), s, now);
      f.copy = !resume.get().sameFile();
      JsonLog.info(
          f.copy ? "log file copy resumes checkpointed content" : "log file resumed",
          "path",
          c.found.path().toString(),
          "offset",
          f.readPosition);
    }
    restoring.removeAll(placed);
  }

  /** A file not tracked yet, after the checkpoint: a copy of detached content, or new. */
  private void identify(Candidate c, Settings s, boolean first, long now) {
    // 1. The copy of content whose file was replaced (copytruncate): continue where we were.
    if (adoptedBy(c, now)) {
      return;
    }
    // 2. Holds what a file being tailed holds, or the beginning of it: probably the copy of a file
    // about to be truncated, or that copy still being written. Wait for the truncation (then rule 1
    // applies), but not forever: then it is a new file.
    for (TrackedFile live : files) {
      if (live.channel != null
          && !live.fingerprint().isEmpty()
          && live.readPosition > 0
          && (live.fingerprint().heldBy(c.bytes())
              || RotationRules.copyInProgress(
                  live.readPosition, FileBytes.of(live.channel), c.bytes()))) {
        long since = deferred.computeIfAbsent(c.found.inode(), k -> now);
        if (now - since < rotateWaitNanos) {
          close(c.channel);
          return;
        }
        break;
      }
    }
    deferred.remove(c.found.inode());
    // 3. New. readFrom applies to files present when tailing starts; files that appear later
    // (such as the new file after a rotation) are read from their beginning.
    long start =
        first && s.readFrom() == ReadFrom.END && !checkpointUnreadable
            ? endOfLastLine(c.channel, c.size)
            : 0;
    TrackedFile f = track(c, start, s, now);
    JsonLog.info("log file found", "path", c.found.path().toString(), "offset", f.readPosition);
  }

  /** Whether {@code c} continues detached content; if so it is tailed as that content. */
  private boolean adoptedBy(Candidate c, long now) {
    List<TrackedFile> orphans = new ArrayList<>();
    List<ContentFingerprint> contents = new ArrayList<>();
    for (TrackedFile f : files) {
      if (f.channel == null && !f.finished) {
        orphans.add(f);
        contents.add(f.fingerprint());
      }
    }
    Optional<Integer> which = RotationRules.continues(contents, c.bytes());
    if (which.isEmpty()) {
      return false;
    }
    TrackedFile orphan = orphans.get(which.get());
    orphan.channel = c.channel;
    orphan.inode = c.found.inode();
    orphan.path = c.found.path();
    orphan.prefix = orphan.prefix.longer(c.prefix);
    orphan.copy = true;
    orphan.detachedSince = 0;
    orphan.unmatchedSince = 0;
    orphan.lastGrowth = now;
    orphan.lastSize = c.size;
    c.taken = true;
    JsonLog.info(
        "log file copy continues truncated content",
        "path",
        c.found.path().toString(),
        "offset",
        orphan.readPosition);
    return true;
  }

  /**
   * Detached content (or, at start, checkpointed content) that no matched file holds: its copy may
   * be beside it under a name no pattern matches (copytruncate with the pattern {@code app.log}).
   * Such a copy is read to its end and let go like a file rotated away.
   */
  private void lookBesideForCopies(LogFileFinder.Result result, Settings s, long now) {
    Set<Path> dirs = new HashSet<>();
    for (TrackedFile f : files) {
      if (f.channel == null && !f.finished && !f.fingerprint().isEmpty()) {
        dirs.add(f.path.getParent());
      }
    }
    for (CheckpointStore.Entry e : restoring) {
      if (e.path() != null && !e.content().isEmpty()) {
        dirs.add(Path.of(e.path()).getParent());
      }
    }
    if (dirs.isEmpty()) {
      return;
    }
    Set<String> tracked = new HashSet<>();
    for (TrackedFile f : files) {
      if (f.channel != null) {
        tracked.add(f.inode);
      }
    }
    for (Path dir : dirs) {
      for (LogFileFinder.Found sibling : finder.siblings(dir)) {
        if (tracked.contains(sibling.inode())
            || result.byInode().containsKey(sibling.inode())
            || compressed.contains(sibling.inode())) {
          continue;
        }
        Candidate c = open(sibling);
        if (c == null) {
          continue;
        }
        if (!restoring.isEmpty() && resumeBeside(c, s, now)) {
          tracked.add(sibling.inode());
        } else if (adoptedBy(c, now)) {
          tracked.add(sibling.inode());
          c.taken = true;
          TrackedFile adopted =
              files.stream().filter(f -> f.channel == c.channel).findFirst().orElseThrow();
          adopted.unmatchedSince = now;
        } else {
          close(c.channel);
        }
      }
    }
  }

  private boolean resumeBeside(Candidate c, Settings s, long now) {
    for (CheckpointStore.Entry e : restoring) {
      RotationRules.Saved saved = new RotationRules.Saved(null, e.content(), e.offset());
      if (!e.content().isEmpty() && RotationRules.resumable(saved, c.bytes())) {
        restoring.remove(e);
        TrackedFile f = track(c, e.offset(), s, now);
        f.copy = true;
        f.unmatchedSince = now;
        JsonLog.info(
            "log file copy resumes checkpointed content",
            "path",
            c.found.path().toString(),
            "offset",
            f.readPosition);
        return true;
      }
    }
    return false;
  }

  private TrackedFile track(Candidate c, long start, Settings s, long now) {
    TrackedFile f =
        new TrackedFile(
            c.channel,
            c.found.inode(),
            c.found.path(),
            c.prefix,
            start,
            s.maxLineBytes(),
            checkpointDirty,
            now);
    if (start > 0) {
      int n = (int) Math.min(start, ContentFingerprint.TAIL_LENGTH);
      byte[] before = c.bytes().read(start - n, n);
      f.read(before, 0, before.length);
    }
    f.lastSize = c.size;
    files.add(f);
    checkpointDirty.set(true);
    c.taken = true;
    return f;
  }

  /** Reads what was appended, up to a fair share; true when something was read. */
  private boolean read(TrackedFile f, Settings s, long now) {
    FileChannel channel = f.channel;
    try {
      RotationRules.Change change = RotationRules.change(f.fingerprint(), FileBytes.of(channel));
      if (change == RotationRules.Change.REPLACED) {
        replaced(f, s, now);
        return true;
      }
      if (change == RotationRules.Change.UNCHANGED) {
        return false;
      }
      long size = channel.size();
      if (f.prefix.length() < FilePrefix.LENGTH) {
        f.prefix = f.prefix.longer(FilePrefix.read(channel, size));
      }
      ensureJoiner(f, s);
      boolean progressed = false;
      // A scan while the buffer is full may detach this content (its file was replaced) or move
      // it to its copy: then this channel is no longer its.
      for (int i = 0;
          i < CHUNKS_PER_ROUND && f.channel == channel && f.readPosition < size && reading;
          i++) {
        chunk.clear();
        chunk.limit((int) Math.min(CHUNK, size - f.readPosition));
        int n = channel.read(chunk, f.readPosition);
        if (n <= 0) {
          break;
        }
        chunk.flip();
        long at = f.readPosition;
        f.readPosition += n;
        f.read(chunk.array(), 0, n);
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
    } catch (IOException | java.io.UncheckedIOException e) {
      error("reading " + f.path + ": " + e);
      return false;
    }
  }

  /**
   * The inode now holds other content from offset 0. The old content keeps its offsets and waits
   * (up to {@link #ROTATE_WAIT}) for a copy to continue in; the inode's new content is identified
   * like a file just found: the copy of detached content (a copy made over an older copy), the copy
   * of a tailed file about to be truncated (held), or new content read from 0.
   */
  private void replaced(TrackedFile f, Settings s, long now) {
    FileChannel channel = f.channel;
    long size;
    FilePrefix prefix;
    try {
      size = channel.size();
      prefix = FilePrefix.read(channel, size);
    } catch (IOException e) {
      error("reading " + f.path + ": " + e);
      return;
    }
    f.channel = null;
    f.detachedSince = now;
    JsonLog.info(
        "log file truncated or replaced", "path", f.path.toString(), "readOffset", f.readPosition);
    // The new content is looked at like a file just found (not the first scan: read from 0).
    identify(
        new Candidate(new LogFileFinder.Found(f.path, f.inode, size), channel, prefix, size),
        s,
        false,
        now);
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
      if (buffer.put(
          new BufferedRecord(result.record(), f, endOffset), () -> !abandon, this::whileFull)) {
        f.emittedEnd = endOffset;
      }
    } catch (InterruptedException e) {
      abandon = true;
      Thread.currentThread().interrupt();
    }
  }

  /**
   * While the buffer is full the tailer waits, but keeps scanning (rotations are seen, copies
   * opened before they are deleted or compressed) and keeps writing its checkpoint as acks arrive.
   */
  private void whileFull() {
    long now = System.nanoTime();
    if (reading && now - lastScan >= SCAN_NANOS) {
      scan(settings, false, now);
      lastScan = now;
    }
    saveCheckpointIfDue(now);
  }

  private void saveCheckpointIfDue(long now) {
    if (checkpointDirty.get() && now - lastCheckpoint >= CHECKPOINT_NANOS) {
      checkpointDirty.set(false);
      lastCheckpoint = now;
      saveCheckpoint();
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
