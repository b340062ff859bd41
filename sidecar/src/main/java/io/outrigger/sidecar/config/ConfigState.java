package io.outrigger.sidecar.config;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.outrigger.config.SidecarConfig;
import io.outrigger.config.SidecarConfigCodec;
import java.time.Instant;
import java.util.List;

/**
 * The config the sidecar runs with and the story of its reloads, as {@code /status} reports it.
 * Immutable: each reload attempt produces a new one.
 *
 * @param configHash the hash of the config it runs (the document with this pod's settings on it)
 * @param givenHash the hash of the config document as given, before this pod's settings: the
 *     policy's own hash, which the operator compares to send a newer one
 * @param restartRequired fields changed in the file that only a restart applies (empty when none)
 * @param lastError why the latest file could not be used, or null when it was
 */
public record ConfigState(
    SidecarConfig running,
    String fingerprint,
    String configHash,
    String givenHash,
    Instant loadedAt,
    long reloads,
    List<String> restartRequired,
    String lastError,
    Instant lastErrorAt) {

  /** This state as the {@code config} part of {@code /status}. */
  public void describe(ObjectNode node, String source) {
    node.put("hash", configHash);
    node.put("givenHash", givenHash);
    node.put("source", source);
    node.put("loadedAt", loadedAt.toString());
    node.put("reloads", reloads);
    ArrayNode restart = node.putArray("restartRequired");
    restartRequired.forEach(restart::add);
    if (lastError != null) {
      node.put("lastError", lastError);
      node.put("lastErrorAt", lastErrorAt.toString());
    }
  }

  public static ConfigState initial(ConfigSource.Loaded loaded) {
    return new ConfigState(
        loaded.config(),
        loaded.fingerprint(),
        SidecarConfigCodec.hash(loaded.config()),
        loaded.givenHash(),
        Instant.now(),
        0,
        List.of(),
        null,
        null);
  }

  public ConfigState reloaded(
      SidecarConfig next, ConfigSource.Loaded loaded, List<String> needRestart) {
    return new ConfigState(
        next,
        loaded.fingerprint(),
        SidecarConfigCodec.hash(next),
        loaded.givenHash(),
        Instant.now(),
        reloads + 1,
        List.copyOf(needRestart),
        null,
        null);
  }

  /**
   * The file changed but could not be used: the running config stays, the error is kept for
   * /status.
   */
  public ConfigState rejected(String nextFingerprint, String error) {
    return new ConfigState(
        running,
        nextFingerprint,
        configHash,
        givenHash,
        loadedAt,
        reloads,
        restartRequired,
        error,
        Instant.now());
  }
}
