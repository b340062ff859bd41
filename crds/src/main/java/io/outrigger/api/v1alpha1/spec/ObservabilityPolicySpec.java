package io.outrigger.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.kubernetes.api.model.LabelSelector;

/** What an ObservabilityPolicy asks of the sidecars it injects. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ObservabilityPolicySpec {

  @JsonPropertyDescription(
      "Pods in this namespace the policy applies to, by label. Empty selects every opted-in pod of the namespace. A pod can name a policy instead with the annotation outrigger.io/policy.")
  @SchemaFrom(type = PodSelectorSchema.class)
  private LabelSelector selector;

  @JsonPropertyDescription(
      "When several policies select one pod, the highest priority wins; ties go to the oldest policy, then to the name. The others get a Conflict condition naming the winner.")
  @Default("0")
  @Min(-1000)
  @Max(1000)
  private Integer priority;

  @JsonPropertyDescription("How the sidecar is placed in the pod and how traffic reaches it.")
  @Default("{}")
  private InjectionSpec injection;

  @JsonPropertyDescription(
      "The inbound proxy in front of the app (trace context, request metrics, limits) and the outbound ambassador.")
  @Default("{}")
  private ProxySpec proxy;

  @JsonPropertyDescription(
      "Scraping, enriching and exporting the app's Prometheus metrics. On unless disabled.")
  @Default("{}")
  private MetricsSpec metrics;

  @JsonPropertyDescription(
      "Tailing and forwarding the app's log files. Off unless this section is given.")
  private LogsSpec logs;

  @JsonPropertyDescription(
      "Trace-context propagation, sampling and span export. Propagation is on unless disabled; spans are exported only when an exporter is set.")
  @Default("{}")
  private TracingSpec tracing;

  @JsonPropertyDescription("Probe rewriting and the sidecar's readiness.")
  @Default("{}")
  private HealthSpec health;

  public LabelSelector getSelector() {
    return selector;
  }

  public void setSelector(LabelSelector selector) {
    this.selector = selector;
  }

  public Integer getPriority() {
    return priority;
  }

  public void setPriority(Integer priority) {
    this.priority = priority;
  }

  public InjectionSpec getInjection() {
    return injection;
  }

  public void setInjection(InjectionSpec injection) {
    this.injection = injection;
  }

  public ProxySpec getProxy() {
    return proxy;
  }

  public void setProxy(ProxySpec proxy) {
    this.proxy = proxy;
  }

  public MetricsSpec getMetrics() {
    return metrics;
  }

  public void setMetrics(MetricsSpec metrics) {
    this.metrics = metrics;
  }

  public LogsSpec getLogs() {
    return logs;
  }

  public void setLogs(LogsSpec logs) {
    this.logs = logs;
  }

  public TracingSpec getTracing() {
    return tracing;
  }

  public void setTracing(TracingSpec tracing) {
    this.tracing = tracing;
  }

  public HealthSpec getHealth() {
    return health;
  }

  public void setHealth(HealthSpec health) {
    this.health = health;
  }
}
