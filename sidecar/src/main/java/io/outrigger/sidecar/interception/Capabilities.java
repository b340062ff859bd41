package io.outrigger.sidecar.interception;

import java.math.BigInteger;

/** Reads effective capabilities from {@code /proc/self/status} text. */
final class Capabilities {
  private Capabilities() {}

  /** linux/capability.h */
  static final int CAP_NET_ADMIN = 12;

  /**
   * True when the {@code CapEff} line has CAP_NET_ADMIN; true as well when there is no such line
   * (not Linux, or an odd /proc): then iptables itself is the judge.
   */
  static boolean hasNetAdmin(String procStatus) {
    for (String line : procStatus.split("\n")) {
      if (line.startsWith("CapEff:")) {
        BigInteger effective = new BigInteger(line.substring("CapEff:".length()).trim(), 16);
        return effective.testBit(CAP_NET_ADMIN);
      }
    }
    return true;
  }

  /**
   * True when iptables' error says the kernel refused (EPERM/EACCES): the message differs between
   * the legacy and nft front ends and between versions, so every known form is listed.
   */
  static boolean isPermissionError(String iptablesOutput) {
    String text = iptablesOutput.toLowerCase(java.util.Locale.ROOT);
    return text.contains("permission denied")
        || text.contains("operation not permitted")
        || text.contains("you must be root");
  }
}
