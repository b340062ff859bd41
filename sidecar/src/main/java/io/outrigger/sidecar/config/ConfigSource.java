package io.outrigger.sidecar.config;

import io.outrigger.config.InvalidConfigException;
import io.outrigger.config.SidecarConfig;
import io.outrigger.config.SidecarConfigCodec;
import io.outrigger.config.SidecarEnvironment;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * Where the sidecar's config comes from: a file (YAML or JSON; in a pod, the mounted ConfigMap's
 * {@code sidecar.json}) or the built-in defaults, with the environment overrides applied on top.
 */
public final class ConfigSource {
  private final Path file;
  private final Map<String, String> env;

  /**
   * @param file null for the built-in defaults
   */
  public ConfigSource(Path file, Map<String, String> env) {
    this.file = file;
    this.env = Map.copyOf(env);
  }

  public Path file() {
    return file;
  }

  /** A loaded config and the fingerprint of the bytes it came from. */
  public record Loaded(SidecarConfig config, String fingerprint) {}

  /** Reads and parses the file; {@link InvalidConfigException} names the file, field and reason. */
  public Loaded load() {
    if (file == null) {
      return new Loaded(SidecarEnvironment.apply(SidecarConfig.defaults(), env), "defaults");
    }
    byte[] bytes = read();
    SidecarConfig config =
        SidecarConfigCodec.readYaml(new String(bytes, StandardCharsets.UTF_8), file.toString());
    try {
      config = SidecarEnvironment.apply(config, env);
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(
          "environment", "", SidecarEnvironment.INBOUND_PORTS, e.getMessage());
    }
    return new Loaded(config, fingerprint(bytes));
  }

  /** {@code error} said of this source when a component found it without knowing the file. */
  public Throwable named(Throwable error) {
    return error instanceof InvalidConfigException invalid && invalid.source().isEmpty()
        ? invalid.in(String.valueOf(file))
        : error;
  }

  /** Where the config came from, as {@code /status} says it. */
  public String describe() {
    return file == null ? "defaults" : file.toString();
  }

  /**
   * The fingerprint of the file as it is now, without parsing it. Reading through the path follows
   * kubelet's {@code ..data} symlink, so an atomic ConfigMap update shows up as new bytes.
   */
  public String currentFingerprint() {
    return file == null ? "defaults" : fingerprint(read());
  }

  private byte[] read() {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new InvalidConfigException(file.toString(), "", "", "cannot read the file: " + e);
    }
  }

  private static String fingerprint(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
