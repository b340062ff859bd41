package io.outrigger.sidecar.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.outrigger.config.InvalidConfigException;
import io.outrigger.config.SidecarConfigCodec;
import io.outrigger.config.SidecarEnvironment;
import io.outrigger.sidecar.it.Certificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the report answers bring (ADR 0010): kept only when this sidecar can use it, atomically, and
 * then read in place of the config the pod was created with.
 */
class ConfigUpdatesTest {
  private static final String GIVEN =
      "{\"policy\":\"shop/web\",\"tracing\":{\"samplingRatio\":0.5}}";
  private static final String NEWER =
      "{\"policy\":\"shop/web\",\"tracing\":{\"samplingRatio\":0.1}}";

  @TempDir Path dir;

  private ConfigSource source(Path file) {
    return new ConfigSource(
        file, Map.of(SidecarEnvironment.CONFIG_UPDATES, dir.resolve("updates").toString()));
  }

  @Test
  void theConfigThePodWasCreatedWithRunsUntilAnUpdateIsKept() throws Exception {
    Path file = Files.writeString(dir.resolve("sidecar.json"), GIVEN);
    ConfigSource source = source(file);
    ConfigSource.Loaded first = source.load();
    assertThat(first.config().tracing().samplingRatio()).isEqualTo(0.5);
    assertThat(first.givenHash())
        .isEqualTo(SidecarConfigCodec.hash(SidecarConfigCodec.readJson(GIVEN, "given")));
    assertThat(source.describe()).isEqualTo(file.toString());

    ConfigUpdates updates =
        ConfigUpdates.fromEnvironment(
            Map.of(SidecarEnvironment.CONFIG_UPDATES, dir.resolve("updates").toString()));
    assertThat(updates.offerConfig(NEWER)).isTrue();
    assertThat(updates.offerConfig(NEWER)).as("the same bytes are not written again").isFalse();

    assertThat(source.currentFingerprint()).isNotEqualTo(first.fingerprint());
    ConfigSource.Loaded next = source.load();
    assertThat(next.config().tracing().samplingRatio()).isEqualTo(0.1);
    assertThat(next.givenHash())
        .isEqualTo(SidecarConfigCodec.hash(SidecarConfigCodec.readJson(NEWER, "newer")));
    assertThat(source.describe()).isEqualTo(updates.configFile().toString());
    assertThat(Files.list(dir.resolve("updates")))
        .as("no temporary file left")
        .containsExactly(updates.configFile());
  }

  @Test
  void aConfigThisSidecarCannotReadIsRefusedAndTheKeptOneStays() throws Exception {
    ConfigUpdates updates = new ConfigUpdates(dir);
    updates.offerConfig(NEWER);
    assertThatThrownBy(() -> updates.offerConfig("{\"policy\":\"shop/web\",\"fromTheFuture\":1}"))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("fromTheFuture");
    assertThatThrownBy(() -> updates.offerConfig("{\"policy\": "))
        .isInstanceOf(InvalidConfigException.class);
    assertThat(Files.readString(updates.configFile()))
        .as("a restart still finds a config it reads")
        .isEqualTo(NEWER);
  }

  @Test
  void aCaBundleIsKeptOnlyWhenItHoldsCertificates() throws Exception {
    Certificates.selfSigned(dir, "outrigger-operator", dir.resolve("ca.pem"), dir.resolve("k"));
    String pem = Files.readString(dir.resolve("ca.pem"));
    ConfigUpdates updates = new ConfigUpdates(dir.resolve("updates"));
    assertThatThrownBy(() -> updates.offerCa("not a certificate"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(updates.caFile()).doesNotExist();
    assertThat(updates.offerCa(pem)).isTrue();
    assertThat(updates.offerCa(pem)).isFalse();
    assertThat(Files.readString(updates.caFile())).isEqualTo(pem);
  }

  @Test
  void withoutAnUpdatesDirectoryNothingIsKept() {
    assertThat(ConfigUpdates.fromEnvironment(Map.of())).isNull();
    assertThat(ConfigUpdates.fromEnvironment(Map.of(SidecarEnvironment.CONFIG_UPDATES, " ")))
        .isNull();
  }
}
