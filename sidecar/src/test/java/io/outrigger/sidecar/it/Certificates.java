package io.outrigger.sidecar.it;

import java.nio.file.Path;

/** Test certificates made by the real openssl. */
public final class Certificates {
  private Certificates() {}

  /** A self-signed certificate for 127.0.0.1 (it is its own CA), valid for a day. */
  public static void selfSigned(Path dir, String name, Path cert, Path key) throws Exception {
    selfSigned(dir, name, cert, key, "IP:127.0.0.1");
  }

  /** A self-signed certificate for {@code subjectAltName} (e.g. {@code IP:127.0.0.2}). */
  public static void selfSigned(Path dir, String name, Path cert, Path key, String subjectAltName)
      throws Exception {
    Process openssl =
        new ProcessBuilder(
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "1",
                "-subj",
                "/CN=" + name,
                "-addext",
                "subjectAltName=" + subjectAltName,
                "-keyout",
                key.toString(),
                "-out",
                cert.toString())
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .start();
    String out = new String(openssl.getInputStream().readAllBytes());
    if (openssl.waitFor() != 0) {
      throw new IllegalStateException("openssl failed: " + out);
    }
  }
}
