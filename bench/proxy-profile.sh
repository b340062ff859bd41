#!/usr/bin/env bash
# Where the inbound proxy's time and allocation go: the sidecar through its launcher (the pod's flags, the default
# memory limit), warmed up, then profiled with JFR (settings=profile) for one wrk run, and the recording charged
# to layers (bench/tools/JfrLayers.java: Netty, Vert.x's HTTP client, server, header maps, pipes, futures,
# OpenTelemetry, Micrometer, each Outrigger class). Prints the run's requests/s, CPU and bytes allocated per request
# beside it, so a change to the proxy shows which layer it moved. The same setup as bench/proxy.sh.
#
#   bench/proxy-profile.sh                      # 64 connections, 20 s
#   CONNECTIONS=256 DURATION=30s bench/proxy-profile.sh
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-20s}
CONNECTIONS=${CONNECTIONS:-64}
MEMORY_LIMIT_MIB=${MEMORY_LIMIT_MIB:-192}
BACKEND_PORT=18080 SIDECAR_BASE=18100
SIDECAR_PORT=$((SIDECAR_BASE + 6)) TELEMETRY_PORT=$((SIDECAR_BASE + 20))
log() { echo "[bench/proxy-profile] $*" >&2; }

need=()
for p in wrk nginx; do command -v "$p" >/dev/null || need+=("$p"); done
if ((${#need[@]})); then
  log "installing ${need[*]}"
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
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
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  server { listen 127.0.0.1:$BACKEND_PORT; root $WORK; location = /1k { default_type text/plain; } }
}
CONF
printf 'proxy: {appPorts: [%s]}\ntracing: {samplingRatio: 0.01}\n' "$BACKEND_PORT" > "$WORK/sidecar.yaml"

nginx -c "$WORK/backend.conf" -e "$WORK/backend-error.log" & PIDS+=($!)
OUTRIGGER_PORT_BASE=$SIDECAR_BASE OUTRIGGER_BIND=127.0.0.1 OUTRIGGER_EVENT_LOOPS=2 \
  OUTRIGGER_MEMORY_LIMIT=$((MEMORY_LIMIT_MIB * 1024 * 1024)) OUTRIGGER_JAR="$JAR" \
  sidecar/bin/outrigger-sidecar run --config "$WORK/sidecar.yaml" > "$WORK/sidecar.log" 2>&1 & SIDECAR_PID=$!
PIDS+=($SIDECAR_PID)
for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$SIDECAR_PORT/1k" && break; sleep 0.1; done
curl -sf -o /dev/null "http://127.0.0.1:$SIDECAR_PORT/1k" || { log "the sidecar did not come up"; cat "$WORK/sidecar.log"; exit 1; }

counters() {
  local ticks
  ticks=$(awk '{print $14 + $15}' "/proc/$SIDECAR_PID/stat")
  curl -sf "http://127.0.0.1:$TELEMETRY_PORT/metrics" |
    awk -v t="$ticks" '/^jvm_gc_memory_allocated_bytes_total/ {a += $NF} END {printf "%s %.0f\n", t, a}'
}

log "warming up (10 s), then profiling $CONNECTIONS connections for $DURATION"
wrk -t2 -c"$CONNECTIONS" -d10s "http://127.0.0.1:$SIDECAR_PORT/1k" > /dev/null
jcmd "$SIDECAR_PID" JFR.start name=proxy settings=profile > /dev/null
read -r t0 a0 < <(counters)
out=$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" "http://127.0.0.1:$SIDECAR_PORT/1k")
read -r t1 a1 < <(counters)
jcmd "$SIDECAR_PID" JFR.dump name=proxy filename="$WORK/proxy.jfr" > /dev/null
rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
awk -v r="$rps" -v d="${DURATION%s}" -v t="$((t1 - t0))" -v hz="$(getconf CLK_TCK)" -v a="$((a1 - a0))" \
  'BEGIN {n = r * d; printf "sidecar while recorded (JFR costs a share; bench/proxy.sh has the unrecorded figures): %.0f req/s, %.1f µs CPU and %.0f bytes allocated per request\n", r, t / hz * 1e6 / n, a / n}'
java bench/tools/JfrLayers.java "$WORK/proxy.jfr"
echo "(load average $(cut -d' ' -f1-3 /proc/loadavg))"
