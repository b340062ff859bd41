package io.outrigger.operator.status;

/**
 * How a policy's pods stand (status fields of the same names).
 *
 * @param matched opted-in pods the policy selects (injected or not)
 * @param injected matched pods carrying the sidecar
 * @param ready injected pods whose sidecar container is ready
 * @param outdated injected pods with another config hash or sidecar version than the current ones
 * @param missed opted-in pods the policy should have injected but that run without a sidecar
 */
public record PodCounts(int matched, int injected, int ready, int outdated, int missed) {

  public static final PodCounts NONE = new PodCounts(0, 0, 0, 0, 0);
}
