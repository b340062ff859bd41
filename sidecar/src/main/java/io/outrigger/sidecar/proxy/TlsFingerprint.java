package io.outrigger.sidecar.proxy;

import io.outrigger.config.SidecarConfig.TlsConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** A hash of the certificate and key files' contents, to see when a mounted Secret was rotated. */
final class TlsFingerprint {
  private TlsFingerprint() {}

  static String of(TlsConfig tls) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(Files.readAllBytes(Path.of(tls.certFile())));
      digest.update(Files.readAllBytes(Path.of(tls.keyFile())));
      return HexFormat.of().formatHex(digest.digest());
    } catch (IOException e) {
      return "unreadable: " + e.getMessage(); // mid-rotation: try again at the next poll
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
