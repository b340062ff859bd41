package io.outrigger.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import io.outrigger.config.Propagator;
import java.util.List;
import java.util.Map;

/** Trace context, sampling and span export. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TracingSpec {

  @JsonPropertyDescription(
      "Make server spans and propagate context. When false, headers pass through untouched.")
  @Default("true")
  private Boolean enabled;

  @JsonPropertyDescription(
      "Share of new traces sampled (0 to 1); incoming sampling decisions are honoured (parent-based).")
  @Default("0.01")
  @Min(0)
  @Max(1)
  private Double samplingRatio;

  @JsonPropertyDescription(
      "Header formats read and written, in order; default: tracecontext, baggage.")
  @Size(min = 1, max = 6)
  private List<Propagator> propagators;

  @JsonPropertyDescription(
      "service.name of spans and OTLP metrics; it wins over the pod's"
          + " resource.opentelemetry.io/service.name annotation and its labels. Default: as the"
          + " OpenTelemetry Kubernetes conventions say (the annotation, the well-known labels when"
          + " wellKnownLabels is on, the workload, the pod).")
  private String serviceName;

  @JsonPropertyDescription("Where spans go; absent: nowhere (context still propagates).")
  private TraceExporterSpec exporter;

  @JsonPropertyDescription(
      "Extra OpenTelemetry resource attributes; they win over the pod's"
          + " resource.opentelemetry.io/* annotations and the computed service.* and k8s.* ones.")
  private Map<String, String> resourceAttributes;

  @JsonPropertyDescription(
      "Take service.name from the pod's app.kubernetes.io/instance (else app.kubernetes.io/name)"
          + " label and service.version from app.kubernetes.io/version, as the OpenTelemetry"
          + " Kubernetes conventions say, which ask for this to be opt-in.")
  @Default("false")
  private Boolean wellKnownLabels;

  @JsonPropertyDescription(
      "HTTP methods recorded as they are in spans and OTLP metrics; any other is recorded as"
          + " _OTHER (with the real one in http.request.method_original) and names its span HTTP."
          + " Replaces the default list: CONNECT, DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT,"
          + " QUERY, TRACE.")
  @Size(min = 1, max = 64)
  private List<String> httpKnownMethods;

  public Boolean getEnabled() {
    return enabled;
  }

  public void setEnabled(Boolean enabled) {
    this.enabled = enabled;
  }

  public Double getSamplingRatio() {
    return samplingRatio;
  }

  public void setSamplingRatio(Double samplingRatio) {
    this.samplingRatio = samplingRatio;
  }

  public List<Propagator> getPropagators() {
    return propagators;
  }

  public void setPropagators(List<Propagator> propagators) {
    this.propagators = propagators;
  }

  public String getServiceName() {
    return serviceName;
  }

  public void setServiceName(String serviceName) {
    this.serviceName = serviceName;
  }

  public TraceExporterSpec getExporter() {
    return exporter;
  }

  public void setExporter(TraceExporterSpec exporter) {
    this.exporter = exporter;
  }

  public Boolean getWellKnownLabels() {
    return wellKnownLabels;
  }

  public void setWellKnownLabels(Boolean wellKnownLabels) {
    this.wellKnownLabels = wellKnownLabels;
  }

  public List<String> getHttpKnownMethods() {
    return httpKnownMethods;
  }

  public void setHttpKnownMethods(List<String> httpKnownMethods) {
    this.httpKnownMethods = httpKnownMethods;
  }

  public Map<String, String> getResourceAttributes() {
    return resourceAttributes;
  }

  public void setResourceAttributes(Map<String, String> resourceAttributes) {
    this.resourceAttributes = resourceAttributes;
  }
}
