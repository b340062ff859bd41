package io.outrigger.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How the sidecar container is placed in the pod. */
public enum SidecarMode {
  /**
   * Native where the API server and every kubelet that may run the pod support it (1.29 and later),
   * classic otherwise.
   */
  @JsonProperty("auto")
  AUTO,
  /**
   * An init container with {@code restartPolicy: Always}; classic where it would not run as one
   * (never forced onto an older API server or kubelet), so in effect the same as {@link #AUTO}.
   */
  @JsonProperty("native")
  NATIVE,
  /** A regular container placed first, with a postStart hook and a Job-aware shutdown. */
  @JsonProperty("classic")
  CLASSIC
}
