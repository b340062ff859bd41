#!/usr/bin/env bash
# Inbound proxy benchmark: wrk against the same tiny backend directly, through the Outrigger sidecar, nginx and
# HAProxy, in one run, on loopback. Each proxy gets the same CPU budget: nginx worker_processes 2, HAProxy nbthread 2,
# the sidecar 2 Vert.x event loops. The sidecar runs as in a pod: tracing on at 1% sampling (spans made and
# dropped: no exporter), metrics on. Prints requests/s, p50/p99 latency per target and connection count, the
# sidecar/peer ratios, and per run the sidecar's CPU and allocation per request, its GC pauses and its peak RSS.
# The sidecar runs through its launcher (sidecar/bin/outrigger-sidecar) with the memory limit a policy gives it
# by default, so the JVM flags are the pod's.
#
#   bench/proxy.sh                 # 10 s per run, 16/64/256 connections
#   DURATION=30s bench/proxy.sh
#   SIDECAR_JAVA_OPTS="-XX:+UseParallelGC -Xms128m -Xmx128m" bench/proxy.sh   # other JVM flags instead
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-10s}
# The default sidecar memory limit (chart values sidecar.resources.limits.memory): the launcher sizes the heap
# from it as the webhook's OUTRIGGER_MEMORY_LIMIT does in a pod.
MEMORY_LIMIT_MIB=${MEMORY_LIMIT_MIB:-192}
SIDECAR_JAVA_OPTS=${SIDECAR_JAVA_OPTS:-}
CONNECTIONS=${CONNECTIONS:-"16 64 256"}
BACKEND_PORT=18080 NGINX_PORT=18081 HAPROXY_PORT=18082 SIDECAR_BASE=18100
SIDECAR_PORT=$((SIDECAR_BASE + 6))

log() { echo "[bench/proxy] $*" >&2; }

need=()
for p in wrk nginx haproxy; do command -v "$p" >/dev/null || need+=("$p"); done
if ((${#need[@]})); then
  log "installing ${need[*]}"
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
JAR=sidecar/target/outrigger-sidecar-0.1.0-SNAPSHOT.jar
bash hack/build-sidecar.sh

WORK=$(mktemp -d)
chmod 755 "$WORK" # nginx workers run as www-data and must read the 1 KiB body
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

head -c 1024 /dev/zero | tr '\0' 'x' > "$WORK/1k"
mkdir -p "$WORK/logs"

# The backend: one nginx worker serving a 1 KiB body with keep-alive, the same for every target.
cat > "$WORK/backend.conf" <<CONF
worker_processes 1;
daemon off;
pid $WORK/backend.pid;
error_log $WORK/logs/backend-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  server { listen 127.0.0.1:$BACKEND_PORT; root $WORK; location = /1k { default_type text/plain; } }
}
CONF

cat > "$WORK/nginx.conf" <<CONF
worker_processes 2;
daemon off;
pid $WORK/nginx.pid;
error_log $WORK/logs/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  upstream app { server 127.0.0.1:$BACKEND_PORT; keepalive 128; }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location / { proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
CONF

cat > "$WORK/haproxy.cfg" <<CONF
global
  nbthread 2
  maxconn 8192
defaults
  mode http
  timeout connect 5s
  timeout client 60s
  timeout server 60s
  http-reuse always
frontend in
  bind 127.0.0.1:$HAPROXY_PORT
  default_backend app
backend app
  server app 127.0.0.1:$BACKEND_PORT
CONF

cat > "$WORK/sidecar.yaml" <<CONF
proxy: {appPorts: [$BACKEND_PORT]}
tracing: {samplingRatio: 0.01}
CONF

nginx -c "$WORK/backend.conf" -e "$WORK/logs/backend-error.log" & PIDS+=($!)
nginx -c "$WORK/nginx.conf" -e "$WORK/logs/nginx-error.log" & PIDS+=($!)
haproxy -f "$WORK/haproxy.cfg" -q & PIDS+=($!)
OUTRIGGER_PORT_BASE=$SIDECAR_BASE OUTRIGGER_BIND=127.0.0.1 OUTRIGGER_EVENT_LOOPS=2 \
  OUTRIGGER_MEMORY_LIMIT=$((MEMORY_LIMIT_MIB * 1024 * 1024)) OUTRIGGER_JAR="$JAR" \
  ${SIDECAR_JAVA_OPTS:+OUTRIGGER_JAVA_OPTS="$SIDECAR_JAVA_OPTS"} \
  sidecar/bin/outrigger-sidecar run --config "$WORK/sidecar.yaml" > "$WORK/logs/sidecar.log" 2>&1 & SIDECAR_PID=$!
PIDS+=($SIDECAR_PID)
TELEMETRY_PORT=$((SIDECAR_BASE + 20))

for port in $BACKEND_PORT $NGINX_PORT $HAPROXY_PORT $SIDECAR_PORT; do
  for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$port/1k" && break; sleep 0.1; done
  curl -sf -o /dev/null "http://127.0.0.1:$port/1k" || { log "port $port did not come up"; cat "$WORK"/logs/*; exit 1; }
done

# wrk prints latency with units; convert to milliseconds.
to_ms() { awk '{v=$1; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; printf "%.2f", v}'; }

run() { # name port connections -> "rps p50 p99"
  local out
  out=$(wrk -t2 -c"$3" -d"$DURATION" --latency "http://127.0.0.1:$2/1k")
  local rps p50 p99 errors
  rps=$(awk '/Requests\/sec/ {printf "%.0f", $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out" | to_ms)
  p99=$(awk '$1=="99%" {print $2}' <<<"$out" | to_ms)
  errors=$(awk '/Non-2xx|Socket errors/ {print}' <<<"$out" | tr '\n' ' ')
  [[ -n $errors ]] && log "$1 c=$3: $errors"
  echo "$rps $p50 $p99"
}

# The sidecar's own counters around a run: CPU ticks of the process, bytes allocated, GC pause seconds.
CLK_TCK=$(getconf CLK_TCK)
sidecar_counters() {
  local ticks alloc gc
  ticks=$(awk '{print $14 + $15}' "/proc/$SIDECAR_PID/stat")
  read -r alloc gc < <(curl -sf "http://127.0.0.1:$TELEMETRY_PORT/metrics" | awk '
    /^jvm_gc_memory_allocated_bytes_total/ {a += $NF}
    /^jvm_gc_pause_seconds_sum/ {g += $NF}
    END {printf "%.0f %.6f\n", a, g}')
  echo "$ticks $alloc $gc"
}

log "warming up (JIT for the sidecar, caches for all) ..."
for port in $NGINX_PORT $HAPROXY_PORT $SIDECAR_PORT; do wrk -t2 -c64 -d5s "http://127.0.0.1:$port/1k" >/dev/null; done

declare -A R S
for c in $CONNECTIONS; do
  for t in direct:$BACKEND_PORT nginx:$NGINX_PORT haproxy:$HAPROXY_PORT sidecar:$SIDECAR_PORT; do
    name=${t%%:*} port=${t##*:}
    log "$name, $c connections, $DURATION"
    [[ $name == sidecar ]] && read -r t0 a0 g0 < <(sidecar_counters)
    R[$name,$c]=$(run "$name" "$port" "$c")
    if [[ $name == sidecar ]]; then
      read -r t1 a1 g1 < <(sidecar_counters)
      read -r srps _ <<<"${R[sidecar,$c]}"
      S[$c]=$(awk -v t="$((t1 - t0))" -v hz="$CLK_TCK" -v a="$((a1 - a0))" -v g0="$g0" -v g1="$g1" -v r="$srps" \
        -v d="${DURATION%s}" 'BEGIN {n = r * d; printf "%.1f %.0f %.0f", t / hz * 1e6 / n, a / n, (g1 - g0) * 1000}')
    fi
  done
done
RSS_KIB=$(awk '/VmRSS/ {print $2}' "/proc/$SIDECAR_PID/status")
HWM_KIB=$(awk '/VmHWM/ {print $2}' "/proc/$SIDECAR_PID/status")

printf '\n%-6s %-8s %10s %9s %9s\n' conns target req/s p50_ms p99_ms
for c in $CONNECTIONS; do
  for name in direct nginx haproxy sidecar; do
    read -r rps p50 p99 <<<"${R[$name,$c]}"
    printf '%-6s %-8s %10s %9s %9s\n' "$c" "$name" "$rps" "$p50" "$p99"
  done
done
printf '\n%-6s %14s %16s %22s %24s\n' conns sidecar/nginx sidecar/haproxy "added p99 sidecar ms" "added p99 nginx ms"
for c in $CONNECTIONS; do
  read -r drps dp50 dp99 <<<"${R[direct,$c]}"
  read -r nrps np50 np99 <<<"${R[nginx,$c]}"
  read -r hrps hp50 hp99 <<<"${R[haproxy,$c]}"
  read -r srps sp50 sp99 <<<"${R[sidecar,$c]}"
  awk -v c="$c" -v s="$srps" -v n="$nrps" -v h="$hrps" -v sp="$sp99" -v np="$np99" -v dp="$dp99" \
    'BEGIN {printf "%-6s %14.2f %16.2f %22.2f %24.2f\n", c, s/n, s/h, sp-dp, np-dp}'
done
printf '\n%-6s %18s %18s %16s\n' conns "sidecar cpu us/req" "alloc bytes/req" "gc pause ms/run"
for c in $CONNECTIONS; do
  read -r cpu alloc gc <<<"${S[$c]}"
  printf '%-6s %18s %18s %16s\n' "$c" "$cpu" "$alloc" "$gc"
done
echo
echo "sidecar RSS: peak $((HWM_KIB / 1024)) MiB, after the run $((RSS_KIB / 1024)) MiB, against a ${MEMORY_LIMIT_MIB} MiB limit" \
  "(JVM flags: ${SIDECAR_JAVA_OPTS:-from the launcher for that limit}); load average $(cut -d' ' -f1-3 /proc/loadavg)"
