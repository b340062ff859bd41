package io.outrigger.sidecar.logs.output;

import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.sdk.resources.Resource;
import io.outrigger.config.SidecarConfig.LogOutputsConfig;
import io.outrigger.sidecar.logs.LogOutput;
import io.outrigger.sidecar.logs.LogRecord;
import io.outrigger.sidecar.logs.PackedRecord;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;

/**
 * The configured outputs as one {@link LogOutput} for the pipeline: every batch goes to each
 * output, each wrapped in its own {@link RetryingOutput}, and the batch is acknowledged once all of
 * them acknowledged it. Because each output retries on its own, an output that is down does not
 * make the others receive duplicates; it does hold the batch (and so the checkpoints) until it is
 * back — the slowest output sets the pace, and the files are the buffer meanwhile.
 */
public final class LogOutputs implements LogOutput {
  private final List<LogOutput> outputs;

  LogOutputs(List<LogOutput> outputs) {
    this.outputs = List.copyOf(outputs);
  }

  /**
   * Builds the outputs {@code config} turns on.
   *
   * @param resource the pod's OpenTelemetry resource (as for spans), used by the OTLP output
   * @param rejected where records a receiver refused on their own are set aside
   */
  public static LogOutputs from(
      LogOutputsConfig config,
      Vertx vertx,
      MeterRegistry registry,
      Resource resource,
      RejectedRecords rejected) {
    List<LogOutput> built = new ArrayList<>();
    if (config.forward() != null) {
      built.add(new ForwardOutput(vertx, config.forward()));
    }
    if (config.otlp() != null) {
      built.add(new OtlpLogsOutput(config.otlp(), resource));
    }
    if (config.loki() != null) {
      built.add(new LokiOutput(vertx, config.loki()));
    }
    if (config.http() != null) {
      built.add(new HttpJsonLinesOutput(vertx, config.http()));
    }
    if (config.stdout()) {
      built.add(new StdoutOutput());
    }
    ExponentialBackoff backoff =
        new ExponentialBackoff(config.retryInitialBackoff(), config.retryMaxBackoff());
    return new LogOutputs(
        built.stream()
            .map(
                output ->
                    (LogOutput) new RetryingOutput(output, vertx, backoff, registry, rejected))
            .toList());
  }

  /** The outputs by name, in the order above (forward, otlp, loki, http, stdout). */
  public List<String> names() {
    return outputs.stream().map(LogOutput::name).toList();
  }

  @Override
  public String name() {
    return String.join("+", names());
  }

  @Override
  public Future<Void> send(List<LogRecord> batch) {
    if (outputs.size() == 1) {
      return outputs.get(0).send(batch);
    }
    List<Future<Void>> sends = new ArrayList<>(outputs.size());
    for (LogOutput output : outputs) {
      sends.add(output.send(batch));
    }
    return Future.all(sends).mapEmpty();
  }

  @Override
  public Future<Void> sendPacked(List<PackedRecord> batch) {
    if (outputs.size() == 1) {
      return outputs.get(0).sendPacked(batch);
    }
    List<Future<Void>> sends = new ArrayList<>(outputs.size());
    for (LogOutput output : outputs) {
      sends.add(output.sendPacked(batch));
    }
    return Future.all(sends).mapEmpty();
  }

  @Override
  public Future<Void> close() {
    return Future.join(outputs.stream().map(LogOutput::close).toList()).mapEmpty();
  }
}
