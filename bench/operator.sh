#!/usr/bin/env bash
# Operator scale benchmark, against a real kube-apiserver 1.20.2 + etcd (hack/kube-apiserver.sh):
#  1. Stores POLICIES policies over NAMESPACES namespaces and PODS injected pods (no kubelet: created directly with
#     the webhook's label and status annotation, their container statuses written through the status subresource
#     so ready counts mean something; per policy a fixed share is not ready, outdated, or reporting an error), and
#     mints a TokenRequest token (audience outrigger) per pod, bound to it, as the kubelet does for the sidecar.
#  2. Starts the operator in the benchmark's JVM (reconciler + report endpoint on HTTPS, 5 s status interval as
#     shipped) with all of that already stored, and every sidecar POSTs its report at once: time until every
#     policy's status is right (pod counts and the reported errors).
#  3. Steady state: every sidecar heart-beats every HEARTBEAT seconds, spread evenly; after one interval of
#     warm-up, STEADY seconds are measured: API server writes by verb and resource (apiserver_request_total from
#     the API server's /metrics, before/after) and status writes per policy (a watch on the policies gives each
#     one's busiest 5 s).
# Prints a table with the goals beside the figures: converge <= 30 s; <= 1 status write per policy per 5 s.
#
#   bench/operator.sh
#   POLICIES=50 PODS=1000 STEADY=30 bench/operator.sh
set -euo pipefail
cd "$(dirname "$0")/.."

NAMESPACES=${NAMESPACES:-10}
POLICIES=${POLICIES:-200}
PODS=${PODS:-5000}
HEARTBEAT=${HEARTBEAT:-30}
STEADY=${STEADY:-60}
CONCURRENCY=${CONCURRENCY:-32}
TOKENS=${TOKENS:-pod}
JAVA_OPTS=${JAVA_OPTS:-"-Xmx1g"}

log() { echo "[bench/operator] $*" >&2; }

hack/kube-apiserver.sh >/dev/null

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

log "building (test classes) and resolving the test classpath"
mvn -q -B -ntp -Dspotless.check.skip=true -pl operator -am test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$WORK/cp.txt" >/dev/null
CP="operator/target/test-classes:operator/target/classes:$(cat "$WORK/cp.txt")"

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
STARTED=$(date +%s)
java $JAVA_OPTS -cp "$CP" -Doutrigger.crdFile=crds/observabilitypolicies.outrigger.io-v1.yml \
  -Djava.util.logging.config.file=/dev/null -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  io.outrigger.operator.bench.OperatorBenchmark "$NAMESPACES" "$POLICIES" "$PODS" "$HEARTBEAT" "$STEADY" \
  "$CONCURRENCY" "$TOKENS" 2> >(grep --line-buffered -v '^SLF4J' >&2)
echo
echo "load average (1/5/15 min) before: $LOAD_BEFORE, after: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores;" \
  "took $(( $(date +%s) - STARTED )) s"
