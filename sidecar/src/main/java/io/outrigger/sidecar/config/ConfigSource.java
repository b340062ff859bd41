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
 * Where the sidecar's config comes from: a file (YAML or JSON; in a pod, {@code sidecar.json} of
 * the config volume, the pod's {@code outrigger.io/sidecar-config} through the downward API) or the
 * built-in defaults, with the environment overrides applied on top.
 *
 * <p>A newer document the operator's report answers brought ({@link ConfigUpdates}, in {@code
 * OUTRIGGER_CONFIG_UPDATES}) takes the file's place once it exists: the file is what the pod was
 * created with and never changes afterwards, an update is always at least as new.
 */
public final class ConfigSource {
  private final Path file;
  private final Path update;
  private final Map<String, String> env;

  /**
   * @param file null for the built-in defaults
   */
  public ConfigSource(Path file, Map<String, String> env) {
    this.file = file;
    this.env = Map.copyOf(env);
    ConfigUpdates updates = ConfigUpdates.fromEnvironment(env);
    this.update = file == null || updates == null ? null : updates.configFile();
  }

  public Path file() {
    return file;
  }

  /**
   * A loaded config, the fingerprint of the bytes it came from and the hash of the document before
   * the environment's overrides (the policy's hash, in a pod).
   */
  public record Loaded(SidecarConfig config, String fingerprint, String givenHash) {}

  /** Reads and parses the file; {@link InvalidConfigException} names the file, field and reason. */
  public Loaded load() {
    if (file == null) {
      SidecarConfig defaults = SidecarConfig.defaults();
      return new Loaded(
          SidecarEnvironment.apply(defaults, env), "defaults", SidecarConfigCodec.hash(defaults));
    }
    Path current = current();
    byte[] bytes = read(current);
    SidecarConfig given =
        SidecarConfigCodec.readYaml(new String(bytes, StandardCharsets.UTF_8), current.toString());
    SidecarConfig config;
    try {
      config = SidecarEnvironment.apply(given, env);
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(
          "environment", "", SidecarEnvironment.INBOUND_PORTS, e.getMessage());
    }
    return new Loaded(config, fingerprint(bytes), SidecarConfigCodec.hash(given));
  }

  /** {@code error} said of this source when a component found it without knowing the file. */
  public Throwable named(Throwable error) {
    return error instanceof InvalidConfigException invalid && invalid.source().isEmpty()
        ? invalid.in(String.valueOf(current()))
        : error;
  }

  /** Where the config comes from now, as {@code /status} says it. */
  public String describe() {
    return file == null ? "defaults" : current().toString();
  }

  /**
   * The fingerprint of the file as it is now, without parsing it. Reading through the path follows
   * kubelet's {@code ..data} symlink, so an atomic volume update shows up as new bytes.
   */
  public String currentFingerprint() {
    return file == null ? "defaults" : fingerprint(read(current()));
  }

  private Path current() {
    return update != null && Files.isRegularFile(update) ? update : file;
  }

  private static byte[] read(Path path) {
    try {
      return Files.readAllBytes(path);
    } catch (IOException e) {
      throw new InvalidConfigException(path.toString(), "", "", "cannot read the file: " + e);
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
