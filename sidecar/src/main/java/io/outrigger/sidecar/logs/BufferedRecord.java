package io.outrigger.sidecar.logs;

/**
 * A record waiting for the outputs, with what its acknowledgement moves forward.
 *
 * @param origin the file it was read from
 * @param endOffset the offset just after its last line in that file
 * @param bytes its estimated size on the heap, for the buffer's byte bound
 */
public record BufferedRecord(LogRecord record, OffsetTracker origin, long endOffset, int bytes) {}
