#!/usr/bin/env bash
# `make e2e`: Outrigger end to end on a Kind cluster. Needs kind, kubectl, helm and a container engine (docker or
# podman), and network access to pull the collector, Fluentd and curl images. Not run in CI here: these machines
# have no container engine. Each step prints what it checks; the first failure stops the run (the cluster is
# kept after a failure for a look; a green run deletes it unless E2E_KEEP_CLUSTER=true).
#
#   E2E_CLUSTER=outrigger-e2e  KIND_NODE_IMAGE=kindest/node:v1.31.0  E2E_KEEP_CLUSTER=true  bash e2e/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."

CLUSTER=${E2E_CLUSTER:-outrigger-e2e}
REGISTRY=outrigger.local
VERSION=e2e
RELEASE=outrigger
SYSTEM_NS=outrigger-system
APP_NS=demo
CURL_IMAGE=curlimages/curl:8.10.1

step() { printf '\n== %s\n' "$*"; }
fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }
# wait_for <seconds> <description> <command...>: retries the command every 2 s.
wait_for() {
  local seconds=$1 what=$2; shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || fail "$what (waited ${seconds}s)"
    sleep 2
  done
  echo "ok: $what"
}

for tool in kind kubectl helm; do
  command -v "$tool" >/dev/null || fail "$tool is not installed (see e2e/README.md)"
done
ENGINE=${CONTAINER_ENGINE:-$(command -v docker || command -v podman || true)}
[[ -n $ENGINE ]] || fail "no container engine (docker or podman)"

step "cluster $CLUSTER"
if ! kind get clusters | grep -qx "$CLUSTER"; then
  kind create cluster --name "$CLUSTER" ${KIND_NODE_IMAGE:+--image "$KIND_NODE_IMAGE"} --wait 120s
fi
kubectl config use-context "kind-$CLUSTER"

step "images: build and load into the cluster"
REGISTRY=$REGISTRY VERSION=$VERSION CONTAINER_ENGINE=$ENGINE bash images/build.sh
for image in operator sidecar demo-app; do
  kind load docker-image --name "$CLUSTER" "$REGISTRY/$image:$VERSION"
done

step "backends: OpenTelemetry Collector and Fluentd"
kubectl apply -f e2e/manifests/otel-collector.yaml -f e2e/manifests/fluentd.yaml
kubectl -n observability rollout status deploy/otel-collector --timeout=180s
kubectl -n logging rollout status deploy/fluentd --timeout=180s

step "helm install"
helm upgrade --install "$RELEASE" helm/outrigger -n "$SYSTEM_NS" --create-namespace --wait --timeout 5m \
  --set image.operator.repository=$REGISTRY/operator --set image.operator.tag=$VERSION \
  --set image.operator.pullPolicy=Never \
  --set image.sidecar.repository=$REGISTRY/sidecar --set image.sidecar.tag=$VERSION
wait_for 60 "the operator patched caBundle into the webhook configuration" \
  bash -c "[[ -n \$(kubectl get mutatingwebhookconfiguration $RELEASE -o jsonpath='{.webhooks[0].clientConfig.caBundle}') ]]"
wait_for 60 "one replica holds the Lease" \
  bash -c "[[ -n \$(kubectl -n $SYSTEM_NS get lease outrigger-operator-leader -o jsonpath='{.spec.holderIdentity}') ]]"

step "examples: full tracing policy and the demo app"
kubectl create namespace "$APP_NS" --dry-run=client -o yaml | kubectl apply -f -
kubectl -n "$APP_NS" apply -f examples/policy-full-tracing.yaml
wait_for 60 "policy demo-full is Ready" \
  bash -c "[[ \$(kubectl -n $APP_NS get obspol demo-full -o jsonpath='{.status.conditions[?(@.type==\"Ready\")].status}') == True ]]"
sed "s|ghcr.io/outrigger/demo-app:0.1.0|$REGISTRY/demo-app:$VERSION|" examples/demo-app/kubernetes.yaml \
  | kubectl -n "$APP_NS" apply -f -
kubectl -n "$APP_NS" rollout status deploy/demo-app --timeout=180s

step "injection"
for pod in $(kubectl -n "$APP_NS" get pods -l app=demo-app -o name); do
  [[ $(kubectl -n "$APP_NS" get "$pod" -o jsonpath='{.metadata.labels.outrigger\.io/injected}') == true ]] \
    || fail "$pod is not labelled injected"
  containers=$(kubectl -n "$APP_NS" get "$pod" -o jsonpath='{.spec.initContainers[*].name} {.spec.containers[*].name}')
  [[ $containers == *outrigger-sidecar* ]] || fail "$pod has no sidecar: $containers"
  [[ $containers == *outrigger-init* ]] || fail "$pod has no iptables init container: $containers"
  echo "ok: $pod injected ($containers)"
done

step "traffic through the Service (intercepted by iptables)"
# shellcheck disable=SC2016 # expanded by the client pod's shell
kubectl -n "$APP_NS" run e2e-client --image="$CURL_IMAGE" --restart=Never --command -- \
  sh -c 'for i in $(seq 1 40); do curl -s -o /dev/null -w "%{http_code}\n" http://demo-app/orders/$i; done'
wait_for 120 "the client finished" \
  bash -c "[[ \$(kubectl -n $APP_NS get pod e2e-client -o jsonpath='{.status.phase}') == Succeeded ]]"
[[ $(kubectl -n "$APP_NS" logs e2e-client | grep -c '^200$') -eq 40 ]] || fail "not every request got 200"
echo "ok: 40 requests answered 200"

step "merged metrics on :15020/metrics"
pod=$(kubectl -n "$APP_NS" get pods -l app=demo-app -o jsonpath='{.items[0].metadata.name}')
kubectl -n "$APP_NS" port-forward "pod/$pod" 15020:15020 >/dev/null 2>&1 &
PF=$!
trap 'kill $PF 2>/dev/null || true' EXIT
wait_for 30 "port-forward to the sidecar" curl -sf http://127.0.0.1:15020/healthz
metrics=$(curl -sf http://127.0.0.1:15020/metrics)
grep -q '^demo_requests_total{.*namespace="demo"' <<<"$metrics" || fail "the app's metrics are not merged with pod labels"
grep -q '^outrigger_requests_total{' <<<"$metrics" || fail "no RED metrics"
echo "ok: app metrics enriched and merged, RED metrics present"
kill $PF 2>/dev/null || true

step "exported traces and OTLP logs reached the collector"
wait_for 90 "spans of service demo-app in the collector" \
  bash -c "kubectl -n observability logs deploy/otel-collector | grep -q 'service.name: Str(demo-app)'"
wait_for 90 "log records with trace ids in the collector" \
  bash -c "kubectl -n observability logs deploy/otel-collector | grep -q 'handled request'"

step "status counts"
wait_for 60 "status counts 2 injected and 2 ready pods" bash -c \
  "[[ \$(kubectl -n $APP_NS get obspol demo-full -o jsonpath='{.status.injectedPods}/{.status.readyPods}') == 2/2 ]]"
kubectl -n "$APP_NS" get obspol

step "logs forwarded to Fluentd"
kubectl -n "$APP_NS" delete obspol demo-full
kubectl -n "$APP_NS" apply -f examples/policy-logs-fluentd.yaml
wait_for 60 "policy demo-logs is Ready" \
  bash -c "[[ \$(kubectl -n $APP_NS get obspol demo-logs -o jsonpath='{.status.conditions[?(@.type==\"Ready\")].status}') == True ]]"
kubectl -n "$APP_NS" rollout restart deploy/demo-app
kubectl -n "$APP_NS" rollout status deploy/demo-app --timeout=180s
kubectl -n "$APP_NS" delete pod e2e-client --ignore-not-found
# shellcheck disable=SC2016 # expanded by the client pod's shell
kubectl -n "$APP_NS" run e2e-client --image="$CURL_IMAGE" --restart=Never --command -- \
  sh -c 'for i in $(seq 1 20); do curl -s -o /dev/null http://demo-app/orders/$i; done'
wait_for 120 "demo app log lines in Fluentd's output" \
  bash -c "kubectl -n logging logs deploy/fluentd | grep -q 'handled request'"

step "uninstall leaves nothing behind"
kubectl -n "$APP_NS" delete deploy/demo-app obspol/demo-logs pod/e2e-client --ignore-not-found --wait
helm uninstall "$RELEASE" -n "$SYSTEM_NS" --wait
left=$(kubectl get all,configmaps,secrets,serviceaccounts,roles,rolebindings,poddisruptionbudgets -A \
  -l app.kubernetes.io/instance=$RELEASE -o name; kubectl get clusterroles,clusterrolebindings,mutatingwebhookconfigurations \
  -l app.kubernetes.io/instance=$RELEASE -o name)
[[ -z $left ]] || fail "left behind: $left"
kubectl -n "$SYSTEM_NS" get secret outrigger-webhook-tls >/dev/null 2>&1 && fail "webhook Secret left behind"
kubectl delete crd observabilitypolicies.outrigger.io
echo "ok: nothing left"

if [[ ${E2E_KEEP_CLUSTER:-false} != true ]]; then
  kind delete cluster --name "$CLUSTER"
fi
echo
echo "e2e: all checks passed"
