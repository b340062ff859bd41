#!/usr/bin/env bash
# Builds the sidecar jar when it is missing or older than anything it is made from. The benchmarks and
# `make run` start the packaged jar; a stale one would quietly measure or run old code.
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=sidecar/target/outrigger-sidecar-0.1.0-SNAPSHOT.jar
sources=(pom.xml sidecar/pom.xml sidecar/src/main sidecar/bin sidecar-config/pom.xml sidecar-config/src/main)
if [[ ! -f $JAR || -n $(find "${sources[@]}" -newer "$JAR" -print -quit 2>/dev/null) ]]; then
  echo "[build-sidecar] building the sidecar jar (missing, or its sources changed since it was built)" >&2
  mvn -q -B -ntp -DskipTests -Dspotless.check.skip=true -pl sidecar -am package
fi
