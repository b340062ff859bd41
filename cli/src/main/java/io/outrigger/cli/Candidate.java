package io.outrigger.cli;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.Optional;

/**
 * A pod to check: a pod itself, or the pod a workload's template makes, as the API server would
 * admit it (its namespace the workload's, else the one the command runs in).
 *
 * @param source what it came from, as kubectl names it ({@code deployment/checkout})
 */
record Candidate(String source, String namespace, Pod pod) {

  /** The pod of a manifest object; empty for a kind that makes no pods. */
  static Optional<Candidate> of(HasMetadata object, String defaultNamespace) {
    String namespace =
        object.getMetadata() != null && object.getMetadata().getNamespace() != null
            ? object.getMetadata().getNamespace()
            : defaultNamespace;
    String source = object.getKind().toLowerCase() + "/" + object.getMetadata().getName();
    Optional<PodTemplateSpec> template = template(object);
    if (object instanceof Pod pod) {
      return Optional.of(new Candidate(source, namespace, pod));
    }
    return template.map(
        t ->
            new Candidate(
                source,
                namespace,
                new PodBuilder()
                    .withMetadata(t.getMetadata() == null ? new ObjectMeta() : t.getMetadata())
                    .editMetadata()
                    .withNamespace(namespace)
                    .endMetadata()
                    .withSpec(t.getSpec())
                    .build()));
  }

  private static Optional<PodTemplateSpec> template(HasMetadata object) {
    if (object instanceof Deployment d && d.getSpec() != null) {
      return Optional.ofNullable(d.getSpec().getTemplate());
    }
    if (object instanceof StatefulSet s && s.getSpec() != null) {
      return Optional.ofNullable(s.getSpec().getTemplate());
    }
    if (object instanceof DaemonSet d && d.getSpec() != null) {
      return Optional.ofNullable(d.getSpec().getTemplate());
    }
    if (object instanceof ReplicaSet r && r.getSpec() != null) {
      return Optional.ofNullable(r.getSpec().getTemplate());
    }
    if (object instanceof Job j && j.getSpec() != null) {
      return Optional.ofNullable(j.getSpec().getTemplate());
    }
    if (object instanceof CronJob c
        && c.getSpec() != null
        && c.getSpec().getJobTemplate() != null
        && c.getSpec().getJobTemplate().getSpec() != null) {
      return Optional.ofNullable(c.getSpec().getJobTemplate().getSpec().getTemplate());
    }
    return Optional.empty();
  }
}
