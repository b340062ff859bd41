package io.outrigger.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Size;
import io.outrigger.api.v1alpha1.SidecarMode;
import io.outrigger.config.InterceptionMode;
import java.util.List;

/** How the sidecar is placed in the pod and how traffic reaches it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class InjectionSpec {

  @JsonPropertyDescription(
      "native: an init container with restartPolicy Always, where the API server and every kubelet that may run the pod are 1.29+ (else classic). classic: a regular first container that holds the app until it is ready and, in Jobs, exits after the app. auto: the same as native.")
  @Default("auto")
  private SidecarMode sidecarMode;

  @JsonPropertyDescription(
      "iptables: an init container (NET_ADMIN, NET_RAW) redirects the app ports to the sidecar; in a namespace that enforces Pod Security baseline or restricted, which refuse it, pods get port instead (condition InterceptionFallback). port: no privileges; the app's named container ports move to the sidecar, so Services that target a port by name reach it. none: nothing is redirected.")
  @Default("iptables")
  private InterceptionMode interception;

  @JsonPropertyDescription(
      "App ports to proxy. Empty: every TCP containerPort of the app containers. At most 14.")
  @Size(max = 14)
  private List<Integer> inboundPorts;

  @JsonPropertyDescription("App ports that bypass the sidecar.")
  @Size(max = 64)
  private List<Integer> skipInboundPorts;

  @JsonPropertyDescription(
      "Redirect the app's outbound TCP through the ambassador on 127.0.0.1:15001 (iptables mode only).")
  @Default("false")
  private Boolean captureOutbound;

  @JsonPropertyDescription(
      "IPv4 destinations the outbound capture leaves alone: CIDRs (10.0.0.0/8) or addresses (169.254.169.254). IPv6 is refused: capture is IPv4 only, so IPv6 traffic is never captured.")
  @Size(max = 64)
  private List<String> excludeOutboundCIDRs;

  @JsonPropertyDescription("Destination ports the outbound capture leaves alone.")
  @Size(max = 64)
  private List<Integer> excludeOutboundPorts;

  @JsonPropertyDescription("Sidecar image; empty: the one the operator was installed with.")
  private String image;

  @JsonPropertyDescription(
      "Sidecar CPU and memory; pod annotations outrigger.io/sidecar-* override them per pod.")
  private SidecarResourcesSpec resources;

  public SidecarMode getSidecarMode() {
    return sidecarMode;
  }

  public void setSidecarMode(SidecarMode sidecarMode) {
    this.sidecarMode = sidecarMode;
  }

  public InterceptionMode getInterception() {
    return interception;
  }

  public void setInterception(InterceptionMode interception) {
    this.interception = interception;
  }

  public List<Integer> getInboundPorts() {
    return inboundPorts;
  }

  public void setInboundPorts(List<Integer> inboundPorts) {
    this.inboundPorts = inboundPorts;
  }

  public List<Integer> getSkipInboundPorts() {
    return skipInboundPorts;
  }

  public void setSkipInboundPorts(List<Integer> skipInboundPorts) {
    this.skipInboundPorts = skipInboundPorts;
  }

  public Boolean getCaptureOutbound() {
    return captureOutbound;
  }

  public void setCaptureOutbound(Boolean captureOutbound) {
    this.captureOutbound = captureOutbound;
  }

  public List<String> getExcludeOutboundCIDRs() {
    return excludeOutboundCIDRs;
  }

  public void setExcludeOutboundCIDRs(List<String> excludeOutboundCIDRs) {
    this.excludeOutboundCIDRs = excludeOutboundCIDRs;
  }

  public List<Integer> getExcludeOutboundPorts() {
    return excludeOutboundPorts;
  }

  public void setExcludeOutboundPorts(List<Integer> excludeOutboundPorts) {
    this.excludeOutboundPorts = excludeOutboundPorts;
  }

  public String getImage() {
    return image;
  }

  public void setImage(String image) {
    this.image = image;
  }

  public SidecarResourcesSpec getResources() {
    return resources;
  }

  public void setResources(SidecarResourcesSpec resources) {
    this.resources = resources;
  }
}
