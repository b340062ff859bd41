import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePacker;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.ArrayValue;
import org.msgpack.value.MapValue;
import org.msgpack.value.Value;
import org.msgpack.value.ValueFactory;

/**
 * The TCP receiver of bench/logs.sh. Mode {@code lines}: counts newline-terminated lines (rsyslog's
 * omfwd, traditional framing). Mode {@code forward}: decodes Fluentd Forward frames with
 * msgpack-core (PackedForward entries are unpacked and counted one by one, Forward and Message too)
 * and answers {@code {"ack": chunk}} when asked. When the first event arrives it writes
 * {@code <out>.first}; when {@code expected} events arrived it writes {@code <out>} with
 * "events first_ns last_ns" and exits.
 *
 * <p>java -cp msgpack-core.jar bench/tools/LogSink.java lines|forward PORT EXPECTED OUT
 */
public class LogSink {
  static final AtomicLong events = new AtomicLong();
  static volatile long firstNanos;
  static long expected;
  static Path out;

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    int port = Integer.parseInt(args[1]);
    expected = Long.parseLong(args[2]);
    out = Path.of(args[3]);
    try (ServerSocket server = new ServerSocket(port, 50, InetAddress.getLoopbackAddress())) {
      while (true) {
        Socket socket = server.accept();
        Thread thread =
            new Thread(
                () -> {
                  try (socket) {
                    if (mode.equals("lines")) {
                      lines(socket.getInputStream());
                    } else {
                      forward(socket);
                    }
                  } catch (IOException e) {
                    // the shipper closed or reconnects
                  }
                });
        thread.setDaemon(true);
        thread.start();
      }
    }
  }

  static void lines(InputStream raw) throws IOException {
    InputStream in = new BufferedInputStream(raw, 1 << 16);
    byte[] buffer = new byte[1 << 16];
    int n;
    while ((n = in.read(buffer)) > 0) {
      long count = 0;
      for (int i = 0; i < n; i++) {
        if (buffer[i] == '\n') {
          count++;
        }
      }
      if (count > 0) {
        arrived(count);
      }
    }
  }

  static void forward(Socket socket) throws IOException {
    MessageUnpacker in = MessagePack.newDefaultUnpacker(socket.getInputStream());
    MessagePacker ack = MessagePack.newDefaultPacker(socket.getOutputStream());
    while (in.hasNext()) {
      ArrayValue frame = in.unpackValue().asArrayValue();
      Value second = frame.get(1);
      long count = 0;
      MapValue options = null;
      if (second.isArrayValue()) {
        count = second.asArrayValue().size();
        options = frame.size() > 2 ? frame.get(2).asMapValue() : null;
      } else if (second.isRawValue()) {
        try (MessageUnpacker entries =
            MessagePack.newDefaultUnpacker(second.asRawValue().asByteArray())) {
          while (entries.hasNext()) {
            entries.skipValue();
            count++;
          }
        }
        options = frame.size() > 2 ? frame.get(2).asMapValue() : null;
      } else {
        count = 1;
        options = frame.size() > 3 ? frame.get(3).asMapValue() : null;
      }
      Value chunk = options == null ? null : options.map().get(ValueFactory.newString("chunk"));
      if (chunk != null) {
        ack.packMapHeader(1).packString("ack").packString(chunk.asStringValue().asString());
        ack.flush();
      }
      arrived(count);
    }
  }

  static synchronized void arrived(long count) throws IOException {
    if (firstNanos == 0) {
      firstNanos = System.nanoTime();
      Files.writeString(Path.of(out + ".first"), "1\n");
    }
    long total = events.addAndGet(count);
    if (total >= expected) {
      Files.writeString(out, total + " " + firstNanos + " " + System.nanoTime() + "\n");
      System.exit(0);
    }
  }
}
