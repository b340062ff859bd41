package io.outrigger.sidecar.logs.output;

import io.outrigger.sidecar.logs.LogOutput;
import io.outrigger.sidecar.logs.LogRecord;
import io.vertx.core.Future;
import java.io.PrintStream;
import java.util.List;

/**
 * Writes each record as one {@link LogRecordJson} line to the sidecar's stdout, so {@code kubectl
 * logs -c outrigger} (or the node's log agent) sees the app's enriched lines. The sidecar's own log
 * lines share the stream; they are told apart by their fields ({@code ts}, {@code msg}, never a
 * {@code log.file.path}). A batch counts as sent once written and flushed.
 */
public final class StdoutOutput implements LogOutput {
  private final PrintStream out;

  public StdoutOutput() {
    this(System.out);
  }

  public StdoutOutput(PrintStream out) {
    this.out = out;
  }

  @Override
  public String name() {
    return "stdout";
  }

  @Override
  public Future<Void> send(List<LogRecord> batch) {
    StringBuilder text = new StringBuilder(batch.size() * 256);
    for (LogRecord record : batch) {
      text.append(LogRecordJson.of(record)).append('\n');
    }
    synchronized (out) {
      out.print(text);
      out.flush();
      if (out.checkError()) {
        return Future.failedFuture(new IllegalStateException("stdout is not writable"));
      }
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }
}
