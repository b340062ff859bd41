package io.outrigger.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How inbound traffic reaches the sidecar's listeners instead of the app's ports. */
public enum InterceptionMode {
  /**
   * An init container redirects each app port to its listener with iptables (needs NET_ADMIN,
   * NET_RAW).
   */
  @JsonProperty("iptables")
  IPTABLES,
  /**
   * No privileges: the app's named container ports move to the sidecar, so Services by port name
   * hit it.
   */
  @JsonProperty("port")
  PORT,
  /** Nothing is intercepted; clients call the sidecar's listener ports themselves. */
  @JsonProperty("none")
  NONE
}
