package io.outrigger.operator.reconciler;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.outrigger.api.Names;
import io.outrigger.api.policy.EffectivePolicy;
import io.outrigger.api.v1alpha1.ObservabilityPolicy;
import io.outrigger.api.v1alpha1.status.ObservabilityPolicyStatus;
import io.outrigger.api.validation.PolicyValidator;
import io.outrigger.api.validation.Violation;
import io.outrigger.operator.OperatorNames;
import io.outrigger.operator.OperatorSettings;
import io.outrigger.operator.report.ReportSummary;
import io.outrigger.operator.status.PolicyObservations;
import io.outrigger.operator.status.PolicyStatusBuilder;
import io.outrigger.webhook.InterceptionChoice;
import io.outrigger.webhook.LabelSelectorMatcher;
import io.outrigger.webhook.PodSecurityEnforcement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Reconciles an {@link ObservabilityPolicy}: validate, resolve (render and hash its sidecar
 * config), count its pods, and write the status only when it changed. Writes no object of its own:
 * the webhook puts the config into each pod and the report answers carry newer ones (ADR 0010).
 * Thin on purpose: the logic lives in {@link PolicyValidator}, {@link PodCensus} and {@link
 * PolicyStatusBuilder}.
 */
@ControllerConfiguration(name = ObservabilityPolicyReconciler.NAME)
public class ObservabilityPolicyReconciler implements Reconciler<ObservabilityPolicy> {

  public static final String NAME = "observabilitypolicy";
  static final String OPTED_IN_PODS = "opted-in-pods";
  static final String INJECTED_PODS = "injected-pods";
  static final String SIBLING_POLICIES = "sibling-policies";

  private final OperatorSettings settings;
  private final ResolvedPolicies resolved;
  private final Function<String, Map<String, String>> namespaceLabels;
  private final ReportSummary.Source reports;
  private final PolicyEvents events;
  private final ReconcileMetrics metrics;
  private final Clock clock;
  private final EventSource<?, ObservabilityPolicy> reportEvents;
  private final EventSource<?, ObservabilityPolicy> namespaceEvents;
  private final StatusWriteSpacing spacing;
  // The pod informers, once JOSDK asked for them: sidecar tokens are checked against them.
  private volatile List<InformerEventSource<Pod, ObservabilityPolicy>> podSources = List.of();

  /**
   * @param reportEvents triggers reconciles when sidecars report (throttled per policy)
   * @param namespaceEvents triggers reconciles of a namespace's policies when its labels change
   */
  public ObservabilityPolicyReconciler(
      OperatorSettings settings,
      ResolvedPolicies resolved,
      Function<String, Map<String, String>> namespaceLabels,
      ReportSummary.Source reports,
      EventSource<?, ObservabilityPolicy> reportEvents,
      EventSource<?, ObservabilityPolicy> namespaceEvents,
      PolicyEvents events,
      ReconcileMetrics metrics,
      Clock clock) {
    this.settings = settings;
    this.resolved = resolved;
    this.reportEvents = reportEvents;
    this.namespaceEvents = namespaceEvents;
    this.namespaceLabels = namespaceLabels;
    this.reports = reports;
    this.events = events;
    this.metrics = metrics;
    this.clock = clock;
    this.spacing = new StatusWriteSpacing(settings.statusInterval());
  }

  @Override
  public UpdateControl<ObservabilityPolicy> reconcile(
      ObservabilityPolicy policy, Context<ObservabilityPolicy> context) {
    long start = System.nanoTime();
    try {
      return reconcileTimed(policy, context);
    } catch (RuntimeException e) {
      metrics.error();
      throw e;
    } finally {
      metrics.reconciled(System.nanoTime() - start);
    }
  }

  private UpdateControl<ObservabilityPolicy> reconcileTimed(
      ObservabilityPolicy policy, Context<ObservabilityPolicy> context) {
    String namespace = policy.getMetadata().getNamespace();
    String name = policy.getMetadata().getName();

    // 1. Validate and resolve: an invalid policy renders nothing (its sidecars keep their config).
    List<Violation> violations = PolicyValidator.validate(policy.getSpec());
    Optional<EffectivePolicy> self = Optional.empty();
    if (violations.isEmpty()) {
      self = Optional.ofNullable(resolved.resolveOrNull(policy));
    } else {
      events.warn(policy, OperatorNames.REASON_INVALID, PolicyValidator.describe(violations));
    }

    // 3. Count pods, with the webhook's rules and the namespace's valid policies.
    List<EffectivePolicy> siblings =
        context
            .getPrimaryCache()
            .list(namespace)
            .map(resolved::resolveOrNull)
            .filter(Objects::nonNull)
            .toList();
    ReportSummary reported = reports.summarize(namespace, name);
    if (reported.lastReport().isEmpty() && reports.warmingUp()) {
      // Nothing heard yet since this replica started (or started leading): not "no errors".
      reported = ReportSummary.shownIn(policy.getStatus());
    }
    PodCensus census =
        PodCensus.count(
            name,
            self,
            self.map(EffectivePolicy::configHash),
            reported.running(),
            settings.sidecarVersion(),
            siblings,
            pods(context, namespace),
            namespaceLabels,
            settings.excludedNamespaces());
    for (Pod missed : census.missed()) {
      events.warn(
          missed,
          OperatorNames.REASON_SIDECAR_MISSING,
          "opted in to Outrigger (policy "
              + name
              + ") but created without a sidecar, probably while the webhook was unreachable;"
              + " recreate the pod to inject it");
    }
    metrics.missed(namespace, name, census.counts().missed());

    // 4. What the namespace's Pod Security level leaves of the policy's interception: the pods
    //    would be refused after the webhook, so they get port instead; the policy says so.
    Optional<String> fallback =
        self.flatMap(
            p ->
                InterceptionChoice.forPolicy(
                    p, PodSecurityEnforcement.of(namespaceLabels.apply(namespace))));
    fallback.ifPresent(why -> events.warn(policy, OperatorNames.REASON_POD_SECURITY, why));

    // 5. Status, written only when it changed.
    ObservabilityPolicyStatus status =
        PolicyStatusBuilder.build(
            policy.getStatus(),
            new PolicyObservations(
                policy.getMetadata().getGeneration() == null
                    ? 0
                    : policy.getMetadata().getGeneration(),
                violations,
                self.map(EffectivePolicy::configHash),
                census.counts(),
                census.winners(),
                reported.errors(),
                reported.lastReport(),
                fallback,
                clock.instant()));
    if (!PolicyStatusBuilder.worthWriting(status, policy.getStatus())) {
      return UpdateControl.noUpdate();
    }
    // Spaced: at most one write per policy per interval, except that a spec edit (a new
    // observedGeneration) is shown at once: someone is waiting for it.
    ResourceID id = ResourceID.fromResource(policy);
    boolean newGeneration =
        policy.getStatus() == null
            || !Objects.equals(
                policy.getStatus().getObservedGeneration(), status.getObservedGeneration());
    if (newGeneration) {
      spacing.wrote(id, clock.instant());
    } else {
      Optional<Duration> wait = spacing.reserve(id, clock.instant());
      if (wait.isPresent()) {
        return UpdateControl.<ObservabilityPolicy>noUpdate().rescheduleAfter(wait.get());
      }
    }
    metrics.statusWrite();
    policy.setStatus(status);
    return UpdateControl.patchStatus(policy);
  }

  private static List<Pod> pods(Context<ObservabilityPolicy> context, String namespace) {
    List<Pod> pods = new ArrayList<>();
    for (String source : List.of(OPTED_IN_PODS, INJECTED_PODS)) {
      InformerEventSource<Pod, ObservabilityPolicy> informer =
          (InformerEventSource<Pod, ObservabilityPolicy>)
              context.eventSourceRetriever().getEventSourceFor(Pod.class, source);
      // The informer's namespace index: list(namespace) would filter the whole cache on every
      // reconcile.
      pods.addAll(informer.byIndex(Cache.NAMESPACE_INDEX, namespace));
    }
    return pods;
  }

  @Override
  public List<EventSource<?, ObservabilityPolicy>> prepareEventSources(
      EventSourceContext<ObservabilityPolicy> context) {
    // A pod counts for the policy that injected it and the policies that select it (missed or
    // lost to another); a sibling policy can change who wins in its whole namespace.
    SecondaryToPrimaryMapper<Pod> podToPolicies = pod -> policiesOf(context, pod);
    SecondaryToPrimaryMapper<ObservabilityPolicy> policyToSiblings =
        other -> policiesIn(context, other, other.getMetadata().getName());
    InformerEventSource<Pod, ObservabilityPolicy> optedIn =
        podSource(context, OPTED_IN_PODS, OperatorNames.OPTED_IN_PODS, podToPolicies);
    InformerEventSource<Pod, ObservabilityPolicy> injected =
        podSource(context, INJECTED_PODS, OperatorNames.INJECTED_PODS, podToPolicies);
    podSources = List.of(injected, optedIn);
    return List.of(
        optedIn,
        injected,
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(
                    ObservabilityPolicy.class, ObservabilityPolicy.class)
                .withName(SIBLING_POLICIES)
                .withNamespacesInheritedFromController()
                .withSecondaryToPrimaryMapper(policyToSiblings)
                // Only what changes the contest: spec edits, creation, deletion; not status.
                .withOnUpdateFilter(
                    (updated, old) ->
                        !Objects.equals(
                            updated.getMetadata().getGeneration(),
                            old.getMetadata().getGeneration()))
                .build(),
            context),
        reportEvents,
        namespaceEvents);
  }

  /**
   * The pod as the pod informers hold it (injected or opted-in pods only); empty when they do not
   * hold it, or have not started (a standby replica, or before the Lease is won).
   */
  public Optional<Pod> cachedPod(String namespace, String name) {
    ResourceID id = new ResourceID(name, namespace);
    for (InformerEventSource<Pod, ObservabilityPolicy> source : podSources) {
      try {
        Optional<Pod> pod = source.get(id);
        if (pod.isPresent()) {
          return pod;
        }
      } catch (RuntimeException e) {
        // Not started or stopped: the caller asks the API server instead.
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  private static InformerEventSource<Pod, ObservabilityPolicy> podSource(
      EventSourceContext<ObservabilityPolicy> context,
      String name,
      String labelKey,
      SecondaryToPrimaryMapper<Pod> mapper) {
    return new InformerEventSource<>(
        InformerEventSourceConfiguration.from(Pod.class, ObservabilityPolicy.class)
            .withName(name)
            // Only pods that opted in by label or were injected: the rest of the cluster's pods
            // never reach the operator's memory.
            .withLabelSelector(labelKey)
            .withNamespacesInheritedFromController()
            .withSecondaryToPrimaryMapper(mapper)
            .build(),
        context);
  }

  /**
   * The policies whose census {@code pod} is part of: the one named in its injection status or its
   * {@code outrigger.io/policy} annotation, and every valid policy of its namespace whose selector
   * matches its labels, so a pod event makes only the policies it concerns recount, not every
   * policy of its namespace.
   */
  private Set<ResourceID> policiesOf(EventSourceContext<ObservabilityPolicy> context, Pod pod) {
    String namespace = pod.getMetadata().getNamespace();
    Map<String, String> labels =
        pod.getMetadata().getLabels() == null ? Map.of() : pod.getMetadata().getLabels();
    Map<String, String> annotations =
        pod.getMetadata().getAnnotations() == null ? Map.of() : pod.getMetadata().getAnnotations();
    String owner = PodCensus.injectionStatus(annotations).map(s -> s.policy()).orElse(null);
    String named = annotations.get(Names.POLICY);
    return context
        .getPrimaryCache()
        .list(namespace)
        .filter(
            policy -> {
              String name = policy.getMetadata().getName();
              if (name.equals(owner) || name.equals(named)) {
                return true;
              }
              EffectivePolicy effective = resolved.resolveOrNull(policy);
              return effective != null
                  && LabelSelectorMatcher.matches(effective.selector(), labels);
            })
        .map(policy -> new ResourceID(policy.getMetadata().getName(), namespace))
        .collect(Collectors.toSet());
  }

  private static Set<ResourceID> policiesIn(
      EventSourceContext<ObservabilityPolicy> context, HasMetadata object, String except) {
    String namespace = object.getMetadata().getNamespace();
    Stream<ObservabilityPolicy> policies = context.getPrimaryCache().list(namespace);
    return policies
        .map(p -> p.getMetadata().getName())
        .filter(n -> !n.equals(except))
        .map(n -> new ResourceID(n, namespace))
        .collect(Collectors.toSet());
  }
}
