package io.outrigger.sidecar.logs.tail;

import io.outrigger.sidecar.logs.OffsetTracker;
import io.outrigger.sidecar.logs.parse.MultilineJoiner;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One file's content being tailed, from its first byte on. Usually that is one inode; after a
 * copytruncate the content moves to the copy (same bytes, same offsets) while the truncated inode
 * starts a new {@code TrackedFile} from offset 0. Everything but {@link #committed} belongs to the
 * tailer's thread.
 */
final class TrackedFile implements OffsetTracker {
  private final AtomicLong committed;
  private final AtomicBoolean checkpointDirty;

  FileChannel channel; // null while the content waits for its copy to appear
  String inode;
  Path path;
  FilePrefix prefix;
  long readPosition;
  byte[] tail; // the last bytes before readPosition (ContentFingerprint.TAIL_LENGTH at most)
  LineAssembler assembler;
  MultilineJoiner joiner;
  Object joinerConfig;
  long emittedEnd; // end offset of the last record handed to the buffer
  long unmatchedSince; // nanoTime when no pattern matched it any more (rotated away, deleted); 0
  long detachedSince; // nanoTime when its inode was truncated under it; 0
  long lastGrowth;
  long lastSize;
  boolean copy; // the content was adopted from a truncated original
  boolean finished; // flushed; released once everything emitted is acknowledged

  TrackedFile(
      FileChannel channel,
      String inode,
      Path path,
      FilePrefix prefix,
      long start,
      int maxLineBytes,
      AtomicBoolean checkpointDirty,
      long now) {
    this.channel = channel;
    this.inode = inode;
    this.path = path;
    this.prefix = prefix;
    this.readPosition = start;
    this.tail = new byte[0];
    this.assembler = new LineAssembler(maxLineBytes, start);
    this.emittedEnd = start;
    this.committed = new AtomicLong(start);
    this.checkpointDirty = checkpointDirty;
    this.lastGrowth = now;
  }

  /** What was read of the content so far: its head and the bytes before the read position. */
  ContentFingerprint fingerprint() {
    return new ContentFingerprint(prefix.bytes(), readPosition, tail);
  }

  /** Keeps the last bytes of what was just read ({@code length} bytes ending at readPosition). */
  void read(byte[] array, int from, int length) {
    int keep = ContentFingerprint.TAIL_LENGTH;
    if (length >= keep) {
      tail = Arrays.copyOfRange(array, from + length - keep, from + length);
    } else {
      int old = Math.min(tail.length, keep - length);
      byte[] next = new byte[old + length];
      System.arraycopy(tail, tail.length - old, next, 0, old);
      System.arraycopy(array, from, next, old, length);
      tail = next;
    }
  }

  @Override
  public void acknowledged(long endOffset) {
    if (committed.accumulateAndGet(endOffset, Math::max) == endOffset) {
      checkpointDirty.set(true);
    }
  }

  long committed() {
    return committed.get();
  }

  boolean allAcknowledged() {
    return committed.get() >= emittedEnd;
  }

  String state() {
    if (finished) {
      return "finishing";
    }
    if (channel == null) {
      return "truncated-awaiting-copy";
    }
    if (unmatchedSince != 0) {
      return "rotated";
    }
    return copy ? "rotated-copy" : "tailing";
  }
}
