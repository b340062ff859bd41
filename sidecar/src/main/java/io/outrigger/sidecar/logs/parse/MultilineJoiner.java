package io.outrigger.sidecar.logs.parse;

import io.outrigger.config.InvalidConfigException;
import io.outrigger.config.SidecarConfig.MultilineConfig;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Joins the lines of one file that belong to one record (a stack trace under its message). Either a
 * start pattern (a matching line begins a record, others join the one before) or a continuation
 * pattern (a matching line joins the record before, others begin one). A record is emitted when the
 * next one begins, when it reached {@code maxLines} or {@code maxChars}, or when no line came for
 * {@code flushTimeout}. Not thread-safe: one per file, used by the tailer's thread.
 */
public final class MultilineJoiner {

  /**
   * A complete record.
   *
   * @param text the lines joined with '\n'
   * @param endOffset the file offset just after the record's last line (what a checkpoint stores)
   * @param lines how many lines were joined
   */
  public record Joined(String text, long endOffset, int lines) {}

  private final Pattern start;
  private final Pattern continuation;
  private final long flushNanos;
  private final int maxLines;
  private final int maxChars;
  private final StringBuilder pending = new StringBuilder();
  private int pendingLines;
  private long pendingEnd;
  private long lastLineNanos;

  public MultilineJoiner(MultilineConfig config, int maxChars) {
    boolean hasStart = config.startPattern() != null && !config.startPattern().isEmpty();
    boolean hasContinuation =
        config.continuationPattern() != null && !config.continuationPattern().isEmpty();
    if (hasStart == hasContinuation) {
      throw new InvalidConfigException(
          "logs.multiline", "set exactly one of startPattern and continuationPattern");
    }
    this.start = hasStart ? compile("startPattern", config.startPattern()) : null;
    this.continuation =
        hasContinuation ? compile("continuationPattern", config.continuationPattern()) : null;
    this.flushNanos = config.flushTimeout().toNanos();
    this.maxLines = Math.max(1, config.maxLines());
    this.maxChars = maxChars;
  }

  private static Pattern compile(String field, String regex) {
    try {
      return Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      throw new InvalidConfigException(
          "logs.multiline." + field, "not a Java regular expression: " + e.getDescription());
    }
  }

  /** Adds one line ending at {@code endOffset}; emits the record it completes, if any. */
  public void accept(String line, long endOffset, long nowNanos, Consumer<Joined> out) {
    boolean joins = start != null ? !start.matcher(line).find() : continuation.matcher(line).find();
    if (pendingLines > 0
        && (!joins
            || pendingLines >= maxLines
            || pending.length() + 1 + line.length() > maxChars)) {
      flush(out);
    }
    if (pendingLines > 0) {
      pending.append('\n');
    }
    pending.append(line);
    pendingLines++;
    pendingEnd = endOffset;
    lastLineNanos = nowNanos;
  }

  /** Emits the pending record when no line came for the flush timeout. */
  public void flushIfIdle(long nowNanos, Consumer<Joined> out) {
    if (pendingLines > 0 && nowNanos - lastLineNanos >= flushNanos) {
      flush(out);
    }
  }

  /** Emits the pending record now (the file is finished, or the sidecar stops). */
  public void flush(Consumer<Joined> out) {
    if (pendingLines == 0) {
      return;
    }
    Joined joined = new Joined(pending.toString(), pendingEnd, pendingLines);
    pending.setLength(0);
    pendingLines = 0;
    out.accept(joined);
  }

  public boolean hasPending() {
    return pendingLines > 0;
  }
}
