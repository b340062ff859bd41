package io.outrigger.operator.reconciler;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.outrigger.api.Names;
import io.outrigger.api.policy.EffectivePolicy;
import io.outrigger.api.policy.PolicyResolver;
import io.outrigger.api.v1alpha1.ObservabilityPolicy;
import io.outrigger.config.SidecarConfigCodec;
import io.outrigger.operator.OperatorNames;
import io.outrigger.webhook.InjectedNames;

/**
 * The ConfigMap {@code outrigger-<policy>} holding the policy's {@code sidecar.json}, which the
 * webhook mounts into every sidecar of the policy. Owned by the policy (deleted with it); JOSDK
 * creates, updates and watches it, this class only says what it should look like.
 */
@KubernetesDependent(informer = @Informer(labelSelector = OperatorNames.MANAGED_SELECTOR))
public class SidecarConfigMapDependent
    extends CRUDKubernetesDependentResource<ConfigMap, ObservabilityPolicy> {

  /** Workflow context key of the CA bundle sidecars trust for reports (the reconciler puts it). */
  static final String REPORT_CA = "report-ca";

  public SidecarConfigMapDependent() {
    super(ConfigMap.class);
  }

  @Override
  protected ConfigMap desired(ObservabilityPolicy policy, Context<ObservabilityPolicy> context) {
    // The reconciler runs the workflow only for valid policies, so this resolves.
    EffectivePolicy effective = PolicyResolver.resolve(policy);
    String hash = effective.configHash();
    ConfigMapBuilder configMap =
        new ConfigMapBuilder()
            .withNewMetadata()
            .withName(effective.configMapName())
            .withNamespace(effective.namespace())
            .addToLabels(OperatorNames.MANAGED_BY_LABEL, OperatorNames.COMPONENT)
            .addToLabels(OperatorNames.POLICY_LABEL, effective.name())
            // The hash is a label too, so `kubectl get cm -L outrigger.io/config-hash` shows it.
            .addToLabels(OperatorNames.CONFIG_HASH, hash)
            .addToAnnotations(OperatorNames.CONFIG_HASH, hash)
            .endMetadata()
            .addToData(Names.CONFIG_KEY, SidecarConfigCodec.toJson(effective.sidecar()));
    // Not part of the config hash: a rotated CA must not make every pod outdated.
    context
        .managedWorkflowAndDependentResourceContext()
        .get(REPORT_CA, String.class)
        .ifPresent(ca -> configMap.addToData(InjectedNames.REPORT_CA_KEY, ca));
    return configMap.build();
  }
}
