package io.outrigger.config.interception;

import java.util.Locale;

/**
 * The two netfilter front ends an image may carry. Rules written through one are invisible to the
 * other's save command, and a node runs one of them (kube-proxy, the CNI); the pod's rules should
 * use the same.
 */
public enum IptablesBackend {
  NFT("iptables-nft"),
  LEGACY("iptables-legacy");

  private final String binary;

  IptablesBackend(String binary) {
    this.binary = binary;
  }

  public String save() {
    return binary + "-save";
  }

  public String restore() {
    return binary + "-restore";
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The backend to use, like Istio's and kube-proxy's detection: the one that already holds rules
   * wins (the node's or CNI's choice); with none or both equally, what {@code iptables --version}
   * names as the image's default; else nft, Debian's default since bookworm.
   *
   * @param legacyRules count of {@code -A} lines {@code iptables-legacy-save} printed (-1: missing)
   * @param nftRules the same for {@code iptables-nft-save}
   * @param defaultVersion output of {@code iptables --version}, or null when absent
   */
  public static IptablesBackend detect(int legacyRules, int nftRules, String defaultVersion) {
    if (legacyRules < 0 && nftRules < 0) {
      throw new IllegalStateException(
          "neither iptables-nft-save nor iptables-legacy-save runs; install the iptables package");
    }
    if (nftRules < 0) {
      return LEGACY;
    }
    if (legacyRules < 0) {
      return NFT;
    }
    if (legacyRules != nftRules) {
      return legacyRules > nftRules ? LEGACY : NFT;
    }
    if (defaultVersion != null && defaultVersion.contains("(legacy)")) {
      return LEGACY;
    }
    return NFT;
  }

  /** Parses {@code --iptables-backend}: auto (null), nft or legacy. */
  public static IptablesBackend parse(String text) {
    return switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "auto", "" -> null;
      case "nft" -> NFT;
      case "legacy" -> LEGACY;
      default ->
          throw new IllegalArgumentException(
              "--iptables-backend must be auto, nft or legacy, was '" + text + "'");
    };
  }

  /** Counts the rules ({@code -A} lines) in an {@code iptables-save} output. */
  public static int countRules(String save) {
    return (int) save.lines().filter(l -> l.startsWith("-A ")).count();
  }
}
