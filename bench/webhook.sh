#!/usr/bin/env bash
# Injection webhook benchmark, in one run:
#  1. Through a real kube-apiserver 1.20.2 + etcd (hack/kube-apiserver.sh): captures the AdmissionReview bodies the
#     API server sends for three pods (small and medium fixtures, a large Deployment-made pod), then creates the
#     same pod CREATES times with the webhook registered and CREATES times without (alternating rounds) and
#     reports p50/p99 of a create and the difference: the latency the webhook adds to a pod create.
#  2. The webhook's HTTPS endpoint (AdmissionHttpsServer, 4 handler threads, an in-memory cluster view as the
#     operator's informers answer it) under wrk with keep-alive at 1/16/64 connections, replaying the captured
#     bodies; beside it, in the same JVM, the "floor": the same JDK HTTPS server answering a fixed review without
#     reading it, i.e. the transport alone. Ratio webhook/floor.
#  3. Fixed rate (open loop, RATE/s, 16 connections, latency from the time each request was due, so stalls are not
#     hidden) against the webhook and the floor: wrk2 is not in Debian, so a small Java client does it.
# Prints a table with the goals beside the figures: p99 <= 5 ms at 500 admissions/s; >= 3,000 admissions/s.
#
#   bench/webhook.sh
#   DURATION=30s CREATES=1000 bench/webhook.sh
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-"1 16 64"}
SIZES=${SIZES:-"small medium large"}
RATE=${RATE:-500}
RATE_SECONDS=${RATE_SECONDS:-20}
RATE_CONNECTIONS=${RATE_CONNECTIONS:-16}
CREATES=${CREATES:-500}
WEBHOOK_THREADS=${WEBHOOK_THREADS:-4}
WEBHOOK_JAVA_OPTS=${WEBHOOK_JAVA_OPTS:-"-XX:+UseParallelGC -Xms256m -Xmx256m"}
# NODELAY=true: TCP_NODELAY on the JDK HTTP server's sockets (-Dsun.net.httpserver.nodelay=true; off by default in the
# JDK). Without it a response written as two TLS records waits for the client's delayed ACK (~40 ms) under Nagle.
NODELAY=${NODELAY:-true}
WEBHOOK_JAVA_OPTS="$WEBHOOK_JAVA_OPTS -Dsun.net.httpserver.nodelay=$NODELAY"
CLIENT_JAVA_OPTS="-XX:+UseSerialGC -Xmx256m -XX:TieredStopAtLevel=1"
PORT=18443 FLOOR_PORT=18444
GOAL_P99_MS=5 GOAL_RPS=3000

log() { echo "[bench/webhook] $*" >&2; }

need=()
for p in wrk curl; do command -v "$p" >/dev/null || need+=("$p"); done
if ((${#need[@]})); then
  log "installing ${need[*]}"
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
hack/kube-apiserver.sh >/dev/null

WORK=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

log "building (test classes) and resolving the test classpath"
mvn -q -B -ntp -Dspotless.check.skip=true -pl webhook -am test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$WORK/cp.txt" >/dev/null
CP="webhook/target/test-classes:webhook/target/classes:$(cat "$WORK/cp.txt")"
run_java() { local opts=$1; shift; java $opts -cp "$CP" -Doutrigger.fixturesDir=webhook/src/test/resources/inject \
  -Dorg.slf4j.simpleLogger.defaultLogLevel=warn io.outrigger.webhook.bench.WebhookBenchmark "$@"; }

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
STARTED=$(date +%s)

# 1. The real API server: capture the bodies, then pod creates with and without the webhook.
log "real kube-apiserver: capturing AdmissionReviews, then $CREATES creates with and $CREATES without the webhook"
run_java "$WEBHOOK_JAVA_OPTS -Xmx512m" apiserver "$WORK" "$CREATES" 5 50 2> >(grep -v '^\[main\] INFO\|^SLF4J' >&2)
declare -A A
while IFS='=' read -r k v; do A[$k]=$v; done < "$WORK/apiserver.properties"

# 2. The HTTPS endpoint.
# exec: $! must be the JVM itself (for cleanup and its RSS), not a subshell around it.
(exec java $WEBHOOK_JAVA_OPTS -cp "$CP" -Doutrigger.fixturesDir=webhook/src/test/resources/inject \
  io.outrigger.webhook.bench.WebhookBenchmark serve "$WORK" $PORT $FLOOR_PORT "$WEBHOOK_THREADS") > "$WORK/serve.log" 2>&1 &
SERVE_PID=$!
PIDS+=($SERVE_PID)
for _ in $(seq 300); do grep -q '^ready' "$WORK/serve.log" && break; kill -0 $SERVE_PID 2>/dev/null || break; sleep 0.1; done
grep -q '^ready' "$WORK/serve.log" || { log "the webhook did not come up"; cat "$WORK/serve.log"; exit 1; }
grep '^\[bench\]' "$WORK/serve.log" >&2 || true

for size in $SIZES; do
  cat > "$WORK/$size.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = assert(io.open("$WORK/$size.json", "rb"))
wrk.body = f:read("*a")
f:close()
LUA
done

to_ms() { awk '{v=$1; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; printf "%.2f", v}'; }
wrk_run() { # port size connections duration -> "rps p50 p99"
  local threads=2 out
  (($3 == 1)) && threads=1
  out=$(wrk -t"$threads" -c"$3" -d"$4" --latency -s "$WORK/$2.lua" "https://127.0.0.1:$1/mutate")
  local rps p50 p99 errors
  rps=$(awk '/Requests\/sec/ {printf "%.0f", $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out" | to_ms)
  p99=$(awk '$1=="99%" {print $2}' <<<"$out" | to_ms)
  errors=$(awk '/Non-2xx|Socket errors/ {print}' <<<"$out" | tr '\n' ' ')
  [[ -n $errors ]] && log "port $1 $2 c=$3: $errors"
  echo "$rps $p50 $p99"
}
# Mean time inside the handler (JSON in, injection, diff, JSON out), from the webhook's own histogram.
handler_snapshot() { curl -sk "https://127.0.0.1:$PORT/metrics" |
  awk '/_duration_seconds_sum/ {s=$2} /_duration_seconds_count/ {c=$2} END {print s, c}'; }

log "warming up (JIT) ..."
for size in $SIZES; do wrk_run $PORT "$size" 16 10s >/dev/null; wrk_run $FLOOR_PORT "$size" 16 3s >/dev/null; done

declare -A R H
for size in $SIZES; do
  read -r s0 c0 < <(handler_snapshot)
  for c in $CONNECTIONS; do
    log "$size body, $c connections, $DURATION each: webhook, floor"
    R[webhook,$size,$c]=$(wrk_run $PORT "$size" "$c" "$DURATION")
    R[floor,$size,$c]=$(wrk_run $FLOOR_PORT "$size" "$c" "$DURATION")
  done
  read -r s1 c1 < <(handler_snapshot)
  H[$size]=$(awk -v s0="$s0" -v s1="$s1" -v c0="$c0" -v c1="$c1" 'BEGIN {printf "%.3f", (s1-s0)/(c1-c0)*1000}')
done

# 3. Fixed rate, open loop.
declare -A F
for size in $SIZES; do
  for t in webhook:$PORT floor:$FLOOR_PORT; do
    name=${t%%:*} port=${t##*:}
    log "$name, $size body, fixed $RATE/s for ${RATE_SECONDS}s (+5 s warm-up), $RATE_CONNECTIONS connections"
    F[$name,$size]=$(run_java "$CLIENT_JAVA_OPTS" rate "https://127.0.0.1:$port/mutate" "$WORK/$size.json" \
      "$RATE" "$RATE_SECONDS" 5 "$RATE_CONNECTIONS" "$WORK/ca.pem")
  done
done
RSS_KIB=$(awk '/VmRSS/ {print $2}' "/proc/$SERVE_PID/status")
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

bytes() { stat -c %s "$WORK/$1.json"; }
echo
echo "== Webhook HTTPS endpoint, wrk with keep-alive, $DURATION per cell (floor: same JDK HTTPS server, fixed answer)"
printf '%-7s %7s %6s %12s %8s %8s %10s %8s %8s %14s %12s\n' \
  body bytes conns "webhook adm/s" "p50 ms" "p99 ms" "floor rq/s" "p50 ms" "p99 ms" "webhook/floor" "handler ms"
for size in $SIZES; do
  for c in $CONNECTIONS; do
    read -r wr w50 w99 <<<"${R[webhook,$size,$c]}"
    read -r fr f50 f99 <<<"${R[floor,$size,$c]}"
    printf '%-7s %7s %6s %12s %8s %8s %10s %8s %8s %14s %12s\n' "$size" "$(bytes "$size")" "$c" "$wr" "$w50" "$w99" \
      "$fr" "$f50" "$f99" "$(awk -v a="$wr" -v b="$fr" 'BEGIN {printf "%.2f", a/b}')" "${H[$size]}"
  done
done
echo
echo "== Fixed rate $RATE/s, open loop, $RATE_CONNECTIONS connections, ${RATE_SECONDS} s, latency from the intended send time"
printf '%-7s %-8s %9s %8s %8s %8s %9s %8s %7s\n' body target "done/s" "p50 ms" "p99 ms" "p99.9 ms" "max ms" errors samples
for size in $SIZES; do
  for name in webhook floor; do
    read -r _ ach n p50 p99 p999 max err <<<"${F[$name,$size]}"
    printf '%-7s %-8s %9s %8s %8s %8s %9s %8s %7s\n' "$size" "$name" "$ach" "$p50" "$p99" "$p999" "$max" "$err" "$n"
  done
done
echo
echo "== Pod create through the real kube-apiserver ${A[server]} + etcd, ${A[creates]} sequential creates each (medium pod, review ${A[review_bytes]} bytes)"
printf '%-22s %8s %8s %9s\n' "" "p50 ms" "p99 ms" "mean ms"
printf '%-22s %8s %8s %9s\n' "without the webhook" "${A[without_p50_ms]}" "${A[without_p99_ms]}" "${A[without_mean_ms]}"
printf '%-22s %8s %8s %9s\n' "with the webhook" "${A[with_p50_ms]}" "${A[with_p99_ms]}" "${A[with_mean_ms]}"
awk -v a="${A[with_p50_ms]}" -v b="${A[without_p50_ms]}" -v c="${A[with_p99_ms]}" -v d="${A[without_p99_ms]}" \
  -v e="${A[with_mean_ms]}" -v f="${A[without_mean_ms]}" 'BEGIN {printf "%-22s %8.2f %8.2f %9.2f\n", "added by the webhook", a-b, c-d, e-f}'

echo
echo "== Goals"
for size in $SIZES; do
  best=0
  for c in $CONNECTIONS; do read -r wr _ <<<"${R[webhook,$size,$c]}"; ((wr > best)) && best=$wr; done
  read -r _ _ _ _ p99 _ _ err <<<"${F[webhook,$size]}"
  awk -v s="$size" -v b="$best" -v g="$GOAL_RPS" -v p="$p99" -v gp="$GOAL_P99_MS" -v r="$RATE" -v e="$err" 'BEGIN {
    printf "%-7s peak %6d adm/s (goal >= %d): %-8s p99 at %d/s %6.2f ms (goal <= %d ms): %s\n",
      s, b, g, (b >= g ? "met" : "NOT met"), r, p, gp, (p <= gp && e == 0 ? "met" : "NOT met") }'
done
echo
echo "webhook JVM: $WEBHOOK_JAVA_OPTS (NODELAY=$NODELAY), $WEBHOOK_THREADS handler threads, RSS after the run $((RSS_KIB / 1024)) MiB"
echo "load average (1/5/15 min) before: $LOAD_BEFORE, after: $LOAD_AFTER on $(nproc) cores; took $(( $(date +%s) - STARTED )) s"
