package io.outrigger.sidecar;

/** The sidecar's version, as {@code /status} and the reports say it. */
public final class Version {
  public static final String SIDECAR = "0.1.0";

  private Version() {}
}
