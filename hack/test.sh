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
# CI keeps only the tail of a run: after the times, the lines that say why it failed (failed tests, a hack/
# script's own message) are repeated from the Maven log.
MAVEN_LOG=target/test-sh/maven.log
summary() {
  echo "[test.sh] phase times:" >&2
  local p
  for p in "${phases[@]}"; do echo "[test.sh]   $p" >&2; done
  if [[ -f $MAVEN_LOG ]] && grep -q 'BUILD FAILURE' "$MAVEN_LOG"; then
    echo "[test.sh] why maven failed (from $MAVEN_LOG):" >&2
    grep -E '^\[ERROR\] (Tests run:.*(Failures: [1-9]|Errors: [1-9])|  [A-Za-z].*[:»])|^\[[a-z0-9-]+\.sh\] |⨯|^\[ERROR\] Failed to execute goal' "$MAVEN_LOG" |
      grep -v '^\[test.sh\]' | tail -15 | cut -c1-400 | sed 's/^/[test.sh]   /' >&2 || true
  fi
}
maven_verify() {
  mkdir -p "$(dirname "$MAVEN_LOG")"
  $MVN verify 2>&1 | tee "$MAVEN_LOG"
}
trap summary EXIT

phase "packages (hack/test-deps.sh)" bash hack/test-deps.sh
phase "kubernetes binaries (build or cache)" bash hack/kube-apiserver.sh >/dev/null
phase "base image rootfs (build or cache)" bash hack/images.sh base
phase "maven verify (all tiers)" maven_verify
phase "no skipped test (check-skips)" bash hack/check-skips.sh
