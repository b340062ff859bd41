#!/usr/bin/env bash
# Sidecar footprint: time from process start to ready, and resident memory idle and while proxying 1,000 req/s
# for 60 s, for the JVM's default flags and for the tuned launcher (sidecar/bin/outrigger-sidecar), side by side
# in one run. Same backend (one nginx worker serving 1 KiB), same config (tracing at 1% sampling, metrics on).
#
#   bench/footprint.sh            # 60 s of load per variant
#   LOAD_SECONDS=20 bench/footprint.sh
set -euo pipefail
cd "$(dirname "$0")/.."

LOAD_SECONDS=${LOAD_SECONDS:-60}
RATE=${RATE:-1000}
BACKEND_PORT=18280 BASE=18300
log() { echo "[bench/footprint] $*" >&2; }

command -v nginx >/dev/null || { log "installing nginx"; apt-get install -y -qq --no-install-recommends nginx >/dev/null; }
JAR=sidecar/target/outrigger-sidecar-0.1.0-SNAPSHOT.jar
bash hack/build-sidecar.sh

WORK=$(mktemp -d)
chmod 755 "$WORK"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
head -c 1024 /dev/zero | tr '\0' 'x' > "$WORK/1k"
cat > "$WORK/backend.conf" <<CONF
worker_processes 1;
daemon off;
pid $WORK/backend.pid;
error_log $WORK/backend-error.log;
events { worker_connections 1024; }
http { access_log off; server { listen 127.0.0.1:$BACKEND_PORT; root $WORK; location = /1k { default_type text/plain; } } }
CONF
nginx -c "$WORK/backend.conf" -e "$WORK/backend-error.log" & PIDS+=($!)
printf 'proxy: {appPorts: [%s]}\ntracing: {samplingRatio: 0.01}\n' "$BACKEND_PORT" > "$WORK/sidecar.yaml"
javac -d "$WORK/tools" bench/tools/RateLoad.java

rss_kib() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }

measure() { # name command...
  local name=$1; shift
  local start_ns ready_ms pid idle peak=0 sum=0 n=0 end
  start_ns=$(date +%s%N)
  OUTRIGGER_PORT_BASE=$BASE OUTRIGGER_BIND=127.0.0.1 OUTRIGGER_EVENT_LOOPS=2 "$@" --config "$WORK/sidecar.yaml" > "$WORK/$name.log" 2>&1 &
  pid=$!
  until curl -sf -o /dev/null "http://127.0.0.1:$((BASE + 20))/readyz"; do
    kill -0 $pid 2>/dev/null || { cat "$WORK/$name.log"; exit 1; }
    sleep 0.01
  done
  ready_ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))
  # The launcher execs java, so $pid is the JVM either way.
  sleep 5
  idle=$(rss_kib $pid)
  java -cp "$WORK/tools" RateLoad "http://127.0.0.1:$((BASE + 6))/1k" "$RATE" "$LOAD_SECONDS" > "$WORK/$name.load" &
  local load=$!
  while kill -0 $load 2>/dev/null; do
    local r; r=$(rss_kib $pid)
    if (( r > peak )); then peak=$r; fi
    sum=$((sum + r)) n=$((n + 1))
    sleep 1
  done
  end=$(rss_kib $pid)
  kill $pid; wait $pid 2>/dev/null || true
  printf '%-10s %9d %12.1f %14.1f %14.1f %10.1f   %s\n' "$name" "$ready_ms" "$(bc -l <<<"$idle/1024")" \
    "$(bc -l <<<"$sum/$n/1024")" "$(bc -l <<<"$peak/1024")" "$(bc -l <<<"$end/1024")" "$(cat "$WORK/$name.load")"
}

command -v bc >/dev/null || apt-get install -y -qq --no-install-recommends bc >/dev/null
printf '\n%-10s %9s %12s %14s %14s %10s   %s\n' variant ready_ms idle_MiB "load_avg_MiB" "load_peak_MiB" end_MiB "load ($RATE req/s, ${LOAD_SECONDS}s)"
OUTRIGGER_PORT_BASE=18500 bash sidecar/bin/build-cds-archive "$WORK/sidecar.jsa" >/dev/null
measure default java -jar "$JAR"
OUTRIGGER_CDS_ARCHIVE=none measure tuned sidecar/bin/outrigger-sidecar
OUTRIGGER_CDS_ARCHIVE="$WORK/sidecar.jsa" measure tuned+cds sidecar/bin/outrigger-sidecar
OUTRIGGER_FOOTPRINT=small OUTRIGGER_CDS_ARCHIVE="$WORK/sidecar.jsa" measure small+cds sidecar/bin/outrigger-sidecar
echo
echo "Goals: ready <= 1 s; RSS <= 48 MiB idle and <= 64 MiB at 1,000 req/s (Envoy in Istio: ~40-60 MB at 1,000 rps; Linkerd's proxy: ~26 MB)."
