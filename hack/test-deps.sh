#!/usr/bin/env bash
# Installs the Debian packages `make test` needs, skipping what is already there. Idempotent and quick when
# nothing is missing. Each test tier adds its real peers here (Prometheus, nginx, HAProxy, ...), never a mock.
set -euo pipefail

# Build and run the tests: JDK 17, Maven, git and make (present on most dev machines, not on a bare runner).
PACKAGES=(openjdk-17-jdk-headless maven git make openssl)
# Real API server tier: etcd comes from Debian (hack/kube-apiserver.sh copies it next to kube-apiserver).
PACKAGES+=(etcd-server)
# Sidecar tier: a real Prometheus scrapes the sidecar, promtool lints its exposition, a real Pushgateway takes pushes,
# a real VictoriaMetrics takes remote write; the Prometheus project's Python client parses OpenMetrics strictly
# (promtool lints only the text format) and is the reference parser of ExpositionDifferentialIT.
PACKAGES+=(prometheus prometheus-pushgateway victoria-metrics python3-prometheus-client)
# Real logrotate rotates the files LogFaultMatrixIT tails (create, copytruncate, compress), as on a node.
PACKAGES+=(logrotate)
# Interception tier (root): network namespaces and veth pairs (iproute2), the rules (iptables, both backends),
# dropping capabilities and user namespaces (util-linux setpriv/unshare), nginx as the real app and upstream.
PACKAGES+=(iptables iproute2 util-linux nginx)
# e2e tier (root): a real node (hack/cluster.sh: containerd, runc, CNI plugins, dnsmasq as the cluster DNS,
# conntrack for kube-proxy) and its images without a registry (hack/images.sh: mmdebstrap, umoci).
PACKAGES+=(containerd runc containernetworking-plugins dnsmasq-base conntrack mmdebstrap umoci)

log() { echo "[test-deps.sh] $*" >&2; }
as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  log "all present: ${PACKAGES[*]}"
  exit 0
fi
stamp=/var/lib/apt/outrigger-updated
if [[ ! -f $stamp || $(find "$stamp" -mmin +720 2>/dev/null) ]]; then
  as_root apt-get update -qq
  as_root touch "$stamp"
fi
log "installing ${missing[*]}"
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
