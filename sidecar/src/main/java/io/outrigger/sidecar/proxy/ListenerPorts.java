package io.outrigger.sidecar.proxy;

/**
 * One inbound listener: the app port it fronts and the port it listens on.
 *
 * @param listenPort 0 picks a free port (tests)
 */
public record ListenerPorts(int appPort, int listenPort) {

  /** The listener's name in metrics: the app port it fronts, which is what people look for. */
  public String name() {
    return Integer.toString(appPort);
  }
}
