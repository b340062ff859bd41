package io.outrigger.sidecar.outbound;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.function.LongSupplier;

/**
 * A bearer token kept in a file (a projected service-account token, a mounted Secret), re-read when
 * the file changes so a rotated token is used without a restart. Checks the file at most once a
 * second; an unreadable or empty file keeps the last good token (and there is none before the first
 * good read).
 */
public final class BearerToken {
  private static final long CHECK_NANOS = 1_000_000_000L;

  private final Path file;
  private final LongSupplier clock;
  private volatile String token;
  private volatile String version = "";
  private volatile long checkedAt;
  private volatile boolean checked;

  public BearerToken(Path file, LongSupplier clock) {
    this.file = file;
    this.clock = clock;
  }

  /** The {@code Authorization} value, or null when no token could be read yet. */
  public String authorization() {
    long now = clock.getAsLong();
    if (!checked || now - checkedAt >= CHECK_NANOS) {
      checked = true;
      checkedAt = now;
      reload();
    }
    return token == null ? null : "Bearer " + token;
  }

  private void reload() {
    try {
      // Kubelet swaps Secret and projected volumes through a symlink: the target's identity
      // changes even when size and modification time would not.
      BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
      String seen =
          file.toRealPath()
              + "|"
              + attributes.lastModifiedTime().toMillis()
              + "|"
              + attributes.size()
              + "|"
              + attributes.fileKey();
      if (seen.equals(version)) {
        return;
      }
      String text = Files.readString(file, StandardCharsets.UTF_8).strip();
      if (!text.isEmpty()) {
        token = text;
        version = seen;
      }
    } catch (IOException e) {
      // Keep the last good token: a rotation in progress must not drop authentication.
    }
  }
}
