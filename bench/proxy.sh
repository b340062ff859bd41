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
#   SIDECAR_TRANSPORTS=epoll bench/proxy.sh   # only the default transport (both run by default: "epoll io_uring",
#                                             # the second as target "sidecar-uring", OUTRIGGER_TRANSPORT=io_uring)
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-10s}
# The default sidecar memory limit (chart values sidecar.resources.limits.memory): the launcher sizes the heap
# from it as the webhook's OUTRIGGER_MEMORY_LIMIT does in a pod.
MEMORY_LIMIT_MIB=${MEMORY_LIMIT_MIB:-192}
SIDECAR_JAVA_OPTS=${SIDECAR_JAVA_OPTS:-}
CONNECTIONS=${CONNECTIONS:-"16 64 256"}
SIDECAR_TRANSPORTS=${SIDECAR_TRANSPORTS:-"epoll io_uring"}
BACKEND_PORT=18080 NGINX_PORT=18081 HAPROXY_PORT=18082
# Each sidecar variant: a target name, its port base (listener at +6, telemetry at +20) and its transport.
declare -A SC_BASE SC_TRANSPORT SC_PID
SIDECARS=()
base=18100
for transport in $SIDECAR_TRANSPORTS; do
  name=sidecar; [[ $transport == epoll ]] || name=sidecar-${transport#io_}
  SIDECARS+=("$name") SC_BASE[$name]=$base SC_TRANSPORT[$name]=$transport
  base=$((base + 100))
done

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
for name in "${SIDECARS[@]}"; do
  OUTRIGGER_PORT_BASE=${SC_BASE[$name]} OUTRIGGER_BIND=127.0.0.1 OUTRIGGER_EVENT_LOOPS=2 \
    OUTRIGGER_TRANSPORT=${SC_TRANSPORT[$name]} \
    OUTRIGGER_MEMORY_LIMIT=$((MEMORY_LIMIT_MIB * 1024 * 1024)) OUTRIGGER_JAR="$JAR" \
    ${SIDECAR_JAVA_OPTS:+OUTRIGGER_JAVA_OPTS="$SIDECAR_JAVA_OPTS"} \
    sidecar/bin/outrigger-sidecar run --config "$WORK/sidecar.yaml" > "$WORK/logs/$name.log" 2>&1 & SC_PID[$name]=$!
  PIDS+=(${SC_PID[$name]})
done
port_of() { case $1 in direct) echo $BACKEND_PORT ;; nginx) echo $NGINX_PORT ;; haproxy) echo $HAPROXY_PORT ;;
  *) echo $((SC_BASE[$1] + 6)) ;; esac; }

for port in $BACKEND_PORT $NGINX_PORT $HAPROXY_PORT $(for n in "${SIDECARS[@]}"; do port_of "$n"; done); do
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
sidecar_counters() { # name
  local ticks alloc gc
  ticks=$(awk '{print $14 + $15}' "/proc/${SC_PID[$1]}/stat")
  read -r alloc gc < <(curl -sf "http://127.0.0.1:$((SC_BASE[$1] + 20))/metrics" | awk '
    /^jvm_gc_memory_allocated_bytes_total/ {a += $NF}
    /^jvm_gc_pause_seconds_sum/ {g += $NF}
    END {printf "%.0f %.6f\n", a, g}')
  echo "$ticks $alloc $gc"
}

log "warming up (JIT for the sidecar, caches for all) ..."
for name in nginx haproxy "${SIDECARS[@]}"; do wrk -t2 -c64 -d5s "http://127.0.0.1:$(port_of "$name")/1k" >/dev/null; done

declare -A R S
TARGETS=(direct nginx haproxy "${SIDECARS[@]}")
for c in $CONNECTIONS; do
  for name in "${TARGETS[@]}"; do
    port=$(port_of "$name")
    sidecar=; [[ $name == sidecar* ]] && sidecar=1
    log "$name, $c connections, $DURATION"
    [[ -n $sidecar ]] && read -r t0 a0 g0 < <(sidecar_counters "$name")
    R[$name,$c]=$(run "$name" "$port" "$c")
    if [[ -n $sidecar ]]; then
      read -r t1 a1 g1 < <(sidecar_counters "$name")
      read -r srps _ <<<"${R[$name,$c]}"
      S[$name,$c]=$(awk -v t="$((t1 - t0))" -v hz="$CLK_TCK" -v a="$((a1 - a0))" -v g0="$g0" -v g1="$g1" -v r="$srps" \
        -v d="${DURATION%s}" 'BEGIN {n = r * d; printf "%.1f %.0f %.0f", t / hz * 1e6 / n, a / n, (g1 - g0) * 1000}')
    fi
  done
done
printf '\n%-6s %-13s %10s %9s %9s\n' conns target req/s p50_ms p99_ms
for c in $CONNECTIONS; do
  for name in "${TARGETS[@]}"; do
    read -r rps p50 p99 <<<"${R[$name,$c]}"
    printf '%-6s %-13s %10s %9s %9s\n' "$c" "$name" "$rps" "$p50" "$p99"
  done
done
printf '\n%-6s %-13s %10s %11s %22s %24s\n' conns sidecar "/nginx" "/haproxy" "added p99 sidecar ms" "added p99 nginx ms"
for c in $CONNECTIONS; do
  read -r drps dp50 dp99 <<<"${R[direct,$c]}"
  read -r nrps np50 np99 <<<"${R[nginx,$c]}"
  read -r hrps hp50 hp99 <<<"${R[haproxy,$c]}"
  for name in "${SIDECARS[@]}"; do
    read -r srps sp50 sp99 <<<"${R[$name,$c]}"
    awk -v c="$c" -v t="$name" -v s="$srps" -v n="$nrps" -v h="$hrps" -v sp="$sp99" -v np="$np99" -v dp="$dp99" \
      'BEGIN {printf "%-6s %-13s %10.2f %11.2f %22.2f %24.2f\n", c, t, s/n, s/h, sp-dp, np-dp}'
  done
done
printf '\n%-6s %-13s %18s %18s %16s\n' conns sidecar "cpu us/req" "alloc bytes/req" "gc pause ms/run"
for c in $CONNECTIONS; do
  for name in "${SIDECARS[@]}"; do
    read -r cpu alloc gc <<<"${S[$name,$c]}"
    printf '%-6s %-13s %18s %18s %16s\n' "$c" "$name" "$cpu" "$alloc" "$gc"
  done
done
echo
for name in "${SIDECARS[@]}"; do
  echo "$name RSS: peak $(($(awk '/VmHWM/ {print $2}' "/proc/${SC_PID[$name]}/status") / 1024)) MiB," \
    "after the run $(($(awk '/VmRSS/ {print $2}' "/proc/${SC_PID[$name]}/status") / 1024)) MiB, against a" \
    "${MEMORY_LIMIT_MIB} MiB limit; $(grep -o '"transport":"[^"]*"' "$WORK/logs/$name.log" | head -1)"
done
echo "(JVM flags: ${SIDECAR_JAVA_OPTS:-from the launcher for that limit}); load average $(cut -d' ' -f1-3 /proc/loadavg)"
