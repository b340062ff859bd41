package io.outrigger.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Which addresses the sidecar's StatsD listener accepts datagrams on. */
public enum StatsdListen {
  /** The pod's loopback only: the pod's own containers can send, nothing else in the cluster. */
  @JsonProperty("loopback")
  LOOPBACK,
  /** Every interface of the pod, so other pods can send to the pod IP too. */
  @JsonProperty("pod")
  POD
}
