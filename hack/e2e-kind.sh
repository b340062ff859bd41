#!/usr/bin/env bash
# `make e2e`: the e2e tier (e2e/, the same JUnit tests `make test` runs on this machine's node) on a Kind cluster,
# for machines with docker. Builds the images from images/*.Dockerfile, loads them into Kind, and points the tests
# at the cluster; the receivers run on this host and the pods reach them at the Kind network's gateway.
#   E2E_CLUSTER=outrigger-e2e  KIND_NODE_IMAGE=kindest/node:v1.31.0  bash hack/e2e-kind.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source hack/lib.sh
CLUSTER=${E2E_CLUSTER:-outrigger-e2e}
MVN=${MVN:-mvn -B -ntp}
for tool in kind docker; do
  command -v "$tool" >/dev/null || die "$tool is not installed (make e2e runs on Kind; make test runs the same tests on this machine's own node)"
done
if ! kind get clusters | grep -qx "$CLUSTER"; then
  kind create cluster --name "$CLUSTER" ${KIND_NODE_IMAGE:+--image "$KIND_NODE_IMAGE"} --wait 120s
fi
kubeconfig=$(mktemp)
trap 'rm -f "$kubeconfig"' EXIT
kind get kubeconfig --name "$CLUSTER" >"$kubeconfig"

$MVN -q -DskipTests -Dspotless.check.skip=true install -pl '!e2e'
version=$(chart_app_version)
REGISTRY=ghcr.io/outrigger VERSION=$version SKIP_PACKAGE=true bash images/build.sh
for image in operator sidecar demo-app; do
  kind load docker-image --name "$CLUSTER" "ghcr.io/outrigger/$image:$version"
done
gateway=$(docker network inspect kind -f '{{range .IPAM.Config}}{{if .Gateway}}{{.Gateway}} {{end}}{{end}}' |
  tr ' ' '\n' | grep -v : | head -1)
$MVN -f e2e/pom.xml verify -Doutrigger.e2e.cluster=external -Doutrigger.e2e.kubeconfig="$kubeconfig" \
  -Doutrigger.e2e.receiversAddress="$gateway" -Doutrigger.e2e.nodeExec="docker exec $CLUSTER-control-plane"
