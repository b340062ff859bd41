package io.outrigger.sidecar.logs;

/**
 * A record waiting for the outputs, with what its acknowledgement moves forward.
 *
 * @param record the record, packed
 * @param origin the file it was read from
 * @param endOffset the offset just after its last line in that file
 * @param bytes its size on the heap, for the buffer's byte bound
 */
public record BufferedRecord(PackedRecord record, OffsetTracker origin, long endOffset, int bytes) {

  /** Roughly what the three objects of a buffered record add to the packed bytes. */
  static final int OVERHEAD_BYTES = 80;

  public BufferedRecord(PackedRecord record, OffsetTracker origin, long endOffset) {
    this(record, origin, endOffset, record.bytes().length + OVERHEAD_BYTES);
  }
}
