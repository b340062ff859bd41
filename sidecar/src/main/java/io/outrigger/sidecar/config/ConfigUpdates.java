package io.outrigger.sidecar.config;

import io.outrigger.config.InvalidConfigException;
import io.outrigger.config.SidecarConfigCodec;
import io.outrigger.config.SidecarEnvironment;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.Arrays;
import java.util.Map;

/**
 * What the operator's report answers bring, kept as files in a directory of the sidecar's own: a
 * newer {@code sidecar.json} (read by {@link ConfigSource} in place of the pod's) and the CA bundle
 * of the report endpoint ({@code ca.crt}). Only what this sidecar can use is written, so that a
 * restart never meets a file it refuses: a config this version cannot read, or a bundle without a
 * certificate, is refused here and the files stay as they were. Writes are atomic (a temporary file
 * renamed over the old one) and happen only when the bytes differ.
 */
public final class ConfigUpdates {
  static final String CONFIG_FILE = "sidecar.json";
  static final String CA_FILE = "ca.crt";

  private final Path directory;

  public ConfigUpdates(Path directory) {
    this.directory = directory;
  }

  /** The directory {@code OUTRIGGER_CONFIG_UPDATES} names; null when unset (no operator). */
  public static ConfigUpdates fromEnvironment(Map<String, String> env) {
    String dir = env.get(SidecarEnvironment.CONFIG_UPDATES);
    return dir == null || dir.isBlank() ? null : new ConfigUpdates(Path.of(dir.strip()));
  }

  public Path configFile() {
    return directory.resolve(CONFIG_FILE);
  }

  public Path caFile() {
    return directory.resolve(CA_FILE);
  }

  /**
   * Keeps {@code document} as the config to run, when it differs from the one kept.
   *
   * @return true when it was written (the config watcher then loads it)
   * @throws InvalidConfigException when this sidecar cannot read it; nothing is written
   */
  public boolean offerConfig(String document) throws IOException {
    SidecarConfigCodec.readJson(document, "the operator's report answer");
    return writeIfChanged(configFile(), document.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Keeps {@code pem} as the bundle to trust for reports, when it differs from the one kept.
   *
   * @return true when it was written
   * @throws IllegalArgumentException when it holds no certificate; nothing is written
   */
  public boolean offerCa(String pem) throws IOException {
    byte[] bytes = pem.getBytes(StandardCharsets.US_ASCII);
    try {
      if (CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(bytes))
          .isEmpty()) {
        throw new IllegalArgumentException("the report CA bundle holds no certificate");
      }
    } catch (CertificateException e) {
      throw new IllegalArgumentException("the report CA bundle is not PEM certificates: " + e);
    }
    return writeIfChanged(caFile(), bytes);
  }

  private boolean writeIfChanged(Path target, byte[] bytes) throws IOException {
    if (Files.isRegularFile(target) && Arrays.equals(Files.readAllBytes(target), bytes)) {
      return false;
    }
    Files.createDirectories(directory);
    Path temporary = Files.createTempFile(directory, target.getFileName().toString(), ".new");
    try {
      Files.write(temporary, bytes);
      Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temporary);
    }
    return true;
  }
}
