package io.outrigger.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.outrigger.config.Defaults;

/** CPU and memory requests and limits of the sidecar container, as Kubernetes quantities. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SidecarResourcesSpec {

  @JsonPropertyDescription("CPU request, e.g. 50m.")
  @Default(Defaults.SIDECAR_CPU_REQUEST)
  @Pattern("^[0-9]+(\\.[0-9]+)?(m|k|M|G|T|Ki|Mi|Gi|Ti)?$")
  private String cpuRequest;

  @JsonPropertyDescription("CPU limit; empty: none, so the proxy is never throttled below the app.")
  @Pattern("^[0-9]+(\\.[0-9]+)?(m|k|M|G|T|Ki|Mi|Gi|Ti)?$")
  private String cpuLimit;

  @JsonPropertyDescription("Memory request, e.g. 64Mi.")
  @Default(Defaults.SIDECAR_MEMORY_REQUEST)
  @Pattern("^[0-9]+(\\.[0-9]+)?(m|k|M|G|T|Ki|Mi|Gi|Ti)?$")
  private String memoryRequest;

  @JsonPropertyDescription("Memory limit, e.g. 128Mi.")
  @Default(Defaults.SIDECAR_MEMORY_LIMIT)
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
