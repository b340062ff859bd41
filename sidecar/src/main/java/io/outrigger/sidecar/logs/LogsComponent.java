package io.outrigger.sidecar.logs;

import io.outrigger.config.InvalidConfigException;
import io.outrigger.config.SidecarConfig;
import io.outrigger.config.SidecarConfig.LogOutputsConfig;
import io.outrigger.sidecar.component.Component;
import io.outrigger.sidecar.component.SidecarContext;
import io.outrigger.sidecar.component.StatusParts;
import io.outrigger.sidecar.logs.output.LogOutputs;
import io.outrigger.sidecar.logs.output.RejectedRecords;
import io.outrigger.sidecar.tracing.Tracing;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;

/**
 * The log pipeline as a component: tailing starts with the first config when {@code logs.enabled};
 * later configs change parsing, enrichment and outputs; at shutdown (after the drain, so the app's
 * last requests are logged) what is buffered is delivered and checkpointed.
 */
public final class LogsComponent implements Component {
  private final SidecarContext context;
  private final LogPipeline pipeline;

  public LogsComponent(SidecarContext context) {
    this.context = context;
    this.pipeline =
        new LogPipeline(
            context.vertx(),
            context.registry(),
            context.pod(),
            context.appContainer(),
            this::outputs);
  }

  @Override
  public Future<Void> start(SidecarConfig config) {
    if (config.logs().enabled()) {
      try {
        pipeline.start(config.logs());
      } catch (InvalidConfigException e) {
        return Future.failedFuture(e);
      }
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> apply(SidecarConfig next) {
    pipeline.apply(next.logs());
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> stop() {
    pipeline.stop(Duration.ofSeconds(10));
    return Future.succeededFuture();
  }

  @Override
  public void status(StatusParts status) {
    status.component("logs", pipeline.status(context.running().get().logs().enabled()));
  }

  /** The outputs a config turns on, as one output that acknowledges when all of them did. */
  private List<LogOutput> outputs(LogOutputsConfig outputs) {
    LogOutputs all =
        LogOutputs.from(
            outputs,
            context.vertx(),
            context.registry(),
            Tracing.resource(context.running().get().tracing(), context.pod()),
            new RejectedRecords(
                context.vertx(),
                RejectedRecords.directoryFor(context.running().get().logs().directory()),
                context.registry()));
    return all.names().isEmpty() ? List.of() : List.of(all);
  }
}
