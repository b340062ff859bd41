#!/usr/bin/env bash
# Fails when any test was skipped: a skipped test must not count as passing. Prints each skipped test and the
# reason it gave, so the log says why. Run after `mvn verify` (make test does).
set -euo pipefail
shopt -s nullglob globstar

reports=(**/target/surefire-reports/TEST-*.xml **/target/failsafe-reports/TEST-*.xml)
if ((${#reports[@]} == 0)); then
  echo "[check-skips.sh] no test reports found: did the tests run?" >&2
  exit 1
fi
total=0 skipped=0
for r in "${reports[@]}"; do
  t=$(grep -o '<testsuite [^>]*' "$r" | grep -o ' tests="[0-9]*"' | grep -o '[0-9]*')
  s=$(grep -o '<testsuite [^>]*' "$r" | grep -o ' skipped="[0-9]*"' | grep -o '[0-9]*')
  total=$((total + t)) skipped=$((skipped + s))
  if ((s > 0)); then
    echo "[check-skips.sh] skipped in $r:" >&2
    grep -B1 -A1 '<skipped' "$r" >&2 || true
  fi
done
echo "[check-skips.sh] ${total} tests in ${#reports[@]} suites, ${skipped} skipped" >&2
((skipped == 0))
