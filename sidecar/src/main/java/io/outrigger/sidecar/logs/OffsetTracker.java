package io.outrigger.sidecar.logs;

/** Where a record came from: told when every output acknowledged the record ending at an offset. */
public interface OffsetTracker {
  void acknowledged(long endOffset);
}
