package io.outrigger.operator.certs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Writes the serving pair where the HTTPS server reads it, the way the kubelet updates a Secret
 * volume: both files go into a fresh directory and one symlink ({@code ..data}) is swapped to it,
 * so a reader never sees a new certificate with an old key.
 */
public final class CertificateFiles {
  public static final String CERT = "tls.crt";
  public static final String KEY = "tls.key";

  /** The CA bundle, as cert-manager's Secret has it: how replicas check each other (reports). */
  public static final String CA = "ca.crt";

  private static final String DATA = "..data";

  private CertificateFiles() {}

  /** The certificate file the server is pointed at ({@code dir/tls.crt}). */
  public static Path cert(Path dir) {
    return dir.resolve(CERT);
  }

  public static Path key(Path dir) {
    return dir.resolve(KEY);
  }

  /** True when {@code dir} already serves exactly this pair. */
  public static boolean holds(Path dir, String certPem, String keyPem, String caPem) {
    try {
      return Files.exists(cert(dir))
          && Files.exists(dir.resolve(CA))
          && Files.readString(cert(dir)).equals(certPem)
          && Files.readString(key(dir)).equals(keyPem)
          && Files.readString(dir.resolve(CA)).equals(caPem);
    } catch (IOException e) {
      return false;
    }
  }

  public static synchronized void write(Path dir, String certPem, String keyPem, String caPem)
      throws IOException {
    Files.createDirectories(dir);
    Path version = Files.createTempDirectory(dir, "..tls-");
    Files.writeString(version.resolve(CERT), certPem, StandardCharsets.US_ASCII);
    Files.writeString(version.resolve(KEY), keyPem, StandardCharsets.US_ASCII);
    Files.writeString(version.resolve(CA), caPem, StandardCharsets.US_ASCII);
    Path link = dir.resolve(DATA);
    Path previous = Files.isSymbolicLink(link) ? dir.resolve(Files.readSymbolicLink(link)) : null;
    Path newLink = dir.resolve("..data_tmp");
    Files.deleteIfExists(newLink);
    Files.createSymbolicLink(newLink, version.getFileName());
    // rename(2) over the old link: the swap is atomic.
    Files.move(newLink, link, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    for (String name : new String[] {CERT, KEY, CA}) {
      Path file = dir.resolve(name);
      if (!Files.isSymbolicLink(file)) {
        Files.deleteIfExists(file);
        Files.createSymbolicLink(file, Path.of(DATA, name));
      }
    }
    if (previous != null && !previous.equals(version)) {
      deleteTree(previous);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
