package io.outrigger.helm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What the sidecar image copies from {@code sidecar/target/lib} carries Netty's native epoll
 * library for both architectures the project ships, each an ELF shared object for its machine
 * (outbound capture reads SO_ORIGINAL_DST through it).
 */
class NativeLibrariesTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    // e_machine of the ELF header: EM_X86_64 62, EM_AARCH64 183.
    "linux-x86_64, META-INF/native/libnetty_transport_native_epoll_x86_64.so, 62",
    "linux-aarch_64, META-INF/native/libnetty_transport_native_epoll_aarch_64.so, 183",
  })
  void theSidecarShipsTheEpollLibraryFor(String classifier, String library, int machine)
      throws IOException {
    Path lib = Repo.root().resolve("sidecar/target/lib");
    List<Path> jars;
    try (Stream<Path> files = Files.list(lib)) {
      jars =
          files
              .filter(p -> p.getFileName().toString().startsWith("netty-transport-native-epoll-"))
              .filter(p -> p.getFileName().toString().endsWith("-" + classifier + ".jar"))
              .toList();
    }
    assertThat(jars).as("built by mvn package of the sidecar").hasSize(1);
    try (JarFile jar = new JarFile(jars.get(0).toFile())) {
      assertThat(jar.getEntry(library)).as(library).isNotNull();
      try (InputStream in = jar.getInputStream(jar.getEntry(library))) {
        byte[] header = in.readNBytes(20);
        assertThat(new String(header, 1, 3, java.nio.charset.StandardCharsets.US_ASCII))
            .isEqualTo("ELF");
        int eMachine = (header[18] & 0xff) | (header[19] & 0xff) << 8;
        assertThat(eMachine).isEqualTo(machine);
      }
    }
  }
}
