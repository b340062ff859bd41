package io.outrigger.sidecar.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A config directory laid out the way the kubelet mounts a ConfigMap: the file is a symlink through
 * {@code ..data}, which points at a timestamped directory; an update writes a new directory and
 * atomically renames a new {@code ..data} symlink over the old one.
 */
final class KubeletConfigDir {
  private final Path dir;
  private final String fileName;
  private final AtomicInteger version = new AtomicInteger();

  KubeletConfigDir(String fileName, String content) throws IOException {
    this.dir = Files.createTempDirectory("configmap");
    this.fileName = fileName;
    Path first = writeVersion(content);
    Files.createSymbolicLink(dir.resolve("..data"), first.getFileName());
    Files.createSymbolicLink(dir.resolve(fileName), Path.of("..data").resolve(fileName));
  }

  Path file() {
    return dir.resolve(fileName);
  }

  /** The kubelet's atomic update. */
  void update(String content) throws IOException {
    Path next = writeVersion(content);
    Path tmp = dir.resolve("..data_tmp");
    Files.deleteIfExists(tmp);
    Files.createSymbolicLink(tmp, next.getFileName());
    Files.move(
        tmp,
        dir.resolve("..data"),
        StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
  }

  private Path writeVersion(String content) throws IOException {
    Path version =
        Files.createDirectory(dir.resolve("..2026_11_26_" + this.version.incrementAndGet()));
    Files.writeString(version.resolve(fileName), content);
    return version;
  }
}
