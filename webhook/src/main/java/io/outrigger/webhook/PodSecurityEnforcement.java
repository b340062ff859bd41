package io.outrigger.webhook;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Pod Security Standard a namespace enforces, read from its labels as the Pod Security
 * admission plugin reads them. Only the {@code enforce} mode refuses pods ({@code warn} and {@code
 * audit} only report), so only it decides what may be injected.
 *
 * @param level the enforced level
 * @param versionMinor the minor version of the standard ({@code v1.N}), {@link #LATEST} for
 *     "latest"
 */
public record PodSecurityEnforcement(Level level, int versionMinor) {

  public static final String ENFORCE_LABEL = "pod-security.kubernetes.io/enforce";
  public static final String ENFORCE_VERSION_LABEL = "pod-security.kubernetes.io/enforce-version";

  /** "latest": every check of the server's release, also those newer than any pinned version. */
  public static final int LATEST = Integer.MAX_VALUE;

  /**
   * What a namespace without labels gets from a cluster whose admission configuration is left at
   * its defaults.
   */
  public static final PodSecurityEnforcement PRIVILEGED =
      new PodSecurityEnforcement(Level.PRIVILEGED, LATEST);

  // The plugin's own pattern: "v1." and a minor without leading zeros.
  private static final Pattern VERSION = Pattern.compile("v1\\.(0|[1-9][0-9]{0,8})");

  /** The three levels of the Pod Security Standards, least strict first. */
  public enum Level {
    PRIVILEGED,
    BASELINE,
    RESTRICTED;

    /** The label value. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * The level {@code namespaceLabels} enforce, {@code clusterDefault} where they set none. A value
   * the plugin cannot parse counts as it does there: level {@code restricted}, version {@code
   * latest} (it fails closed for enforce, so the pod would be judged by the strictest rules).
   */
  public static PodSecurityEnforcement of(
      Map<String, String> namespaceLabels, PodSecurityEnforcement clusterDefault) {
    Map<String, String> labels = namespaceLabels == null ? Map.of() : namespaceLabels;
    Level level = clusterDefault.level();
    int version = clusterDefault.versionMinor();
    String levelLabel = labels.get(ENFORCE_LABEL);
    if (levelLabel != null) {
      level = parseLevel(levelLabel);
    }
    String versionLabel = labels.get(ENFORCE_VERSION_LABEL);
    if (versionLabel != null) {
      version = parseVersion(versionLabel);
    }
    return new PodSecurityEnforcement(level, version);
  }

  /** The same on a cluster whose Pod Security defaults are Kubernetes' own (privileged). */
  public static PodSecurityEnforcement of(Map<String, String> namespaceLabels) {
    return of(namespaceLabels, PRIVILEGED);
  }

  /** {@code privileged}, {@code baseline} or {@code restricted}; anything else is restricted. */
  public static Level parseLevel(String value) {
    for (Level level : Level.values()) {
      if (level.label().equals(value)) {
        return level;
      }
    }
    return Level.RESTRICTED;
  }

  /** {@code latest} or {@code v1.N}; anything else is latest. */
  public static int parseVersion(String value) {
    Matcher matcher = VERSION.matcher(value == null ? "" : value);
    return matcher.matches() ? Integer.parseInt(matcher.group(1)) : LATEST;
  }

  /**
   * Whether the level admits the iptables init container (root, {@code NET_ADMIN}, {@code
   * NET_RAW}). Only privileged does, at every version: baseline has refused capabilities outside
   * the container runtime's default set since v1.0, and neither capability is in it.
   */
  public boolean admitsIptablesInit() {
    return level == Level.PRIVILEGED;
  }

  /** {@code latest} or {@code v1.N}. */
  public String version() {
    return versionMinor == LATEST ? "latest" : "v1." + versionMinor;
  }

  /** As people read it: {@code "restricted" (latest)}. */
  public String describe() {
    return "\"" + level.label() + "\" (" + version() + ")";
  }
}
