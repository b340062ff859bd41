package io.outrigger.sidecar.proxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sends bytes exactly as written and reads the raw answer: for headers an HTTP client library would
 * not send.
 */
public final class RawHttp {
  private static final Pattern CONTENT_LENGTH =
      Pattern.compile("(?m)^content-length:\\s*(\\d+)\\s*$");

  private RawHttp() {}

  /**
   * Writes {@code request} and reads one response: up to its Content-Length when it has one, else
   * until the server closes the connection.
   */
  public static String exchange(int port, String request) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buffer = new byte[8192];
      int read;
      while ((read = in.read(buffer)) != -1) {
        out.write(buffer, 0, read);
        if (complete(out.toString(StandardCharsets.ISO_8859_1))) {
          break;
        }
      }
      return out.toString(StandardCharsets.ISO_8859_1);
    }
  }

  /**
   * Writes {@code requests} and reads everything the server sends until it closes the connection.
   */
  public static String untilClosed(int port, String requests) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(requests.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      socket.getInputStream().transferTo(out);
      return out.toString(StandardCharsets.ISO_8859_1);
    }
  }

  private static boolean complete(String soFar) {
    int end = soFar.indexOf("\r\n\r\n");
    if (end < 0) {
      return false;
    }
    Matcher length = CONTENT_LENGTH.matcher(soFar.substring(0, end).toLowerCase(Locale.ROOT));
    return length.find() && soFar.length() - end - 4 >= Integer.parseInt(length.group(1));
  }
}
