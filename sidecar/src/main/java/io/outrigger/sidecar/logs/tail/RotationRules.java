package io.outrigger.sidecar.logs.tail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The tailer's decisions about file identity, as pure functions of what it knows and what the files
 * hold now: whether a tailed file was replaced under it, which file continues content whose file
 * was truncated, where each file resumes after a restart. No threads, no clocks: the {@link
 * LogTailer} loop acts on the answers.
 *
 * <p>Content is known by its {@link ContentFingerprint} (first bytes and the bytes before where
 * reading stopped), a file by its inode. The inode says "same file", the fingerprint "same
 * content": copytruncate keeps the inode and replaces the content, a copy has a new inode and the
 * same content, a rename keeps both.
 */
final class RotationRules {
  private RotationRules() {}

  /** What happened to a tailed file since it was last read. */
  enum Change {
    /** Same content, nothing new. */
    UNCHANGED,
    /** Same content, more of it. */
    GREW,
    /**
     * Other content from offset 0: truncated (copytruncate), truncated and written again past the
     * old offset, or overwritten in place (a copy made over an older copy). The old content's
     * unread rest can only be in a copy.
     */
    REPLACED
  }

  static Change change(ContentFingerprint known, FileBytes now) {
    long size = now.size();
    if (size < known.end() || !known.heldBy(now)) {
      return Change.REPLACED;
    }
    return size > known.end() ? Change.GREW : Change.UNCHANGED;
  }

  /**
   * Which of {@code detached} (content whose file was replaced, in the order they were detached)
   * {@code candidate} continues: the first it holds. Content of which nothing was read has no
   * fingerprint and is continued by no file (a file holding it is read from 0 anyway).
   */
  static Optional<Integer> continues(List<ContentFingerprint> detached, FileBytes candidate) {
    for (int i = 0; i < detached.size(); i++) {
      ContentFingerprint content = detached.get(i);
      if (!content.isEmpty() && content.heldBy(candidate)) {
        return Optional.of(i);
      }
    }
    return Optional.empty();
  }

  /**
   * Whether {@code candidate} may be a copy of {@code live} still being written: shorter than what
   * was read of it, with the same bytes as {@code live} at its start and at its end so far. A copy
   * is created empty and filled in chunks (cp, logrotate's copytruncate); taken for a new file
   * while half written, it would be read from 0 and every line it holds delivered twice. An empty
   * file is such a beginning of any content. Nothing is lost by waiting: it is read from 0 if it
   * turns out to be new.
   */
  static boolean copyInProgress(long liveReadTo, FileBytes live, FileBytes candidate) {
    long size = candidate.size();
    if (size >= liveReadTo || live.size() < size) {
      return false;
    }
    int head = (int) Math.min(size, FilePrefix.LENGTH);
    if (!Arrays.equals(candidate.read(0, head), live.read(0, head))) {
      return false;
    }
    int tail = (int) Math.min(size, ContentFingerprint.TAIL_LENGTH);
    return Arrays.equals(candidate.read(size - tail, tail), live.read(size - tail, tail));
  }

  /**
   * A checkpoint entry as the rules see it.
   *
   * @param inode the file's inode when saved; null for content whose file was replaced
   * @param content what was read of it
   * @param offset every byte before it was acknowledged: where reading resumes
   */
  record Saved(String inode, ContentFingerprint content, long offset) {}

  /** A file found at start. */
  record Seen(String inode, FileBytes bytes) {}

  /**
   * Where one file resumes.
   *
   * @param entry the index of the checkpoint entry it continues
   * @param offset where reading starts
   * @param sameFile true for the entry's own inode, false for a copy holding its content
   */
  record Resume(int entry, long offset, boolean sameFile) {}

  /**
   * Where each file found at start resumes, given the checkpoint (one answer per {@code seen}, in
   * order; empty: no entry is its content, it is a file the checkpoint does not know).
   *
   * <ol>
   *   <li>An entry resumes in the file with its inode when that file still holds its content and
   *       the offset is the start of a line there. Not when the inode holds other content now (it
   *       was truncated while the sidecar was down): its old content is in a copy, if anywhere.
   *   <li>Then an entry not placed resumes in another file that holds its content: the copy made
   *       while the sidecar was down, or the copy of content that had been detached from a
   *       truncated file. Whether the entry's inode still exists does not matter: it may hold new
   *       content.
   *   <li>Each file continues at most one entry and each entry at most one file. An entry placed
   *       nowhere is content that is gone (deleted, or compressed) and is dropped.
   * </ol>
   */
  static List<Optional<Resume>> resume(List<Saved> saved, List<Seen> seen) {
    List<Optional<Resume>> plan = new ArrayList<>();
    for (int i = 0; i < seen.size(); i++) {
      plan.add(Optional.empty());
    }
    boolean[] placed = new boolean[saved.size()];
    for (int f = 0; f < seen.size(); f++) {
      for (int e = 0; e < saved.size(); e++) {
        Saved s = saved.get(e);
        if (!placed[e]
            && s.inode() != null
            && Objects.equals(s.inode(), seen.get(f).inode())
            && resumable(s, seen.get(f).bytes())) {
          placed[e] = true;
          plan.set(f, Optional.of(new Resume(e, s.offset(), true)));
          break;
        }
      }
    }
    for (int e = 0; e < saved.size(); e++) {
      if (placed[e] || saved.get(e).content().isEmpty()) {
        continue;
      }
      for (int f = 0; f < seen.size(); f++) {
        if (plan.get(f).isEmpty() && resumable(saved.get(e), seen.get(f).bytes())) {
          placed[e] = true;
          plan.set(f, Optional.of(new Resume(e, saved.get(e).offset(), false)));
          break;
        }
      }
    }
    return plan;
  }

  /** The file holds the entry's content and its offset starts a line there. */
  static boolean resumable(Saved saved, FileBytes file) {
    long offset = saved.offset();
    if (offset > saved.content().end() || !saved.content().heldBy(file)) {
      return false;
    }
    return offset == 0 || offset == saved.content().end() || isLineStart(file, offset);
  }

  private static boolean isLineStart(FileBytes file, long offset) {
    byte[] before = file.read(offset - 1, 1);
    return before.length == 1 && before[0] == '\n';
  }
}
