#!/usr/bin/env bash
# Metrics pipeline benchmark: the sidecar scraping, parsing, enriching and exposing the app's metrics, beside
# vmagent (Debian's victoria-metrics package) scraping the same target and relabelling it with the same five
# labels, in one run. Both scrape every second; the sidecar's merged /metrics is read every second too (the
# "expose" part), vmagent remote-writes to a sink that discards. Reports CPU per sample (process CPU time over
# scrapes x series), scrape cycle times and peak RSS (VmHWM), for 10k and 100k series per scrape.
#
#   bench/metrics.sh
#   SECONDS_PER_RUN=60 SIZES="10000" bench/metrics.sh
set -euo pipefail
cd "$(dirname "$0")/.."

RUN=${SECONDS_PER_RUN:-20}
SIZES=${SIZES:-"10000 100000"}
PORT=18900 SIDECAR_BASE=18920 VMAGENT_PORT=18950
declare -A S_PER V_PER
log() { echo "[bench/metrics] $*" >&2; }

need=()
for p in nginx vmagent curl bc; do command -v "$p" >/dev/null || need+=("$p"); done
if ((${#need[@]})); then
  log "installing nginx victoria-metrics curl bc"
  apt-get install -y -qq --no-install-recommends nginx victoria-metrics curl bc >/dev/null
fi
JAR=sidecar/target/outrigger-sidecar-0.1.0-SNAPSHOT.jar
bash hack/build-sidecar.sh

WORK=$(mktemp -d)
chmod 755 "$WORK"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

for n in $SIZES; do
  awk -v n="$n" 'BEGIN {
    print "# HELP app_requests_total Requests by handler and code."; print "# TYPE app_requests_total counter";
    for (i = 0; i < n; i++) printf "app_requests_total{handler=\"/api/v1/item/%d\",code=\"%d\",method=\"GET\"} %d\n", i, 200 + (i % 5), i * 7
  }' > "$WORK/m$n"
done
cat > "$WORK/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_max_body_size 64m;
  server {
    listen 127.0.0.1:$PORT;
    root $WORK;
    location /m { default_type "text/plain; version=0.0.4"; }
    location = /api/v1/write { return 204; }
  }
}
CONF
nginx -c "$WORK/nginx.conf" -e "$WORK/nginx-error.log" & PIDS+=($!)
sleep 0.5

cpu_seconds() { awk '{printf "%.2f", ($14 + $15) / 100}' "/proc/$1/stat"; }
metric() { curl -s "$1" | awk -v name="$2" '$1 ~ "^"name {v = $2} END {print v + 0}'; }

printf '\n%-8s %-9s %12s %12s %18s %16s %16s %14s\n' series tool scrapes cpu_s "cpu_per_sample_us" "cycle_p50_ms" "cycle_p99_ms" "peak_rss_mib"
peak_rss_mib() { awk '/VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }
for n in $SIZES; do
  # The sidecar, with the launcher (as in a pod), scraping the app and exposing the merged result.
  printf 'proxy: {appPorts: []}\nmetrics: {scrape: {port: %s, path: /m%s, interval: 1s, timeout: 1s}, maxSeries: 1000000}\n' "$PORT" "$n" > "$WORK/sidecar.yaml"
  # The launcher's flags, with a heap that holds a 100k-series scrape (about 12 MB of text, parsed and enriched).
  OUTRIGGER_PORT_BASE=$SIDECAR_BASE OUTRIGGER_BIND=127.0.0.1 \
    OUTRIGGER_JAVA_OPTS=${SIDECAR_JAVA_OPTS:-"-XX:+UseSerialGC -Xms64m -Xmx384m -Xss512k -XX:-UsePerfData -XX:+ExitOnOutOfMemoryError"} \
    sidecar/bin/outrigger-sidecar --config "$WORK/sidecar.yaml" > "$WORK/sidecar.log" 2>&1 & SPID=$!
  PIDS+=($SPID)
  until curl -sf -o /dev/null "http://127.0.0.1:$((SIDECAR_BASE + 20))/readyz"; do sleep 0.1; done
  M="http://127.0.0.1:$((SIDECAR_BASE + 20))/metrics"
  sleep 5  # warm-up (JIT)
  c0=$(cpu_seconds $SPID); s0=$(metric "$M" 'outrigger_app_scrape_duration_seconds_count')
  end=$((SECONDS + RUN))
  while ((SECONDS < end)); do curl -s -o /dev/null "$M"; sleep 1; done
  c1=$(cpu_seconds $SPID); s1=$(metric "$M" 'outrigger_app_scrape_duration_seconds_count')
  p50=$(curl -s "$M" | awk '/^outrigger_app_scrape_duration_seconds\{.*quantile="0.5"/ {print $2 * 1000}')
  p99=$(curl -s "$M" | awk '/^outrigger_app_scrape_duration_seconds\{.*quantile="0.99"/ {print $2 * 1000}')
  scrapes=$(bc <<<"$s1 - $s0"); cpu=$(bc <<<"$c1 - $c0")
  per=$(bc -l <<<"$cpu * 1000000 / ($scrapes * $n)")
  printf '%-8s %-9s %12.0f %12.2f %18.3f %16.1f %16.1f %14s\n' "$n" sidecar "$scrapes" "$cpu" "$per" "$p50" "$p99" "$(peak_rss_mib $SPID)"
  S_PER[$n]=$per
  kill $SPID; wait $SPID 2>/dev/null || true

  # vmagent scraping the same target, adding the same five labels, remote-writing to a discarding sink.
  cat > "$WORK/scrape.yml" <<YML
scrape_configs:
  - job_name: app
    scrape_interval: 1s
    scrape_timeout: 1s
    metrics_path: /m$n
    static_configs: [{targets: ['127.0.0.1:$PORT']}]
    relabel_configs:
      - {target_label: namespace, replacement: bench}
      - {target_label: pod, replacement: app-0}
      - {target_label: node, replacement: node-a}
      - {target_label: container, replacement: app}
      - {target_label: workload, replacement: app}
YML
  vmagent -promscrape.config="$WORK/scrape.yml" -remoteWrite.url="http://127.0.0.1:$PORT/api/v1/write" \
    -httpListenAddr="127.0.0.1:$VMAGENT_PORT" -remoteWrite.tmpDataPath="$WORK/vmagent-data" -loggerLevel=ERROR \
    > "$WORK/vmagent.log" 2>&1 & VPID=$!
  PIDS+=($VPID)
  V="http://127.0.0.1:$VMAGENT_PORT/metrics"
  until curl -sf -o /dev/null "$V"; do sleep 0.1; done
  sleep 5
  c0=$(cpu_seconds $VPID); s0=$(metric "$V" 'vm_promscrape_scrapes_total')
  sleep "$RUN"
  c1=$(cpu_seconds $VPID); s1=$(metric "$V" 'vm_promscrape_scrapes_total')
  dsum=$(metric "$V" 'vm_promscrape_scrape_duration_seconds_sum'); dcount=$(metric "$V" 'vm_promscrape_scrape_duration_seconds_count')
  scrapes=$(bc <<<"$s1 - $s0"); cpu=$(bc <<<"$c1 - $c0")
  per=$(bc -l <<<"$cpu * 1000000 / ($scrapes * $n)")
  mean=$(bc -l <<<"if ($dcount > 0) $dsum * 1000 / $dcount else 0")
  printf '%-8s %-9s %12.0f %12.2f %18.3f %16.1f %16s %14s\n' "$n" vmagent "$scrapes" "$cpu" "$per" "$mean" "(mean)" "$(peak_rss_mib $VPID)"
  V_PER[$n]=$per
  kill $VPID; wait $VPID 2>/dev/null || true
done
echo
for n in $SIZES; do
  printf 'CPU per sample, sidecar/vmagent at %s series: %.2fx (goal <= 1.5x)\n' "$n" "$(bc -l <<<"${S_PER[$n]} / ${V_PER[$n]}")"
done
