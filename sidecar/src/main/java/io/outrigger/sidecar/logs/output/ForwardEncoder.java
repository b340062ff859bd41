package io.outrigger.sidecar.logs.output;

import io.outrigger.sidecar.logs.PackedRecord;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;

/**
 * Encodes batches as Fluentd Forward protocol v1 {@code PackedForward} frames: {@code [tag,
 * entries, options]}, where entries is a msgpack binary holding the concatenated {@code [time,
 * record]} arrays, time is the spec's EventTime (ext type 0: seconds and nanoseconds, each a
 * big-endian uint32) and options carry {@code size} and, when an ack is wanted, {@code chunk}.
 */
public final class ForwardEncoder {

  private ForwardEncoder() {}

  /**
   * One frame; {@code chunk} is null when no ack is asked for. Each record was packed as a Fluentd
   * event when it entered the buffer ({@link PackedRecord}), so the entries are those bytes one
   * after the other, copied once into the buffer that goes to the socket.
   */
  public static Buffer packedForward(String tag, List<PackedRecord> batch, String chunk) {
    int entriesLength = 0;
    for (PackedRecord record : batch) {
      entriesLength += record.entryLength();
    }
    byte[] head = header(tag, entriesLength);
    byte[] options = options(batch.size(), chunk);
    Buffer frame = Buffer.buffer(head.length + entriesLength + options.length);
    frame.appendBytes(head);
    for (PackedRecord record : batch) {
      frame.appendBytes(record.bytes(), 0, record.entryLength());
    }
    return frame.appendBytes(options);
  }

  private static byte[] header(String tag, int entriesLength) {
    try (MessageBufferPacker packer = MessagePack.newDefaultBufferPacker()) {
      packer.packArrayHeader(3);
      packer.packString(tag);
      packer.packBinaryHeader(entriesLength);
      return packer.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException("packing into memory does not fail", e);
    }
  }

  private static byte[] options(int size, String chunk) {
    try (MessageBufferPacker packer = MessagePack.newDefaultBufferPacker()) {
      packer.packMapHeader(chunk == null ? 1 : 2);
      packer.packString("size");
      packer.packInt(size);
      if (chunk != null) {
        packer.packString("chunk");
        packer.packString(chunk);
      }
      return packer.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException("packing into memory does not fail", e);
    }
  }
}
