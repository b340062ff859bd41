package io.outrigger.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.outrigger.config.Defaults;

/**
 * CPU and memory requests and limits of the sidecar container, as Kubernetes quantities. No schema
 * defaults: a field left out takes the cluster's default when the policy is resolved ({@code
 * SidecarResources}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SidecarResourcesSpec {

  @JsonPropertyDescription(
      "CPU request, e.g. 50m; empty: the cluster's default (the chart's sidecar.resources, "
          + Defaults.SIDECAR_CPU_REQUEST
          + " unless changed).")
  @Pattern("^[0-9]+(\\.[0-9]+)?(m|k|M|G|T|Ki|Mi|Gi|Ti)?$")
  private String cpuRequest;

  @JsonPropertyDescription(
      "CPU limit; empty: the cluster's default, which is none unless changed, so the proxy is"
          + " never throttled below the app.")
  @Pattern("^[0-9]+(\\.[0-9]+)?(m|k|M|G|T|Ki|Mi|Gi|Ti)?$")
  private String cpuLimit;

  @JsonPropertyDescription(
      "Memory request, e.g. 64Mi; empty: the cluster's default ("
          + Defaults.SIDECAR_MEMORY_REQUEST
          + " unless changed).")
  @Pattern("^[0-9]+(\\.[0-9]+)?(m|k|M|G|T|Ki|Mi|Gi|Ti)?$")
  private String memoryRequest;

  @JsonPropertyDescription(
      "Memory limit, e.g. 128Mi; empty: the cluster's default ("
          + Defaults.SIDECAR_MEMORY_LIMIT
          + " unless changed).")
  @Pattern("^[0-9]+(\\.[0-9]+)?(m|k|M|G|T|Ki|Mi|Gi|Ti)?$")
  private String memoryLimit;

  public String getCpuRequest() {
    return cpuRequest;
  }

  public void setCpuRequest(String cpuRequest) {
    this.cpuRequest = cpuRequest;
  }

  public String getCpuLimit() {
    return cpuLimit;
  }

  public void setCpuLimit(String cpuLimit) {
    this.cpuLimit = cpuLimit;
  }

  public String getMemoryRequest() {
    return memoryRequest;
  }

  public void setMemoryRequest(String memoryRequest) {
    this.memoryRequest = memoryRequest;
  }

  public String getMemoryLimit() {
    return memoryLimit;
  }

  public void setMemoryLimit(String memoryLimit) {
    this.memoryLimit = memoryLimit;
  }
}
