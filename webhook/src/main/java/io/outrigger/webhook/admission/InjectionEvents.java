package io.outrigger.webhook.admission;

/**
 * Where the handler tells what it did with a pod. Called on the admission path: it must return at
 * once and never throw (the recorder queues and writes elsewhere); never called for a dry run.
 */
@FunctionalInterface
public interface InjectionEvents {
  InjectionEvents NONE = event -> {};

  void record(InjectionEvent event);
}
