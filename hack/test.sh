#!/usr/bin/env bash
# `make test`: every phase the tests need, each timed. The times are printed at the end whether the run passed
# or failed, so a slow fresh-machine run shows in CI's log where its time went.
set -euo pipefail
cd "$(dirname "$0")/.."
MVN=${MVN:-mvn -B -ntp}

phases=()
phase() {
  local name=$1 start rc=0
  shift
  start=$(date +%s)
  echo "[test.sh] ${name}" >&2
  "$@" || rc=$?
  phases+=("$(printf '%-34s %5ss%s' "$name" $(($(date +%s) - start)) "$( ((rc == 0)) || echo "  FAILED ($rc)")")")
  return $rc
}
summary() {
  echo "[test.sh] phase times:" >&2
  local p
  for p in "${phases[@]}"; do echo "[test.sh]   $p" >&2; done
}
trap summary EXIT

phase "packages (hack/test-deps.sh)" bash hack/test-deps.sh
phase "kubernetes binaries (build or cache)" bash hack/kube-apiserver.sh >/dev/null
phase "base image rootfs (build or cache)" bash hack/images.sh base
phase "maven verify (all tiers)" $MVN verify
phase "no skipped test (check-skips)" bash hack/check-skips.sh
