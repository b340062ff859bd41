package io.outrigger.sidecar.logs.sink;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;
import javax.net.ServerSocketFactory;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePacker;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.ArrayValue;
import org.msgpack.value.ExtensionValue;
import org.msgpack.value.MapValue;
import org.msgpack.value.Value;
import org.msgpack.value.ValueFactory;

/**
 * A Fluentd Forward protocol v1 receiver for tests, decoding with msgpack-core only (no Fluentd
 * here). It accepts the spec's four entry modes (Message, Forward, PackedForward,
 * CompressedPackedForward), checks every time is an integer or a valid EventTime (ext type 0, 8
 * bytes, nanoseconds below 10^9), counts frames whose {@code size} is not their number of events,
 * and answers {@code {"ack": chunk}} when a {@code chunk} option asks for it. A frame that breaks
 * the spec is refused: the reason goes to {@link #errors()}, the connection is closed, and none of
 * its events are kept.
 *
 * <p>Switches for failure tests: {@link #stop()}/{@link #resume()} (receiver down, same port),
 * {@link #ackDelay} (slow acks: the connection reads nothing more meanwhile, so the sender feels
 * backpressure), {@link #withholdAcks} (acks never come), {@link #dropBeforeAck} (the connection is
 * closed after a frame was stored and before its ack, as when a receiver crashes: the resend then
 * shows up as duplicates).
 */
public final class ForwardSink implements AutoCloseable {

  /** The entry modes of the spec. */
  public enum Mode {
    MESSAGE,
    FORWARD,
    PACKED_FORWARD,
    COMPRESSED_PACKED_FORWARD
  }

  /**
   * One received event.
   *
   * @param eventTime true when the time came as EventTime (nanoseconds), false for an integer
   * @param chunk the frame's chunk id, or null when no ack was asked for
   */
  public record Event(
      String tag,
      Instant time,
      boolean eventTime,
      Map<String, Object> record,
      Mode mode,
      String chunk) {}

  private final int port;
  // Not copy-on-write: a million-line test appends thousands of frames.
  private final List<Event> events = java.util.Collections.synchronizedList(new ArrayList<>());
  private final List<String> errors = new CopyOnWriteArrayList<>();
  private final Map<Mode, AtomicLong> frames = new ConcurrentHashMap<>();
  private final AtomicLong acksSent = new AtomicLong();
  private final AtomicLong sizeMismatches = new AtomicLong();
  private final AtomicLong connections = new AtomicLong();
  private final AtomicLong cutFrames = new AtomicLong();
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger dropBeforeAck = new AtomicInteger();
  private volatile Duration ackDelay = Duration.ZERO;
  private volatile boolean withholdAcks;
  private volatile Set<String> keepOnly;
  private volatile ServerSocket server;

  private final ServerSocketFactory factory;
  private final InetAddress address;

  private ForwardSink(ServerSocketFactory factory, InetAddress address) throws IOException {
    this.factory = factory;
    this.address = address;
    this.server = listen(factory, address, 0);
    this.port = server.getLocalPort();
    acceptOn(server);
  }

  /** Listens on an ephemeral loopback port. */
  public static ForwardSink start() throws IOException {
    return new ForwardSink(ServerSocketFactory.getDefault(), InetAddress.getLoopbackAddress());
  }

  /**
   * Listens on an ephemeral port of {@code address} (the e2e tier: the node's address, for pods).
   */
  public static ForwardSink startOn(InetAddress address) throws IOException {
    return new ForwardSink(ServerSocketFactory.getDefault(), address);
  }

  /** Listens with TLS, presenting the key and certificate of a PKCS#12 key store. */
  public static ForwardSink startTls(Path pkcs12, char[] password) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(pkcs12)) {
      store.load(in, password);
    }
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(store, password);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(keys.getKeyManagers(), null, null);
    return new ForwardSink(tls.getServerSocketFactory(), InetAddress.getLoopbackAddress());
  }

  private static ServerSocket listen(ServerSocketFactory factory, InetAddress address, int port)
      throws IOException {
    ServerSocket socket = factory.createServerSocket();
    socket.setReuseAddress(true);
    socket.bind(new InetSocketAddress(address, port));
    return socket;
  }

  public String host() {
    return address.getHostAddress();
  }

  public int port() {
    return port;
  }

  /** Every accepted event, in arrival order. */
  public List<Event> events() {
    synchronized (events) {
      return List.copyOf(events);
    }
  }

  public int eventCount() {
    return events.size();
  }

  /** How often each value of the record field {@code field} arrived (missing: key "null"). */
  public Map<String, Integer> countsBy(String field) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    synchronized (events) {
      for (Event event : events) {
        counts.merge(String.valueOf(event.record().get(field)), 1, Integer::sum);
      }
    }
    return counts;
  }

  /** Events beyond the first with the same value of {@code field}: what at-least-once added. */
  public long duplicates(String field) {
    return countsBy(field).values().stream().mapToLong(n -> n - 1).sum();
  }

  /** Reasons for refused frames; empty when every frame followed the spec. */
  public List<String> errors() {
    return List.copyOf(errors);
  }

  public long frames(Mode mode) {
    return frames.getOrDefault(mode, new AtomicLong()).get();
  }

  /** Frames whose {@code size} option was not their number of events (Fluency sends bytes). */
  public long sizeMismatches() {
    return sizeMismatches.get();
  }

  public long acksSent() {
    return acksSent.get();
  }

  /** Frames cut short by the connection ending inside them (a sender killed mid-write). */
  public long cutFrames() {
    return cutFrames.get();
  }

  /** Connections accepted so far (a reconnecting sender adds one per reconnect). */
  public long connections() {
    return connections.get();
  }

  /**
   * Keeps only these record fields of each event (e.g. the unique id), so a test of a million lines
   * does not hold a million full records.
   */
  public ForwardSink keepOnly(String... fields) {
    this.keepOnly = Set.of(fields);
    return this;
  }

  /** Waits this long before each ack. */
  public void ackDelay(Duration delay) {
    this.ackDelay = delay;
  }

  /** When true, frames are stored but never acked. */
  public void withholdAcks(boolean withhold) {
    this.withholdAcks = withhold;
  }

  /** The next {@code frames} frames asking for an ack are stored, then the connection closes. */
  public void dropBeforeAck(int frames) {
    dropBeforeAck.set(frames);
  }

  /** Receiver down: stops listening and closes every connection. The port stays reserved. */
  public synchronized void stop() throws IOException {
    ServerSocket current = server;
    server = null;
    if (current != null) {
      current.close();
    }
    for (Socket socket : open) {
      socket.close();
    }
  }

  /** Receiver up again, on the same port. */
  public synchronized void resume() throws IOException {
    if (server == null) {
      server = listen(factory, address, port);
      acceptOn(server);
    }
  }

  @Override
  public void close() throws IOException {
    stop();
  }

  private void acceptOn(ServerSocket listener) {
    daemon(
        "forward-sink-accept-" + port,
        () -> {
          while (!listener.isClosed()) {
            try {
              Socket socket = listener.accept();
              connections.incrementAndGet();
              open.add(socket);
              daemon("forward-sink-conn-" + port, () -> serve(socket));
            } catch (IOException e) {
              return;
            }
          }
        });
  }

  private static void daemon(String name, Runnable body) {
    Thread thread = new Thread(body, name);
    thread.setDaemon(true);
    thread.start();
  }

  private void serve(Socket socket) {
    try (socket;
        MessageUnpacker in = MessagePack.newDefaultUnpacker(socket.getInputStream());
        MessagePacker out = MessagePack.newDefaultPacker(socket.getOutputStream())) {
      long frameNumber = 0;
      while (in.hasNext()) {
        frameNumber++;
        Value frame;
        try {
          frame = in.unpackValue();
        } catch (org.msgpack.core.MessageInsufficientBufferException | java.net.SocketException e) {
          // The stream ended inside a frame, or the peer reset it (a process killed with unread
          // acks in its socket resets the connection): the sender went away mid-write, which is
          // no protocol violation; nothing of the frame is kept or acked.
          cutFrames.incrementAndGet();
          return;
        } catch (IOException | RuntimeException e) {
          if (!socket.isClosed()) {
            errors.add("frame " + frameNumber + ": not msgpack: " + e.getMessage());
          }
          return;
        }
        Decoded decoded;
        try {
          decoded = decode(frame);
        } catch (ProtocolViolation e) {
          errors.add("frame " + frameNumber + ": " + e.getMessage());
          return;
        }
        events.addAll(trimmed(decoded.events()));
        frames.computeIfAbsent(decoded.mode(), m -> new AtomicLong()).incrementAndGet();
        if (!decoded.sizeAgrees()) {
          sizeMismatches.incrementAndGet();
        }
        if (decoded.chunk() == null) {
          continue;
        }
        if (dropBeforeAck.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
          return;
        }
        if (withholdAcks) {
          continue;
        }
        if (!ackDelay.isZero()) {
          Thread.sleep(ackDelay.toMillis());
        }
        // Counted first: the sender may see the ack (and the test look) before flush() returns.
        acksSent.incrementAndGet();
        out.packMapHeader(1).packString("ack").packString(decoded.chunk());
        out.flush();
      }
    } catch (IOException e) {
      // The sender or stop() closed the connection.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      open.remove(socket);
    }
  }

  private List<Event> trimmed(List<Event> decoded) {
    Set<String> keep = keepOnly;
    if (keep == null) {
      return decoded;
    }
    List<Event> trimmed = new ArrayList<>(decoded.size());
    for (Event e : decoded) {
      Map<String, Object> record = new LinkedHashMap<>();
      for (String field : keep) {
        if (e.record().containsKey(field)) {
          record.put(field, e.record().get(field));
        }
      }
      trimmed.add(new Event(e.tag(), e.time(), e.eventTime(), record, e.mode(), e.chunk()));
    }
    return trimmed;
  }

  /** A frame that breaks the Forward protocol v1 spec; the message says how. */
  static final class ProtocolViolation extends Exception {
    ProtocolViolation(String message) {
      super(message);
    }
  }

  private record Decoded(List<Event> events, Mode mode, String chunk, boolean sizeAgrees) {}

  /** Decodes one frame per the spec; pure, so tests can feed it malformed frames directly. */
  static Decoded decode(Value frame) throws ProtocolViolation {
    if (!frame.isArrayValue()) {
      throw new ProtocolViolation("a frame must be an array, got " + frame.getValueType());
    }
    ArrayValue parts = frame.asArrayValue();
    if (parts.size() < 2 || parts.size() > 4) {
      throw new ProtocolViolation("a frame has 2 to 4 elements, got " + parts.size());
    }
    if (!parts.get(0).isStringValue()) {
      throw new ProtocolViolation("the tag must be a string, got " + parts.get(0).getValueType());
    }
    String tag = parts.get(0).asStringValue().asString();
    Value second = parts.get(1);
    if (second.isIntegerValue() || second.isExtensionValue()) {
      // Message mode: [tag, time, record, option?]
      if (parts.size() < 3) {
        throw new ProtocolViolation("Message mode needs [tag, time, record]");
      }
      Map<String, Value> options = options(parts, 3);
      String chunk = chunk(options);
      Event event = event(tag, second, parts.get(2), Mode.MESSAGE, chunk);
      return new Decoded(List.of(event), Mode.MESSAGE, chunk, sizeAgrees(options, 1));
    }
    Map<String, Value> options = options(parts, 2);
    String chunk = chunk(options);
    List<Event> events = new ArrayList<>();
    Mode mode;
    if (second.isArrayValue()) {
      mode = Mode.FORWARD;
      for (Value entry : second.asArrayValue()) {
        events.add(entry(tag, entry, mode, chunk));
      }
    } else if (second.isBinaryValue() || second.isStringValue()) {
      byte[] stream = second.asRawValue().asByteArray();
      Value compressed = options.get("compressed");
      if (compressed != null) {
        if (!compressed.isStringValue() || !compressed.asStringValue().asString().equals("gzip")) {
          throw new ProtocolViolation("unsupported compression " + compressed);
        }
        mode = Mode.COMPRESSED_PACKED_FORWARD;
        stream = gunzip(stream);
      } else {
        mode = Mode.PACKED_FORWARD;
      }
      try (MessageUnpacker entries = MessagePack.newDefaultUnpacker(stream)) {
        while (entries.hasNext()) {
          events.add(entry(tag, entries.unpackValue(), mode, chunk));
        }
      } catch (IOException | RuntimeException e) {
        throw new ProtocolViolation(
            mode + " entries are not a msgpack stream of [time, record]: " + e.getMessage());
      }
    } else {
      throw new ProtocolViolation(
          "the second element must be a time, an array or a binary, got " + second.getValueType());
    }
    return new Decoded(List.copyOf(events), mode, chunk, sizeAgrees(options, events.size()));
  }

  private static Map<String, Value> options(ArrayValue parts, int index) throws ProtocolViolation {
    if (parts.size() <= index) {
      return Map.of();
    }
    Value option = parts.get(index);
    if (option.isNilValue()) {
      return Map.of();
    }
    if (!option.isMapValue()) {
      throw new ProtocolViolation("the option must be a map, got " + option.getValueType());
    }
    Map<String, Value> options = new LinkedHashMap<>();
    for (Map.Entry<Value, Value> entry : option.asMapValue().entrySet()) {
      options.put(entry.getKey().toString(), entry.getValue());
    }
    return options;
  }

  private static String chunk(Map<String, Value> options) throws ProtocolViolation {
    Value chunk = options.get("chunk");
    if (chunk == null) {
      return null;
    }
    if (!chunk.isStringValue()) {
      throw new ProtocolViolation("the chunk option must be a string, got " + chunk.getValueType());
    }
    return chunk.asStringValue().asString();
  }

  /**
   * The spec says {@code size} is the number of events, but Fluency sends the entries' byte length
   * there, and Fluentd itself never checks it (it only counts). So a disagreeing size is noted, not
   * refused; a size that is not an integer is refused.
   */
  private static boolean sizeAgrees(Map<String, Value> options, int actual)
      throws ProtocolViolation {
    Value size = options.get("size");
    if (size == null) {
      return true;
    }
    if (!size.isIntegerValue()) {
      throw new ProtocolViolation("the size option must be an integer, got " + size);
    }
    return size.asIntegerValue().toLong() == actual;
  }

  private static Event entry(String tag, Value entry, Mode mode, String chunk)
      throws ProtocolViolation {
    if (!entry.isArrayValue() || entry.asArrayValue().size() != 2) {
      throw new ProtocolViolation("an entry must be [time, record], got " + abbreviate(entry));
    }
    return event(tag, entry.asArrayValue().get(0), entry.asArrayValue().get(1), mode, chunk);
  }

  private static Event event(String tag, Value time, Value record, Mode mode, String chunk)
      throws ProtocolViolation {
    if (!record.isMapValue()) {
      throw new ProtocolViolation("a record must be a map, got " + record.getValueType());
    }
    Instant instant;
    boolean eventTime;
    if (time.isIntegerValue()) {
      instant = Instant.ofEpochSecond(time.asIntegerValue().toLong());
      eventTime = false;
    } else if (time.isExtensionValue()) {
      instant = eventTime(time.asExtensionValue());
      eventTime = true;
    } else {
      throw new ProtocolViolation(
          "a time must be an integer or an EventTime, got " + time.getValueType());
    }
    return new Event(tag, instant, eventTime, javaMap(record.asMapValue()), mode, chunk);
  }

  private static Instant eventTime(ExtensionValue ext) throws ProtocolViolation {
    if (ext.getType() != 0) {
      throw new ProtocolViolation("EventTime is ext type 0, got type " + ext.getType());
    }
    byte[] data = ext.getData();
    if (data.length != 8) {
      throw new ProtocolViolation("EventTime has 8 bytes, got " + data.length);
    }
    ByteBuffer buffer = ByteBuffer.wrap(data);
    long seconds = Integer.toUnsignedLong(buffer.getInt());
    long nanos = Integer.toUnsignedLong(buffer.getInt());
    if (nanos >= 1_000_000_000L) {
      throw new ProtocolViolation("EventTime nanoseconds must be below 10^9, got " + nanos);
    }
    return Instant.ofEpochSecond(seconds, nanos);
  }

  private static byte[] gunzip(byte[] bytes) throws ProtocolViolation {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new ProtocolViolation("CompressedPackedForward entries are not gzip: " + e);
    }
  }

  private static Map<String, Object> javaMap(MapValue map) {
    Map<String, Object> result = new LinkedHashMap<>();
    for (Map.Entry<Value, Value> entry : map.entrySet()) {
      String key =
          entry.getKey().isStringValue()
              ? entry.getKey().asStringValue().asString()
              : entry.getKey().toString();
      result.put(key, java(entry.getValue()));
    }
    return result;
  }

  private static Object java(Value value) {
    return switch (value.getValueType()) {
      case NIL -> null;
      case BOOLEAN -> value.asBooleanValue().getBoolean();
      case INTEGER -> value.asIntegerValue().toLong();
      case FLOAT -> value.asFloatValue().toDouble();
      case STRING -> value.asStringValue().asString();
      case BINARY -> value.asBinaryValue().asByteArray();
      case ARRAY -> value.asArrayValue().list().stream().map(ForwardSink::java).toList();
      case MAP -> javaMap(value.asMapValue());
      case EXTENSION -> value.toJson();
    };
  }

  private static String abbreviate(Value value) {
    String json = value.toJson();
    return json.length() <= 80 ? json : json.substring(0, 80) + "...";
  }

  /** For tests of the refusal path: one frame as msgpack bytes. */
  public static byte[] pack(Value frame) {
    try (var packer = MessagePack.newDefaultBufferPacker()) {
      packer.packValue(frame);
      return packer.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes raw bytes to the sink on a new connection and returns what it answered until close. */
  public byte[] exchangeRaw(byte[] bytes, Duration wait) throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout((int) wait.toMillis());
      OutputStream out = socket.getOutputStream();
      out.write(bytes);
      out.flush();
      socket.shutdownOutput();
      try {
        return socket.getInputStream().readAllBytes();
      } catch (java.net.SocketTimeoutException e) {
        return new byte[0];
      }
    }
  }

  static Value string(String s) {
    return ValueFactory.newString(s);
  }
}
