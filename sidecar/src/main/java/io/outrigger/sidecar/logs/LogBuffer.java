package io.outrigger.sidecar.logs;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * The bounded buffer between the tailer and the outputs, bounded in records and in bytes. When
 * full, {@link #put} waits: the tailer stops reading and the file itself holds what is not read
 * yet, so nothing is ever dropped.
 */
public final class LogBuffer {
  private final int maxRecords;
  private final long maxBytes;
  private final ArrayDeque<BufferedRecord> records = new ArrayDeque<>();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notFull = lock.newCondition();
  private long bytes;
  private volatile Runnable onAvailable = () -> {};

  public LogBuffer(int maxRecords, long maxBytes) {
    this.maxRecords = maxRecords;
    this.maxBytes = maxBytes;
  }

  /** Called (on the putting thread) each time a record is added to an empty buffer. */
  public void onAvailable(Runnable listener) {
    this.onAvailable = listener;
  }

  /**
   * Adds a record, waiting while the buffer is full; gives up (false) only when {@code running}
   * turns false. A record larger than the byte bound is accepted into an empty buffer.
   */
  public boolean put(BufferedRecord record, BooleanSupplier running) throws InterruptedException {
    return put(record, running, () -> {});
  }

  /**
   * Like {@link #put(BufferedRecord, BooleanSupplier)}, running {@code whileFull} (without the
   * lock) about every 100 ms while it waits: the tailer keeps watching its files for rotations and
   * keeps writing its checkpoint while the outputs are slow.
   */
  public boolean put(BufferedRecord record, BooleanSupplier running, Runnable whileFull)
      throws InterruptedException {
    boolean wasEmpty;
    lock.lock();
    try {
      while (isFull(record.bytes())) {
        if (!running.getAsBoolean()) {
          return false;
        }
        notFull.await(100, TimeUnit.MILLISECONDS);
        if (isFull(record.bytes())) {
          lock.unlock();
          try {
            whileFull.run();
          } finally {
            lock.lock();
          }
        }
      }
      wasEmpty = records.isEmpty();
      records.addLast(record);
      bytes += record.bytes();
    } finally {
      lock.unlock();
    }
    if (wasEmpty) {
      onAvailable.run();
    }
    return true;
  }

  private boolean isFull(int adding) {
    return !records.isEmpty() && (records.size() >= maxRecords || bytes + adding > maxBytes);
  }

  /** Takes up to {@code max} records (and about {@code maxBatchBytes}); empty when none wait. */
  public List<BufferedRecord> take(int max, long maxBatchBytes) {
    lock.lock();
    try {
      List<BufferedRecord> batch = new ArrayList<>(Math.min(max, records.size()));
      long batchBytes = 0;
      while (!records.isEmpty()
          && batch.size() < max
          && (batch.isEmpty() || batchBytes < maxBatchBytes)) {
        BufferedRecord next = records.pollFirst();
        batch.add(next);
        batchBytes += next.bytes();
        bytes -= next.bytes();
      }
      if (!batch.isEmpty()) {
        notFull.signalAll();
      }
      return batch;
    } finally {
      lock.unlock();
    }
  }

  public int size() {
    lock.lock();
    try {
      return records.size();
    } finally {
      lock.unlock();
    }
  }

  public long bytes() {
    lock.lock();
    try {
      return bytes;
    } finally {
      lock.unlock();
    }
  }

  public int capacity() {
    return maxRecords;
  }
}
