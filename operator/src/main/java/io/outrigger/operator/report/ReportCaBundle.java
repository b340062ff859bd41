package io.outrigger.operator.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Optional;

/**
 * The CA bundle that signs this operator's report endpoint, as the certificate manager last wrote
 * it: the webhook puts it into each injected pod, and every report answer carries it, so a rotated
 * CA reaches running sidecars without a restart. Read again only when the file changes.
 */
public final class ReportCaBundle {
  private final Path file;
  private volatile Read last;

  private record Read(FileTime modified, long size, Optional<String> pem) {}

  /**
   * @param file null when reports are off or sidecars trust the JDK's CAs
   */
  public ReportCaBundle(Path file) {
    this.file = file;
  }

  /** The bundle now; empty when there is none or it is not written yet. */
  public Optional<String> current() {
    if (file == null) {
      return Optional.empty();
    }
    try {
      FileTime modified = Files.getLastModifiedTime(file);
      long size = Files.size(file);
      Read known = last;
      if (known != null && known.modified().equals(modified) && known.size() == size) {
        return known.pem();
      }
      String pem = Files.readString(file);
      Optional<String> read = pem.isBlank() ? Optional.empty() : Optional.of(pem);
      last = new Read(modified, size, read);
      return read;
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
