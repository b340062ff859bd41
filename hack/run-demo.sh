#!/usr/bin/env bash
# `make run`: the demo app (examples/demo-app) with the sidecar in front of it, standalone, on this machine.
# Prints the URLs and curl commands to try; Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."

JAR=sidecar/target/outrigger-sidecar-0.1.0-SNAPSHOT.jar
DEMO_DIR=${DEMO_DIR:-/tmp/outrigger-demo}
mkdir -p "$DEMO_DIR"

bash hack/build-sidecar.sh   # first time: a minute or two

for port in 8080 15006 15020; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "port $port is already in use; stop what runs there (or an earlier make run) first" >&2
    exit 1
  fi
done

PIDS=()
stop() {
  echo
  echo "stopping..."
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop EXIT INT TERM

DEMO_SHUTDOWN_DELAY_SECONDS=0 DEMO_LOG_FILE="$DEMO_DIR/app.log" java examples/demo-app/DemoApp.java > "$DEMO_DIR/demo-app.out" 2>&1 &
PIDS+=($!)
OUTRIGGER_BIND=127.0.0.1 sidecar/bin/outrigger-sidecar --config examples/sidecar.yaml > "$DEMO_DIR/sidecar.out" 2>&1 &
PIDS+=($!)

for url in http://127.0.0.1:8080/healthz http://127.0.0.1:15020/readyz; do
  for _ in $(seq 150); do curl -sf -o /dev/null "$url" && break; sleep 0.2; done
  curl -sf -o /dev/null "$url" || { echo "did not come up: $url" >&2; cat "$DEMO_DIR"/*.out >&2; exit 1; }
done

cat <<TXT

Outrigger is running in front of the demo app.

  demo app (direct)      http://127.0.0.1:8080
  through the sidecar    http://127.0.0.1:15006
  sidecar telemetry      http://127.0.0.1:15020/metrics   /healthz   /readyz
  app log file           $DEMO_DIR/app.log
  sidecar log            $DEMO_DIR/sidecar.out

Try:
  curl -i http://127.0.0.1:15006/orders/42
  curl -i -H 'traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' http://127.0.0.1:15006/orders/7
  tail -n 2 $DEMO_DIR/app.log        # the app's log lines carry the sidecar's trace id
  grep log.file.path $DEMO_DIR/sidecar.out | tail -n 1   # the same line, parsed, enriched, forwarded (stdout output)
  curl -i http://127.0.0.1:15006/fail
  curl -s http://127.0.0.1:15020/metrics | grep '^outrigger_requests_total'
  curl -s http://127.0.0.1:15020/metrics | grep '^demo_requests_total'   # the app's metrics, with pod labels added

Ctrl-C stops both.
TXT
wait
