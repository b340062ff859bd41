package io.outrigger.sidecar.logs.output;

import io.outrigger.sidecar.logs.LogRecord;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePacker;
import org.msgpack.core.buffer.MessageBuffer;
import org.msgpack.core.buffer.MessageBufferOutput;

/**
 * Encodes batches as Fluentd Forward protocol v1 {@code PackedForward} frames: {@code [tag,
 * entries, options]}, where entries is a msgpack binary holding the concatenated {@code [time,
 * record]} arrays, time is the spec's EventTime (ext type 0: seconds and nanoseconds, each a
 * big-endian uint32) and options carry {@code size} and, when an ack is wanted, {@code chunk}.
 */
public final class ForwardEncoder {
  /** The spec's EventTime extension type. */
  public static final byte EVENT_TIME_TYPE = 0;

  /** Record keys the outputs always write; attributes with these names are left out. */
  static final List<String> RESERVED_KEYS = List.of("message", "level", "trace_id", "span_id");

  private ForwardEncoder() {}

  /**
   * One frame; {@code chunk} is null when no ack is asked for. Packed straight into the buffer that
   * goes to the socket: a batch is hundreds of kilobytes, and copying it between intermediate
   * arrays showed up as garbage-collection time in bench/logs.sh. The entries' length is written as
   * a bin 32 header filled in afterwards (valid msgpack: decoders take any length form).
   */
  public static Buffer packedForward(String tag, List<LogRecord> batch, String chunk) {
    Buffer frame = Buffer.buffer(64 + batch.size() * 320);
    try (MessagePacker packer = MessagePack.newDefaultPacker(new BufferOutput(frame))) {
      packer.packArrayHeader(3);
      packer.packString(tag);
      packer.flush();
      frame.appendByte((byte) 0xc6).appendInt(0);
      int entriesStart = frame.length();
      byte[] time = new byte[8];
      for (LogRecord record : batch) {
        packer.packArrayHeader(2);
        packEventTime(packer, record.timestamp(), time);
        packRecord(packer, record);
      }
      packer.flush();
      frame.setInt(entriesStart - 4, frame.length() - entriesStart);
      packer.packMapHeader(chunk == null ? 1 : 2);
      packer.packString("size");
      packer.packInt(batch.size());
      if (chunk != null) {
        packer.packString("chunk");
        packer.packString(chunk);
      }
      packer.flush();
      return frame;
    } catch (IOException e) {
      throw new UncheckedIOException("packing into memory does not fail", e);
    }
  }

  /** EventTime: seconds and nanoseconds as big-endian uint32, in {@code scratch} (8 bytes). */
  static void packEventTime(MessagePacker packer, Instant time, byte[] scratch) throws IOException {
    long seconds = time.getEpochSecond();
    int nanos = time.getNano();
    for (int i = 0; i < 4; i++) {
      scratch[i] = (byte) (seconds >>> (24 - 8 * i));
      scratch[4 + i] = (byte) (nanos >>> (24 - 8 * i));
    }
    packer.packExtensionTypeHeader(EVENT_TIME_TYPE, 8);
    packer.writePayload(scratch);
  }

  /** msgpack-core's output appending to a Vert.x buffer through one reused scratch array. */
  private static final class BufferOutput implements MessageBufferOutput {
    private final Buffer target;
    private final MessageBuffer scratch = MessageBuffer.allocate(16 * 1024);
    private MessageBuffer current = scratch;

    BufferOutput(Buffer target) {
      this.target = target;
    }

    @Override
    public MessageBuffer next(int minimumSize) {
      current = minimumSize <= scratch.size() ? scratch : MessageBuffer.allocate(minimumSize);
      return current;
    }

    @Override
    public void writeBuffer(int length) {
      target.appendBytes(current.array(), current.arrayOffset(), length);
    }

    @Override
    public void write(byte[] buffer, int offset, int length) {
      target.appendBytes(buffer, offset, length);
    }

    @Override
    public void add(byte[] buffer, int offset, int length) {
      target.appendBytes(buffer, offset, length);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }

  /**
   * Attribute keys repeat in every record (the enrichment's, the app's field names), so their UTF-8
   * bytes are kept; bounded so a stream of ever-new keys cannot grow it.
   */
  private static final int MAX_CACHED_KEYS = 4096;

  private static final java.util.concurrent.ConcurrentHashMap<String, byte[]> KEYS =
      new java.util.concurrent.ConcurrentHashMap<>();

  private static void packKey(MessagePacker packer, String key) throws IOException {
    byte[] bytes = KEYS.get(key);
    if (bytes == null) {
      bytes = key.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      if (KEYS.size() < MAX_CACHED_KEYS) {
        KEYS.put(key, bytes);
      }
    }
    packer.packRawStringHeader(bytes.length);
    packer.writePayload(bytes);
  }

  /** message, level, trace_id, span_id (those present), then the attributes. */
  static void packRecord(MessagePacker packer, LogRecord record) throws IOException {
    int size = record.body() == null ? 0 : 1;
    size += record.severity() == null ? 0 : 1;
    size += record.traceId() == null ? 0 : 1;
    size += record.spanId() == null ? 0 : 1;
    for (String key : record.attributes().keySet()) {
      if (!RESERVED_KEYS.contains(key)) {
        size++;
      }
    }
    packer.packMapHeader(size);
    packField(packer, "message", record.body());
    packField(packer, "level", record.severity());
    packField(packer, "trace_id", record.traceId());
    packField(packer, "span_id", record.spanId());
    for (Map.Entry<String, Object> attribute : record.attributes().entrySet()) {
      if (!RESERVED_KEYS.contains(attribute.getKey())) {
        packKey(packer, attribute.getKey());
        packValue(packer, attribute.getValue());
      }
    }
  }

  private static void packField(MessagePacker packer, String key, String value) throws IOException {
    if (value != null) {
      packKey(packer, key);
      packer.packString(value);
    }
  }

  private static void packValue(MessagePacker packer, Object value) throws IOException {
    if (value == null) {
      packer.packNil();
    } else if (value instanceof Boolean b) {
      packer.packBoolean(b);
    } else if (value instanceof Long || value instanceof Integer) {
      packer.packLong(((Number) value).longValue());
    } else if (value instanceof Double || value instanceof Float) {
      packer.packDouble(((Number) value).doubleValue());
    } else {
      packer.packString(value.toString());
    }
  }
}
