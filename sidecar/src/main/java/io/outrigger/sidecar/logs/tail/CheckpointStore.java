package io.outrigger.sidecar.logs.tail;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Where tailing resumes after a restart: one JSON file in the log volume holding, per file, its
 * inode, its first bytes and the offset up to which every output acknowledged. Written whole to a
 * temporary file and renamed over the old one, so a crash leaves either the old or the new
 * checkpoint, never half of one.
 */
public final class CheckpointStore {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final int VERSION = 1;

  /**
   * One file's resume point.
   *
   * @param path where the file was last seen (informational: files are matched by inode and
   *     content)
   * @param inode the file key ({@code (dev=..,ino=..)}), or null for content whose file was
   *     truncated and whose copy was not found yet
   * @param prefix the file's first bytes
   * @param offset every byte before this was acknowledged by every output
   * @param readTo how far the content was read (at least {@code offset}); null in checkpoints
   *     written before it was saved, read as {@code offset}
   * @param tail the bytes just before {@code readTo}: with {@code prefix}, what tells this content
   *     from other content in the same file or a copy of it ({@link ContentFingerprint})
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Entry(
      String path, String inode, byte[] prefix, long offset, Long readTo, byte[] tail) {

    public Entry(String path, String inode, byte[] prefix, long offset) {
      this(path, inode, prefix, offset, null, null);
    }

    @com.fasterxml.jackson.annotation.JsonIgnore
    ContentFingerprint content() {
      return new ContentFingerprint(
          prefix == null ? new byte[0] : prefix,
          readTo == null ? offset : readTo,
          tail == null ? new byte[0] : tail);
    }
  }

  record Document(int version, List<Entry> files) {}

  private final Path file;

  public CheckpointStore(Path file) {
    this.file = file;
  }

  public Path file() {
    return file;
  }

  /** The saved entries; none when there is no checkpoint yet. An unreadable one is an error. */
  public List<Entry> load() throws IOException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return List.of();
    }
    try {
      Document document = JSON.readValue(bytes, Document.class);
      if (document.version() != VERSION || document.files() == null) {
        throw new IOException("checkpoint " + file + " has unknown version " + document.version());
      }
      return document.files();
    } catch (JsonProcessingException e) {
      throw new IOException("checkpoint " + file + " is not valid: " + e.getOriginalMessage(), e);
    }
  }

  /**
   * Replaces the checkpoint atomically and durably: the new bytes are on disk before the rename,
   * and the rename is on disk before this returns, so a node that loses power finds the old
   * checkpoint or the new one, never a renamed file whose data did not make it.
   */
  public synchronized void save(List<Entry> entries) throws IOException {
    Files.createDirectories(file.getParent());
    Path temp = file.resolveSibling(file.getFileName() + ".tmp");
    try (FileChannel out =
        FileChannel.open(
            temp,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer bytes = ByteBuffer.wrap(JSON.writeValueAsBytes(new Document(VERSION, entries)));
      while (bytes.hasRemaining()) {
        out.write(bytes);
      }
      out.force(true);
    }
    try {
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
    }
    syncDirectory(file.getParent());
  }

  /** The directory's entry for the renamed file made durable (Linux allows fsync on a dir). */
  private static void syncDirectory(Path directory) {
    try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
      dir.force(true);
    } catch (IOException e) {
      // Not every file system lets a directory be synced; the rename itself is still atomic.
    }
  }
}
