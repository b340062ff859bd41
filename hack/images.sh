#!/usr/bin/env bash
# The operator, sidecar, demo-app and pause images without a container engine or a registry, for the local node
# (hack/cluster.sh): a Debian bookworm rootfs made by mmdebstrap (JRE 17, iptables, CA certificates), the
# project's files layered on it as images/*.Dockerfile lay them out (users, paths, entrypoints, the launcher),
# packed as one OCI layout with umoci and written as an OCI archive that `ctr images import` reads.
#
#   hack/images.sh build     # -> $OUT/outrigger-images.tar (needs `mvn package` of operator and sidecar)
#   hack/images.sh import    # build, then import into the local node's containerd (hack/cluster.sh up first)
#   hack/images.sh base      # only the base rootfs (make test builds it in its own timed phase)
#
# The base rootfs is the one built artifact kept in the cache besides the Kubernetes binaries (no test reads it:
# it is the image's base, rebuilt when its package list changes).
set -euo pipefail
cd "$(dirname "$0")/.."
source hack/lib.sh

CACHE_DIR="${OUTRIGGER_CACHE:-$HOME/.cache/outrigger}"
OUT=${OUT:-$PWD/target/images}
VERSION=${VERSION:-$(chart_app_version)}
REGISTRY=${REGISTRY:-ghcr.io/outrigger}
BASE_PACKAGES=openjdk-17-jre-headless,iptables,ca-certificates
BASE_TAR="$CACHE_DIR/images/base-$(echo "$BASE_PACKAGES" | sha256sum | cut -c1-12).tar"
PAUSE_IMAGE=registry.k8s.io/pause:3.2

log() { echo "[images.sh] $*" >&2; }

base_rootfs() {
  [[ -f $BASE_TAR && -s $BASE_TAR ]] && return
  # A directory in its place is what an earlier images.sh left (mmdebstrap picks the format from the name).
  rm -rf "$BASE_TAR" "$BASE_TAR.tmp"
  log "building the base rootfs with mmdebstrap (about 2 minutes)"
  mkdir -p "$(dirname "$BASE_TAR")"
  mmdebstrap --quiet --variant=apt --format=tar --include="$BASE_PACKAGES" \
    --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*.bin' \
    bookworm "$BASE_TAR.tmp"
  tar -tf "$BASE_TAR.tmp" ./etc/passwd >/dev/null || die "mmdebstrap wrote no tarball at $BASE_TAR.tmp"
  mv "$BASE_TAR.tmp" "$BASE_TAR"
}

# A layer tar of the staging directory $1, owned by root as a Dockerfile's COPY leaves it, except the
# subtrees named after it as OWNER:PATH (COPY --chown, or a RUN chown).
layer_of() {
  local stage=$1 tar=$2 excludes=() spec
  shift 2
  for spec in "$@"; do excludes+=(--exclude="./${spec#*:}"); done
  tar --numeric-owner --owner=0 --group=0 --sort=name --mtime=@0 "${excludes[@]}" -C "$stage" -cf "$tar" .
  for spec in "$@"; do
    local owner=${spec%%:*}
    tar --numeric-owner --owner="$owner" --group="$owner" --sort=name --mtime=@0 -C "$stage" -rf "$tar" "./${spec#*:}"
  done
}

# /etc/passwd and /etc/group of the base with the image's own system user added (the Dockerfiles' useradd).
add_user() {
  local stage=$1 name=$2 id=$3 home=$4
  mkdir -p "$stage/etc"
  tar -xOf "$BASE_TAR" ./etc/passwd >"$stage/etc/passwd"
  tar -xOf "$BASE_TAR" ./etc/group >"$stage/etc/group"
  echo "$name:x:$id:$id::$home:/usr/sbin/nologin" >>"$stage/etc/passwd"
  echo "$name:x:$id:" >>"$stage/etc/group"
}

# The image's configuration is the one images/<name>.Dockerfile declares (USER, ENV, EXPOSE, WORKDIR,
# ENTRYPOINT, CMD), read from the file itself so the two cannot disagree.
dockerfile_config() {
  local name=$1 layout=$2 flags
  mapfile -t flags < <(python3 hack/dockerfile-config.py "images/$name.Dockerfile")
  ((${#flags[@]})) || die "no configuration read from images/$name.Dockerfile"
  umoci config --image "$layout:$name" "${flags[@]}"
}

# Every path the Dockerfile's final stage COPYs to is in the staged layer.
check_destinations() {
  local name=$1 stage=$2 d
  while read -r d; do
    [[ -e $stage$d ]] || die "images/$name.Dockerfile copies to $d, which hack/images.sh does not stage"
  done < <(python3 hack/dockerfile-config.py --destinations "images/$name.Dockerfile")
}

image_from_base() {
  local name=$1 layout=$2
  umoci tag --image "$layout:base" "$name"
}

build() {
  local sidecar_jar quarkus=operator/target/quarkus-app pause_bin
  sidecar_jar=$(ls sidecar/target/outrigger-sidecar-*.jar 2>/dev/null | grep -v -e -tests -e -sources | head -1 || true)
  pause_bin="$CACHE_DIR/kube-api-test/k8s/1.20.2-linux-amd64/pause"
  [[ -n $sidecar_jar && -d sidecar/target/lib ]] || die "no sidecar jar in sidecar/target: run mvn package first"
  [[ -f $quarkus/quarkus-run.jar ]] || die "no $quarkus/quarkus-run.jar: run mvn package first"
  [[ -x $pause_bin ]] || die "no pause binary at $pause_bin: run hack/kube-apiserver.sh first"
  base_rootfs
  rm -rf "$OUT" && mkdir -p "$OUT"
  local layout=$OUT/layout work=$OUT/work
  mkdir -p "$work"
  umoci init --layout "$layout"
  umoci new --image "$layout:base"
  log "adding the base layer"
  umoci raw add-layer --image "$layout:base" "$BASE_TAR"
  umoci config --image "$layout:base" --config.env "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

  # sidecar (images/sidecar.Dockerfile)
  local s=$work/sidecar
  mkdir -p "$s/opt/outrigger/bin" "$s/opt/outrigger/lib/lib"
  install -m 0755 sidecar/bin/outrigger-sidecar "$s/opt/outrigger/bin/outrigger-sidecar"
  cp "$sidecar_jar" "$s/opt/outrigger/lib/"
  cp sidecar/target/lib/*.jar "$s/opt/outrigger/lib/lib/"
  add_user "$s" outrigger 1337 /opt/outrigger
  check_destinations sidecar "$s"
  layer_of "$s" "$work/sidecar.tar"
  image_from_base sidecar "$layout"
  umoci raw add-layer --image "$layout:sidecar" "$work/sidecar.tar"
  dockerfile_config sidecar "$layout"

  # operator (images/operator.Dockerfile)
  local o=$work/operator
  mkdir -p "$o/deployments"
  cp -r "$quarkus"/lib "$quarkus"/app "$quarkus"/quarkus "$o/deployments/"
  cp "$quarkus"/*.jar "$o/deployments/"
  add_user "$o" outrigger 65532 /deployments
  check_destinations operator "$o"
  layer_of "$o" "$work/operator.tar" 65532:deployments
  image_from_base operator "$layout"
  umoci raw add-layer --image "$layout:operator" "$work/operator.tar"
  dockerfile_config operator "$layout"

  # demo-app (images/demo-app.Dockerfile): compiled here with the build's JDK 17, as its build stage does
  local d=$work/demo-app
  mkdir -p "$d/app" "$d/var/log/app"
  javac --release 17 -d "$d/app" examples/demo-app/DemoApp.java examples/demo-app/DemoLoad.java
  check_destinations demo-app "$d"
  layer_of "$d" "$work/demo-app.tar" 10001:var/log/app
  image_from_base demo-app "$layout"
  umoci raw add-layer --image "$layout:demo-app" "$work/demo-app.tar"
  dockerfile_config demo-app "$layout"

  # pause: the sandbox's only process, on an empty base
  local p=$work/pause
  mkdir -p "$p"
  install -m 0755 "$pause_bin" "$p/pause"
  layer_of "$p" "$work/pause.tar"
  umoci new --image "$layout:pause"
  umoci raw add-layer --image "$layout:pause" "$work/pause.tar"
  umoci config --image "$layout:pause" --config.user 65535:65535 --config.entrypoint /pause

  umoci rm --image "$layout:base"
  name_refs "$layout/index.json"
  tar -C "$layout" -cf "$OUT/outrigger-images.tar" .
  rm -rf "$work"
  log "built $OUT/outrigger-images.tar: $(image_names | tr '\n' ' ')"
}

image_names() {
  local i
  for i in sidecar operator demo-app; do echo "$REGISTRY/$i:$VERSION"; done
  echo "$PAUSE_IMAGE"
}

# umoci tags are bare names; ctr needs each manifest's ref.name to be the full image name.
name_refs() {
  python3 - "$1" "$REGISTRY" "$VERSION" "$PAUSE_IMAGE" <<'EOF'
import json, sys
path, registry, version, pause = sys.argv[1:]
index = json.load(open(path))
for m in index["manifests"]:
    tag = m["annotations"]["org.opencontainers.image.ref.name"]
    full = pause if tag == "pause" else f"{registry}/{tag}:{version}"
    m["annotations"]["org.opencontainers.image.ref.name"] = full
json.dump(index, open(path, "w"))
EOF
}

import_images() {
  build
  local address=${CONTAINERD_ADDRESS:-/var/lib/outrigger-cluster/containerd/containerd.sock}
  ctr --address "$address" -n k8s.io images import "$OUT/outrigger-images.tar" >&2
  log "imported into $address: $(image_names | tr '\n' ' ')"
}

case ${1:-build} in
  base) base_rootfs ;;
  build) build ;;
  import) import_images ;;
  names) image_names ;;
  *) die "usage: hack/images.sh build|import|names" ;;
esac
