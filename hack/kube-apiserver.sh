#!/usr/bin/env bash
# Builds (once) and caches a real Kubernetes 1.20.2 from Debian's archive: kube-apiserver, etcd and kubectl laid
# out the way Fabric8 kube-api-test expects in offline mode (<dir>/k8s/1.20.2-linux-amd64/), and beside them the
# node's binaries (kubelet, kube-scheduler, kube-controller-manager, kube-proxy) and the pause container's
# static binary, which hack/cluster.sh runs. All Go binaries come from one `make WHAT=...` in one tree: the Go
# build cache does not carry over to a tree at another path, so a second build would recompile everything.
# Idempotent: when the binaries are cached it only prints where they are.
#
# Why build from source: this machine reaches only Debian's archive and Maven Central, and Debian ships the
# kubernetes 1.20.2 source (with vendor/) but no server binaries.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

K8S_VERSION=1.20.2
CACHE_DIR="${OUTRIGGER_CACHE:-$HOME/.cache/outrigger}"
KUBE_API_TEST_DIR="${CACHE_DIR}/kube-api-test"
BIN_DIR="${KUBE_API_TEST_DIR}/k8s/${K8S_VERSION}-linux-amd64"
WORK_DIR="${CACHE_DIR}/build"

log() { echo "[kube-apiserver.sh] $*" >&2; }

GO_BINARIES=(kube-apiserver kubelet kube-scheduler kube-controller-manager kube-proxy)

have_go_binaries() {
  local b
  for b in "${GO_BINARIES[@]}" pause; do [[ -x "${BIN_DIR}/$b" ]] || return 1; done
}

have_all() { have_go_binaries && [[ -x "${BIN_DIR}/etcd" && -x "${BIN_DIR}/kubectl" ]]; }

ensure_deb_src() {
  if ! grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ && ! grep -qs '^deb-src' /etc/apt/sources.list; then
    log "adding a deb-src line for bookworm"
    # deb822 form with the same Signed-By as Debian's own entry: apt refuses mixed Signed-By values.
    printf '%s\n' 'Types: deb-src' 'URIs: http://deb.debian.org/debian' 'Suites: bookworm' 'Components: main' \
      'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg' |
      as_root tee /etc/apt/sources.list.d/outrigger-src.sources >/dev/null
    as_root rm -f /var/lib/apt/outrigger-updated
  fi
}

install_build_deps() {
  local missing=()
  for p in golang-go etcd-server rsync golang-github-modern-go-reflect2-dev dpkg-dev gcc libc6-dev; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
  done
  if ((${#missing[@]})); then
    apt_update_once
    log "installing ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

build_binaries() {
  mkdir -p "$WORK_DIR"
  cd "$WORK_DIR"
  local src
  src=$(find . -maxdepth 1 -type d -name "kubernetes-*" | head -1)
  if [[ -z $src ]]; then
    log "fetching the kubernetes ${K8S_VERSION} source package"
    apt-get source -qq --download-only kubernetes >/dev/null
    dpkg-source -x --no-check kubernetes_*.dsc >/dev/null
    src=$(find . -maxdepth 1 -type d -name "kubernetes-*" | head -1)
  fi
  cd "$src"
  # The vendored reflect2 1.0.1 crashes on Go >= 1.18 at the first webhook patch; Debian's copy is fixed.
  local reflect2=vendor/github.com/modern-go/reflect2
  if [[ ! -f $reflect2/.outrigger-replaced ]]; then
    rm -rf "$reflect2"
    rsync -a --exclude go.mod /usr/share/gocode/src/github.com/modern-go/reflect2/ "$reflect2/"
    touch "$reflect2/.outrigger-replaced"
  fi
  local what=() b
  for b in "${GO_BINARIES[@]}"; do what+=("cmd/$b"); done
  log "building ${GO_BINARIES[*]} (about 20 minutes on 2 cores)"
  GOPROXY=off GOFLAGS=-mod=vendor make WHAT="${what[*]}" >/dev/null
  for b in "${GO_BINARIES[@]}"; do
    install -m 0755 "_output/local/bin/linux/amd64/$b" "$BIN_DIR/$b"
  done
  # The pod sandbox's process; no image registry is reachable, so hack/images.sh packs it into an image.
  gcc -Os -static -o "$BIN_DIR/pause" build/pause/linux/pause.c
}

fetch_kubectl() {
  local tmp
  tmp=$(mktemp -d)
  (cd "$tmp" && apt-get download -qq kubernetes-client >/dev/null && dpkg -x kubernetes-client_*.deb root)
  install -m 0755 "$tmp/root/usr/bin/kubectl" "$BIN_DIR/kubectl"
  rm -rf "$tmp"
}

main() {
  if have_all; then
    echo "$KUBE_API_TEST_DIR"
    log "cached: ${BIN_DIR}"
    return
  fi
  mkdir -p "$BIN_DIR"
  ensure_deb_src
  install_build_deps
  [[ -x "${BIN_DIR}/etcd" ]] || install -m 0755 /usr/bin/etcd "$BIN_DIR/etcd"
  [[ -x "${BIN_DIR}/kubectl" ]] || { apt_update_once; fetch_kubectl; }
  have_go_binaries || build_binaries
  # The source tree is 1+ GB; only the binaries are worth keeping.
  rm -rf "$WORK_DIR"
  log "built: ${BIN_DIR}"
  echo "$KUBE_API_TEST_DIR"
}

main "$@"
