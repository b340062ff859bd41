package io.outrigger.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/** Scraping, enriching and exporting the app's metrics. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class MetricsSpec {

  @JsonPropertyDescription(
      "Collect metrics. The sidecar's own request metrics are on 15020/metrics whenever the proxy runs.")
  @Default("true")
  private Boolean enabled;

  @JsonPropertyDescription(
      "Where the app exposes Prometheus metrics. Absent: taken from the pod's prometheus.io/* annotations, if any.")
  private ScrapeSpec scrape;

  @JsonPropertyDescription(
      "Pod label keys copied onto every series, besides namespace, pod, node, container and workload.")
  @Size(max = 32)
  private List<String> podLabels;

  @JsonPropertyDescription("Series kept per scrape; beyond it series are dropped and counted.")
  @Default("50000")
  @Min(1)
  @Max(10000000)
  private Integer maxSeries;

  @JsonPropertyDescription("Longer label values are cut to this length and counted.")
  @Default("1024")
  @Min(16)
  @Max(65536)
  private Integer maxLabelValueLength;

  @JsonPropertyDescription(
      "Push to a Prometheus Pushgateway; the pod's group is deleted on shutdown.")
  private PushgatewaySpec pushgateway;

  @JsonPropertyDescription("Send to a Prometheus remote-write endpoint.")
  private RemoteWriteSpec remoteWrite;

  @JsonPropertyDescription("Send as OTLP metrics over HTTP/protobuf.")
  private OtlpMetricsSpec otlp;

  @JsonPropertyDescription(
      "Listen for StatsD on UDP and expose what arrives with the other series.")
  private StatsdSpec statsd;

  public Boolean getEnabled() {
    return enabled;
  }

  public void setEnabled(Boolean enabled) {
    this.enabled = enabled;
  }

  public ScrapeSpec getScrape() {
    return scrape;
  }

  public void setScrape(ScrapeSpec scrape) {
    this.scrape = scrape;
  }

  public List<String> getPodLabels() {
    return podLabels;
  }

  public void setPodLabels(List<String> podLabels) {
    this.podLabels = podLabels;
  }

  public Integer getMaxSeries() {
    return maxSeries;
  }

  public void setMaxSeries(Integer maxSeries) {
    this.maxSeries = maxSeries;
  }

  public Integer getMaxLabelValueLength() {
    return maxLabelValueLength;
  }

  public void setMaxLabelValueLength(Integer maxLabelValueLength) {
    this.maxLabelValueLength = maxLabelValueLength;
  }

  public PushgatewaySpec getPushgateway() {
    return pushgateway;
  }

  public void setPushgateway(PushgatewaySpec pushgateway) {
    this.pushgateway = pushgateway;
  }

  public RemoteWriteSpec getRemoteWrite() {
    return remoteWrite;
  }

  public void setRemoteWrite(RemoteWriteSpec remoteWrite) {
    this.remoteWrite = remoteWrite;
  }

  public OtlpMetricsSpec getOtlp() {
    return otlp;
  }

  public void setOtlp(OtlpMetricsSpec otlp) {
    this.otlp = otlp;
  }

  public StatsdSpec getStatsd() {
    return statsd;
  }

  public void setStatsd(StatsdSpec statsd) {
    this.statsd = statsd;
  }
}
