#!/usr/bin/env bash
# The e2e tier's cluster, around its tests (e2e/pom.xml runs it before and after the integration tests):
#   hack/e2e-cluster.sh local up|down      this machine's node (hack/cluster.sh) with the images imported
#   hack/e2e-cluster.sh external up|down   a cluster the caller made (e.g. Kind); nothing to do here
# The node is left up when E2E_KEEP_CLUSTER=true, for a look after a failure.
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-}/${2:-}" in
  local/up)
    # A node an earlier run left (kept, or cut off before its down) is removed first: the tier's tests see only
    # what this run made.
    bash hack/cluster.sh down
    bash hack/cluster.sh up >/dev/null
    bash hack/images.sh import
    ;;
  local/down)
    # The node's own logs (API server, kubelet, containerd, ...) stay with the run's other reports.
    rm -rf e2e/target/cluster-logs
    cp -r /var/lib/outrigger-cluster/logs e2e/target/cluster-logs 2>/dev/null || true
    if [[ ${E2E_KEEP_CLUSTER:-} == true ]]; then
      echo "[e2e-cluster.sh] kept: KUBECONFIG=/var/lib/outrigger-cluster/admin.kubeconfig" >&2
    else
      bash hack/cluster.sh down
    fi
    ;;
  external/up | external/down) ;;
  *)
    echo "usage: hack/e2e-cluster.sh local|external up|down" >&2
    exit 2
    ;;
esac
