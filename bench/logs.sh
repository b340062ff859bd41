#!/usr/bin/env bash
# Logs pipeline benchmark: the sidecar tailing a file of JSON lines, parsing them, enriching them with the pod's
# identity and forwarding them over TCP (Fluentd Forward, PackedForward with acks) to a counting sink, beside
# rsyslog (Debian) doing the same on the same file in the same run: imfile -> mmjsonparse -> the same four
# identity fields set -> omfwd over TCP (one JSON line per event) to the same sink in line mode. One at a time
# (2 cores here), each from a cold start with no checkpoint/state, timed from the first event the sink receives
# to the last; the two alternate for ROUNDS rounds so a busy machine weighs on both alike. Reports per round
# lines/s, CPU per line (process user+system time over that window), whole-run CPU and peak RSS, then the
# medians' sidecar/rsyslog ratios (goal: >= 1.5x the throughput at <= the CPU per line).
#
#   bench/logs.sh
#   LINES=200000 bench/logs.sh
#   TOOLS="sidecar rsyslog" bench/logs.sh   # without the no-ack variant
#   BUFFER_LINES=3000 bench/logs.sh         # the sidecar's logs.bufferLines (default 10000)
#   SIDECAR_JVM=-Xlog:gc:file=/tmp/gc.log bench/logs.sh   # JVM options for the sidecar only, beside the launcher's
#                                                         # flags (a GC log, a JFR recording); not for the sink
#
# sidecar-noack is the sidecar with requireAck: false (a batch counts as sent once written to the socket, as
# rsyslog's omfwd does): the difference to "sidecar" is what the per-batch ack round trip costs.
set -euo pipefail
cd "$(dirname "$0")/.."

LINES=${LINES:-1000000}
TOOLS=${TOOLS:-"sidecar sidecar-noack rsyslog"}
ROUNDS=${ROUNDS:-3}
TIMEOUT=${TIMEOUT:-600}
SINK_PORT=18960 BASE=18970
log() { echo "[bench/logs] $*" >&2; }

command -v rsyslogd >/dev/null || { log "installing rsyslog"; apt-get install -y -qq --no-install-recommends rsyslog >/dev/null; }
command -v bc >/dev/null || { log "installing bc"; apt-get install -y -qq --no-install-recommends bc >/dev/null; }
JAR=sidecar/target/outrigger-sidecar-0.1.0-SNAPSHOT.jar
bash hack/build-sidecar.sh
MSGPACK=$(ls sidecar/target/lib/msgpack-core-*.jar)

WORK=$(mktemp -d)
chmod 755 "$WORK"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

mkdir -p "$WORK/logs" "$WORK/tools"
javac -nowarn -cp "$MSGPACK" -d "$WORK/tools" bench/tools/LogSink.java
# One JSON object per line, as a structured logger writes them (about 260 bytes, unique ids, trace context).
log "writing $LINES lines"
awk -v n="$LINES" 'BEGIN {
  for (i = 0; i < n; i++)
    printf "{\"time\":\"2026-11-26T10:%02d:%02d.%03dZ\",\"level\":\"%s\",\"message\":\"GET /api/v1/items/%d answered 200\",\"logger\":\"http.access\",\"trace_id\":\"4bf92f3577b34da6a3ce929d%08x\",\"span_id\":\"00f067aa%08x\",\"id\":\"ev-%d\",\"user\":\"u%d\",\"latency_ms\":%d}\n", (i / 60000) % 60, (i / 1000) % 60, i % 1000, (i % 10 ? "INFO" : "WARN"), i, i, i, i, i % 977, i % 250
}' > "$WORK/app.log.src"
BYTES=$(stat -c %s "$WORK/app.log.src")

cpu_seconds() { awk '{printf "%.2f", ($14 + $15) / 100}' "/proc/$1/stat"; }
peak_rss_mb() { awk '/VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }
declare -A RATES CPUS RSS THREADS
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }

# run NAME MODE COMMAND...: starts the sink and the shipper, waits for every line, prints one table row.
run() {
  local name=$1 mode=$2; shift 2
  rm -rf "$WORK/logs" "$WORK/state" "$WORK/result"*; mkdir -p "$WORK/logs" "$WORK/state"
  cp "$WORK/app.log.src" "$WORK/logs/app.log"
  java -cp "$MSGPACK:$WORK/tools" LogSink "$mode" "$SINK_PORT" "$LINES" "$WORK/result" > "$WORK/sink-$name.log" 2>&1 &
  local sink=$!; PIDS+=($sink)
  sleep 1
  "$@" > "$WORK/$name.log" 2>&1 &
  local pid=$!; PIDS+=($pid)
  local deadline=$((SECONDS + TIMEOUT))
  until [[ -f $WORK/result.first ]]; do
    kill -0 $pid 2>/dev/null || { log "$name exited early:"; tail -20 "$WORK/$name.log" >&2; exit 1; }
    ((SECONDS < deadline)) || { log "$name sent nothing in ${TIMEOUT}s"; tail -20 "$WORK/$name.log" >&2; exit 1; }
    sleep 0.02
  done
  local c0; c0=$(cpu_seconds $pid)
  until [[ -f $WORK/result ]]; do
    ((SECONDS < deadline)) || { log "$name: not every line arrived in ${TIMEOUT}s"; tail -20 "$WORK/$name.log" >&2; exit 1; }
    sleep 0.02
  done
  local c1 rss; c1=$(cpu_seconds $pid); rss=$(peak_rss_mb $pid)
  # Where the process's CPU went, by thread (names as the kernel keeps them, 15 characters).
  THREADS[$name]+=$(for t in /proc/$pid/task/*; do
      awk '{sub(/^[0-9]+ \(/, ""); name = substr($0, 1, index($0, ") ") - 1); sub(/^.*\) /, "");
            printf "%s=%.1f\n", name, ($12 + $13) / 100}' "$t/stat"
    done | sort -t= -k2 -gr | head -4 | tr '\n' ' ')"| "
  kill $pid; wait $pid 2>/dev/null || true
  wait $sink 2>/dev/null || true
  read -r events first last < "$WORK/result"
  local secs rate cpu per
  secs=$(bc -l <<<"($last - $first) / 1000000000")
  rate=$(bc -l <<<"$events / $secs")
  cpu=$(bc -l <<<"$c1 - $c0")
  per=$(bc -l <<<"$cpu * 1000000 / $events")
  printf '%-13s %10d %9.2f %12.0f %9.2f %9.2f %14.2f %12s\n' "$name" "$events" "$secs" "$rate" "$cpu" "$c1" "$per" "$rss"
  RATES[$name]+="$rate "; CPUS[$name]+="$per "; RSS[$name]+="$rss "
}

# The sidecar with the launcher's flags, as in a pod; logs only (no proxy, scrape or tracing export).
cat > "$WORK/sidecar.yaml" <<YAML
proxy: {enabled: false}
tracing: {enabled: false}
logs:
  enabled: true
  directory: $WORK/logs
  paths: [$WORK/logs/app.log]
  readFrom: beginning
  bufferLines: ${BUFFER_LINES:-10000}
  parser: {format: json}
  outputs: {stdout: false, forward: {host: 127.0.0.1, port: $SINK_PORT, tag: bench, requireAck: true}}
YAML
sed 's/requireAck: true/requireAck: false/' "$WORK/sidecar.yaml" > "$WORK/sidecar-noack.yaml"

# rsyslog: the same file, parsed as JSON, the same identity fields added, one JSON line per event over TCP.
cat > "$WORK/rsyslog.conf" <<CONF
global(workDirectory="$WORK/state" maxMessageSize="64k")
module(load="imfile" mode="inotify")
module(load="mmjsonparse")
template(name="enriched" type="string" string="%\$!all-json%\n")
input(type="imfile" file="$WORK/logs/app.log" tag="app" ruleset="forward")
ruleset(name="forward") {
  action(type="mmjsonparse" cookie="" useRawMsg="on")
  set \$!k8s_pod_name = "app-0";
  set \$!k8s_namespace_name = "bench";
  set \$!k8s_node_name = "node-a";
  set \$!k8s_container_name = "app";
  action(type="omfwd" target="127.0.0.1" port="$SINK_PORT" protocol="tcp" template="enriched")
}
CONF

printf '\n%s lines, %s MB of JSON; %s\n' "$LINES" "$(bc <<<"$BYTES / 1048576")" "$(uptime | sed 's/.*load/load/')"
printf '%-13s %10s %9s %12s %9s %9s %14s %12s\n' tool lines seconds "lines_per_s" cpu_s cpu_all_s "cpu_us_per_line" peak_rss_mb
for ((round = 1; round <= ROUNDS; round++)); do
  for tool in $TOOLS; do
    case $tool in
      sidecar) run sidecar forward env POD_NAME=app-0 POD_NAMESPACE=bench NODE_NAME=node-a OUTRIGGER_PORT_BASE=$BASE \
                 OUTRIGGER_BIND=127.0.0.1 JAVA_TOOL_OPTIONS="${SIDECAR_JVM:-}" sidecar/bin/outrigger-sidecar --config "$WORK/sidecar.yaml" ;;
      sidecar-noack) run sidecar-noack forward env POD_NAME=app-0 POD_NAMESPACE=bench NODE_NAME=node-a \
                 OUTRIGGER_PORT_BASE=$BASE OUTRIGGER_BIND=127.0.0.1 JAVA_TOOL_OPTIONS="${SIDECAR_JVM:-}" sidecar/bin/outrigger-sidecar --config "$WORK/sidecar-noack.yaml" ;;
      rsyslog) run rsyslog lines rsyslogd -n -f "$WORK/rsyslog.conf" -i "$WORK/rsyslogd.pid" ;;
    esac
  done
done
echo
printf '%-13s %14s %16s %12s   (medians of %s rounds)\n' tool "lines_per_s" "cpu_us_per_line" peak_rss_mb "$ROUNDS"
declare -A MED_RATE MED_CPU
for tool in $TOOLS; do
  MED_RATE[$tool]=$(median <<<"${RATES[$tool]}"); MED_CPU[$tool]=$(median <<<"${CPUS[$tool]}")
  printf '%-13s %14.0f %16.2f %12s\n' "$tool" "${MED_RATE[$tool]}" "${MED_CPU[$tool]}" "$(median <<<"${RSS[$tool]}")"
done
echo "after the run: $(uptime | sed 's/.*load/load/')"
echo
echo "busiest threads (CPU seconds over the whole run, per round):"
for tool in $TOOLS; do printf '  %-13s %s\n' "$tool" "${THREADS[$tool]}"; done
if [[ -n ${MED_RATE[sidecar]:-} && -n ${MED_RATE[rsyslog]:-} ]]; then
  echo
  printf 'throughput, sidecar/rsyslog:   %.2fx (goal >= 1.5x)\n' "$(bc -l <<<"${MED_RATE[sidecar]} / ${MED_RATE[rsyslog]}")"
  printf 'CPU per line, sidecar/rsyslog: %.2fx (goal <= 1.0x)\n' "$(bc -l <<<"${MED_CPU[sidecar]} / ${MED_CPU[rsyslog]}")"
  printf 'peak RSS, sidecar/rsyslog:     %.2fx\n' "$(bc -l <<<"$(median <<<"${RSS[sidecar]}") / $(median <<<"${RSS[rsyslog]}")")"
fi
if [[ -n ${MED_RATE[sidecar-noack]:-} && -n ${MED_RATE[rsyslog]:-} ]]; then
  printf 'throughput without acks, sidecar-noack/rsyslog: %.2fx\n' "$(bc -l <<<"${MED_RATE[sidecar-noack]} / ${MED_RATE[rsyslog]}")"
fi
