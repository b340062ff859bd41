package io.outrigger.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;
import io.outrigger.api.v1alpha1.spec.ObservabilityPolicySpec;
import io.outrigger.api.v1alpha1.status.ObservabilityPolicyStatus;

/**
 * An app team's request for observability: which pods get a sidecar and what the sidecar does for
 * them.
 */
@Group(ObservabilityPolicy.GROUP)
@Version(ObservabilityPolicy.VERSION)
@Plural(ObservabilityPolicy.PLURAL)
@ShortNames("obspol")
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Valid",
    jsonPath = ".status.conditions[?(@.type==\"Valid\")].status",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Degraded",
    jsonPath = ".status.conditions[?(@.type==\"Degraded\")].status",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Matched",
    jsonPath = ".status.matchedPods",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Injected",
    jsonPath = ".status.injectedPods",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Healthy",
    jsonPath = ".status.readyPods",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Outdated",
    jsonPath = ".status.outdatedPods",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Missed",
    jsonPath = ".status.missedPods",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class ObservabilityPolicy
    extends CustomResource<ObservabilityPolicySpec, ObservabilityPolicyStatus>
    implements Namespaced {

  public static final String GROUP = "outrigger.io";
  public static final String VERSION = "v1alpha1";
  public static final String PLURAL = "observabilitypolicies";
  public static final String CRD_NAME = PLURAL + "." + GROUP;

  @Override
  protected ObservabilityPolicySpec initSpec() {
    return new ObservabilityPolicySpec();
  }
}
