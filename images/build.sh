#!/usr/bin/env bash
# `make images`: builds the operator, sidecar and demo-app images from the packaged modules.
# Needs a container engine (docker or podman: CONTAINER_ENGINE) and, to push, a registry you are logged in to.
# Not run in CI here (no container engine on these machines).
#   REGISTRY=ghcr.io/outrigger VERSION=0.1.0 PUSH=true images/build.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ENGINE=${CONTAINER_ENGINE:-$(command -v docker || command -v podman || true)}
REGISTRY=${REGISTRY:-ghcr.io/outrigger}
VERSION=${VERSION:-0.1.0}
if [[ -z $ENGINE ]]; then
  echo "images/build.sh: no container engine (install docker or podman, or set CONTAINER_ENGINE)" >&2
  exit 1
fi
if [[ ${SKIP_PACKAGE:-} != true ]]; then
  mvn -q -B -ntp -DskipTests -Dspotless.check.skip=true -pl operator,sidecar -am package
fi
for image in operator sidecar demo-app; do
  echo "building $REGISTRY/$image:$VERSION"
  "$ENGINE" build -f "images/$image.Dockerfile" -t "$REGISTRY/$image:$VERSION" .
  if [[ ${PUSH:-} == true ]]; then "$ENGINE" push "$REGISTRY/$image:$VERSION"; fi
done
