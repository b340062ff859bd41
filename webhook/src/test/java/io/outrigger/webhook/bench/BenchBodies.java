package io.outrigger.webhook.bench;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.outrigger.api.policy.EffectivePolicy;
import io.outrigger.api.policy.PolicyResolver;
import io.outrigger.api.v1alpha1.ObservabilityPolicy;
import io.outrigger.webhook.InjectionFixtures;
import io.outrigger.webhook.NodeKubelet;
import io.outrigger.webhook.PodJson;
import io.outrigger.webhook.admission.ClusterView;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The pods the webhook benchmark admits, each in its own namespace with its own policies: two
 * fixture pods (small: one container with a readiness probe; medium: two containers, three probe
 * kinds) and a large pod as a Deployment makes them in production (owner reference, three
 * containers with 30+ env vars, an init container, mounts, affinity, spread constraints).
 */
final class BenchBodies {
  private BenchBodies() {}

  /** A pod to admit, the namespace it is created in, and what the cluster holds for it. */
  record Body(String size, String namespace, Pod pod, List<EffectivePolicy> policies) {
    Pod podIn(String otherNamespace, String name) {
      Pod copy = PodJson.copy(pod);
      copy.getMetadata().setNamespace(otherNamespace);
      copy.getMetadata().setName(name);
      return copy;
    }
  }

  static final List<String> SIZES = List.of("small", "medium", "large");

  static Map<String, Body> all() throws IOException {
    Map<String, Body> bodies = new LinkedHashMap<>();
    bodies.put("small", fixture("small", "pod-opted-in-by-annotation"));
    bodies.put(
        "medium", fixture("medium", "startup-liveness-and-readiness-probes-of-two-containers"));
    bodies.put(
        "large",
        new Body(
            "large",
            "bench-large",
            inNamespace(Serialization.unmarshal(LARGE_POD, Pod.class), "bench-large"),
            List.of(
                PolicyResolver.resolve(
                    Serialization.unmarshal(LARGE_POLICY, ObservabilityPolicy.class)))));
    return bodies;
  }

  /** One container, no probes: the probe pods that show whether the API server calls a webhook. */
  static Pod plainPod(String name) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("app")
        .withImage("registry.local/app:1")
        .endContainer()
        .endSpec()
        .build();
  }

  private static Body fixture(String size, String name) throws IOException {
    InjectionFixtures fixture =
        InjectionFixtures.all()
            .filter(f -> f.name().equals(name))
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("no fixture " + name));
    String namespace = "bench-" + size;
    return new Body(size, namespace, inNamespace(fixture.pod(), namespace), fixture.policies());
  }

  private static Pod inNamespace(Pod pod, String namespace) {
    Pod copy = PodJson.copy(pod);
    copy.getMetadata().setNamespace(namespace);
    return copy;
  }

  /**
   * The cluster as the operator's informers would answer it: no namespace labels (every bench pod
   * opts in itself), each namespace's policies from its body.
   */
  static ClusterView clusterView(Map<String, Body> bodies, Map<String, Body> extraNamespaces) {
    Map<String, List<EffectivePolicy>> policies = new LinkedHashMap<>();
    bodies.values().forEach(b -> policies.put(b.namespace(), b.policies()));
    extraNamespaces.forEach((namespace, b) -> policies.put(namespace, b.policies()));
    return new ClusterView() {
      @Override
      public Map<String, String> namespaceLabels(String namespace) {
        return Map.of();
      }

      @Override
      public List<EffectivePolicy> policies(String namespace) {
        return policies.getOrDefault(namespace, List.of());
      }

      @Override
      public Optional<List<NodeKubelet>> kubelets() {
        return Optional.of(List.of(new NodeKubelet("bench-node", Map.of(), "v1.30.2")));
      }
    };
  }

  static final String LARGE_POLICY =
      """
      apiVersion: outrigger.io/v1alpha1
      kind: ObservabilityPolicy
      metadata:
        name: storefront
        namespace: bench-large
        creationTimestamp: "2026-01-01T00:00:00Z"
      spec:
        selector: {matchLabels: {app.kubernetes.io/part-of: storefront}}
        logs:
          paths: [/var/log/app/*.log]
          outputs: {stdout: true}
        injection:
          resources: {cpuRequest: 50m, cpuLimit: 500m, memoryRequest: 64Mi, memoryLimit: 256Mi}
      """;

  static final String LARGE_POD =
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: storefront-web-6f9c8d7b5-x2k8q
        generateName: storefront-web-6f9c8d7b5-
        labels:
          app.kubernetes.io/name: storefront-web
          app.kubernetes.io/instance: storefront-prod
          app.kubernetes.io/part-of: storefront
          app.kubernetes.io/component: web
          app.kubernetes.io/version: 2.31.4
          app.kubernetes.io/managed-by: helm
          helm.sh/chart: storefront-4.12.0
          pod-template-hash: 6f9c8d7b5
          team: checkout
          tier: frontend
          outrigger.io/inject: "true"
        annotations:
          prometheus.io/scrape: "true"
          prometheus.io/port: "9090"
          prometheus.io/path: /internal/metrics
          checksum/config: 4d9b1f0f7a0c3c5e8e0b7b2f6a1d9c3e5f7a2b4c6d8e0f1a3b5c7d9e1f3a5b7c
          checksum/secrets: 9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d
          kubectl.kubernetes.io/restartedAt: "2026-11-20T09:14:03Z"
          cluster-autoscaler.kubernetes.io/safe-to-evict: "true"
        ownerReferences:
        - apiVersion: apps/v1
          kind: ReplicaSet
          name: storefront-web-6f9c8d7b5
          uid: 5b0c1f7e-2d3a-4c8e-9f1b-7a6d5c4b3a21
          controller: true
          blockOwnerDeletion: true
      spec:
        serviceAccountName: default
        terminationGracePeriodSeconds: 45
        securityContext: {runAsNonRoot: true, runAsUser: 10001, fsGroup: 10001}
        affinity:
          podAntiAffinity:
            preferredDuringSchedulingIgnoredDuringExecution:
            - weight: 100
              podAffinityTerm:
                topologyKey: kubernetes.io/hostname
                labelSelector: {matchLabels: {app.kubernetes.io/name: storefront-web}}
          nodeAffinity:
            requiredDuringSchedulingIgnoredDuringExecution:
              nodeSelectorTerms:
              - matchExpressions:
                - {key: node.kubernetes.io/instance-type, operator: In, values: [m6i.xlarge, m6i.2xlarge]}
        topologySpreadConstraints:
        - maxSkew: 1
          topologyKey: topology.kubernetes.io/zone
          whenUnsatisfiable: ScheduleAnyway
          labelSelector: {matchLabels: {app.kubernetes.io/name: storefront-web}}
        tolerations:
        - {key: dedicated, operator: Equal, value: frontend, effect: NoSchedule}
        initContainers:
        - name: migrate
          image: registry.example.com/storefront/migrate:2.31.4
          command: [/app/migrate, --wait-for-db, --timeout=120s]
          envFrom:
          - configMapRef: {name: storefront-config}
          - secretRef: {name: storefront-db}
          resources:
            requests: {cpu: 100m, memory: 128Mi}
            limits: {cpu: "1", memory: 256Mi}
        containers:
        - name: web
          image: registry.example.com/storefront/web:2.31.4
          args: [--config=/etc/storefront/app.yaml, --log-format=json, --log-dir=/var/log/app]
          ports:
          - {name: http, containerPort: 8080}
          - {name: grpc, containerPort: 9000}
          - {name: metrics, containerPort: 9090}
          env:
          - {name: APP_ENV, value: production}
          - {name: APP_REGION, value: eu-west-1}
          - {name: APP_CLUSTER, value: prod-eu-1}
          - {name: HTTP_PORT, value: "8080"}
          - {name: GRPC_PORT, value: "9000"}
          - {name: METRICS_PORT, value: "9090"}
          - {name: LOG_LEVEL, value: info}
          - {name: DB_HOST, value: storefront-db.storefront.svc.cluster.local}
          - {name: DB_PORT, value: "5432"}
          - {name: DB_NAME, value: storefront}
          - name: DB_USER
            valueFrom: {secretKeyRef: {name: storefront-db, key: username}}
          - name: DB_PASSWORD
            valueFrom: {secretKeyRef: {name: storefront-db, key: password}}
          - {name: REDIS_URL, value: "redis://localhost:6379/0"}
          - {name: CART_SERVICE, value: "cart.storefront.svc.cluster.local:9000"}
          - {name: CATALOG_SERVICE, value: "catalog.storefront.svc.cluster.local:9000"}
          - {name: PRICING_SERVICE, value: "pricing.storefront.svc.cluster.local:9000"}
          - {name: PAYMENTS_URL, value: "https://payments.internal.example.com/v2"}
          - name: PAYMENTS_API_KEY
            valueFrom: {secretKeyRef: {name: storefront-payments, key: api-key}}
          - {name: FEATURE_FLAGS_URL, value: "http://flags.platform.svc.cluster.local:8080"}
          - {name: SESSION_TTL, value: 30m}
          - {name: CACHE_TTL, value: 5m}
          - {name: MAX_CONNECTIONS, value: "512"}
          - {name: REQUEST_TIMEOUT, value: 15s}
          - {name: JAVA_TOOL_OPTIONS, value: "-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"}
          - {name: OTEL_SERVICE_NAME, value: storefront-web}
          - {name: OTEL_RESOURCE_ATTRIBUTES, value: "deployment.environment=production,team=checkout"}
          - name: POD_NAME
            valueFrom: {fieldRef: {fieldPath: metadata.name}}
          - name: POD_NAMESPACE
            valueFrom: {fieldRef: {fieldPath: metadata.namespace}}
          - name: POD_IP
            valueFrom: {fieldRef: {fieldPath: status.podIP}}
          - name: NODE_NAME
            valueFrom: {fieldRef: {fieldPath: spec.nodeName}}
          - name: CPU_LIMIT
            valueFrom: {resourceFieldRef: {resource: limits.cpu, divisor: "1"}}
          - name: MEMORY_LIMIT
            valueFrom: {resourceFieldRef: {resource: limits.memory}}
          resources:
            requests: {cpu: 500m, memory: 1Gi}
            limits: {cpu: "2", memory: 2Gi}
          startupProbe:
            httpGet: {path: /internal/started, port: http}
            periodSeconds: 2
            failureThreshold: 60
          readinessProbe:
            httpGet: {path: /internal/ready, port: http}
            periodSeconds: 5
            timeoutSeconds: 2
          livenessProbe:
            httpGet: {path: /internal/live, port: http}
            periodSeconds: 10
            timeoutSeconds: 3
            failureThreshold: 5
          lifecycle:
            preStop:
              exec: {command: [/bin/sh, -c, sleep 10]}
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities: {drop: [ALL]}
          volumeMounts:
          - {name: config, mountPath: /etc/storefront, readOnly: true}
          - {name: tls, mountPath: /etc/storefront/tls, readOnly: true}
          - {name: tmp, mountPath: /tmp}
          - {name: cache, mountPath: /var/cache/storefront}
        - name: cache
          image: redis:7.2-alpine
          args: [--save, "", --appendonly, "no", --maxmemory, 256mb]
          ports:
          - {name: redis, containerPort: 6379}
          resources:
            requests: {cpu: 50m, memory: 64Mi}
            limits: {cpu: 250m, memory: 320Mi}
          livenessProbe:
            tcpSocket: {port: redis}
          readinessProbe:
            exec: {command: [redis-cli, ping]}
        - name: config-reloader
          image: registry.example.com/platform/config-reloader:0.9.1
          args: [--watch=/etc/storefront, --signal-url=http://localhost:8080/internal/reload]
          resources:
            requests: {cpu: 5m, memory: 16Mi}
            limits: {cpu: 50m, memory: 32Mi}
          volumeMounts:
          - {name: config, mountPath: /etc/storefront, readOnly: true}
        volumes:
        - name: config
          configMap: {name: storefront-config}
        - name: tls
          secret: {secretName: storefront-tls}
        - name: tmp
          emptyDir: {}
        - name: cache
          emptyDir: {sizeLimit: 1Gi}
      """;
}
