#!/usr/bin/env bash
# A single-node Kubernetes 1.20.2 on this machine, from what `make test` built (hack/kube-apiserver.sh) and
# Debian's containerd, runc and CNI plugins: etcd, kube-apiserver, kube-controller-manager, kube-scheduler,
# containerd, kubelet, kube-proxy (iptables) and a cluster DNS for Services.
#
#   hack/cluster.sh up       # idempotent; prints the admin kubeconfig's path
#   hack/cluster.sh down     # stops everything and removes what up made: processes, mounts, network
#                            # namespaces, the bridge, iptables chains, cgroups, the state directory
#   hack/cluster.sh status   # exit 0 when the node is Ready
#
# Addresses: the node and its pods on 198.51.100.0/24 (bridge outrigger0 at .1, the node's own address),
# Services on 203.0.113.128/26: this sandbox reaches its package registries at 203.0.113.80, so no route of
# ours may cover that address (and the sidecar's InterceptionIT links the host on 203.0.113.252/30). Nothing is masqueraded out: pods reach only the node and each other.
# Cluster DNS: Debian has no CoreDNS; dnsmasq answers <svc>.<ns>.svc.cluster.local from a hosts directory that
# a small loop keeps in step with the Services (ClusterIP Services only).
set -euo pipefail
SELF=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
cd "$(dirname "$0")/.."
source hack/lib.sh

CACHE_DIR="${OUTRIGGER_CACHE:-$HOME/.cache/outrigger}"
BIN="$CACHE_DIR/kube-api-test/k8s/1.20.2-linux-amd64"
STATE=${OUTRIGGER_CLUSTER_DIR:-/var/lib/outrigger-cluster}
NODE=outrigger-node
BRIDGE=outrigger0
NODE_IP=198.51.100.1
POD_CIDR=198.51.100.0/24
SERVICE_CIDR=203.0.113.128/26
KUBERNETES_SERVICE_IP=203.0.113.129
API_PORT=16443
ETCD_PORT=22379
SOCK=$STATE/containerd/containerd.sock
CHAIN=OUTRIGGER-CLUSTER
PACKAGES=(containerd runc containernetworking-plugins dnsmasq-base conntrack iptables iproute2 openssl mmdebstrap umoci)

log() { echo "[cluster.sh] $*" >&2; }

kubectl_admin() { "$BIN/kubectl" --kubeconfig "$STATE/admin.kubeconfig" "$@"; }

# start NAME COMMAND...: runs it in the background with its log and pid file under $STATE; no-op when running.
start() {
  local name=$1
  shift
  if running "$name"; then return; fi
  nohup "$@" >"$STATE/logs/$name.log" 2>&1 &
  echo $! >"$STATE/pids/$name"
}

running() { [[ -f $STATE/pids/$1 ]] && kill -0 "$(cat "$STATE/pids/$1")" 2>/dev/null; }

stop() {
  local name=$1 pid
  [[ -f $STATE/pids/$name ]] || return 0
  pid=$(cat "$STATE/pids/$name")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$STATE/pids/$name"
}

wait_for() {
  local what=$1 seconds=$2
  shift 2
  for _ in $(seq $((seconds * 2))); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  log "timed out after ${seconds}s waiting for $what; logs in $STATE/logs"
  return 1
}

kubeconfig() {
  local user=$1 token=$2
  cat <<EOF
apiVersion: v1
kind: Config
clusters:
- name: outrigger
  cluster: {server: "https://$NODE_IP:$API_PORT", certificate-authority: "$STATE/pki/ca.crt"}
users:
- name: $user
  user: {token: "$token"}
contexts:
- name: outrigger
  context: {cluster: outrigger, user: $user}
current-context: outrigger
EOF
}

pki() {
  local p=$STATE/pki
  [[ -f $p/ca.crt ]] && return
  mkdir -p "$p"
  openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=outrigger-local-ca" \
    -keyout "$p/ca.key" -out "$p/ca.crt" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=kube-apiserver" -keyout "$p/apiserver.key" -out "$p/apiserver.csr" 2>/dev/null
  printf 'subjectAltName=IP:%s,IP:%s,IP:127.0.0.1,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,DNS:localhost\n' \
    "$NODE_IP" "$KUBERNETES_SERVICE_IP" >"$p/apiserver.ext"
  openssl x509 -req -in "$p/apiserver.csr" -CA "$p/ca.crt" -CAkey "$p/ca.key" -CAcreateserial -days 30 \
    -extfile "$p/apiserver.ext" -out "$p/apiserver.crt" 2>/dev/null
  # The API server's client certificate toward the kubelet (logs, exec, port-forward).
  openssl req -newkey rsa:2048 -nodes -subj "/O=system:masters/CN=kube-apiserver-kubelet-client" \
    -keyout "$p/kubelet-client.key" -out "$p/kubelet-client.csr" 2>/dev/null
  openssl x509 -req -in "$p/kubelet-client.csr" -CA "$p/ca.crt" -CAkey "$p/ca.key" -CAcreateserial -days 30 \
    -out "$p/kubelet-client.crt" 2>/dev/null
  openssl genrsa -out "$p/sa.key" 2048 2>/dev/null
  openssl rsa -in "$p/sa.key" -pubout -out "$p/sa.pub" 2>/dev/null
  # Static tokens, one per component, each with the identity Kubernetes' bootstrap RBAC knows it by.
  local admin kubelet scheduler controller proxy dns
  admin=$(openssl rand -hex 16) kubelet=$(openssl rand -hex 16) scheduler=$(openssl rand -hex 16)
  controller=$(openssl rand -hex 16) proxy=$(openssl rand -hex 16) dns=$(openssl rand -hex 16)
  cat >"$p/tokens.csv" <<EOF
$admin,admin,admin,system:masters
$kubelet,system:node:$NODE,system:node:$NODE,system:nodes
$scheduler,system:kube-scheduler,system:kube-scheduler
$controller,system:kube-controller-manager,system:kube-controller-manager,system:masters
$proxy,system:kube-proxy,system:kube-proxy
$dns,outrigger:cluster-dns,outrigger:cluster-dns,system:masters
EOF
  chmod 0600 "$p"/*.key "$p/tokens.csv"
  kubeconfig admin "$admin" >"$STATE/admin.kubeconfig"
  kubeconfig kubelet "$kubelet" >"$STATE/kubelet.kubeconfig"
  kubeconfig scheduler "$scheduler" >"$STATE/scheduler.kubeconfig"
  kubeconfig controller-manager "$controller" >"$STATE/controller-manager.kubeconfig"
  kubeconfig kube-proxy "$proxy" >"$STATE/kube-proxy.kubeconfig"
  kubeconfig cluster-dns "$dns" >"$STATE/cluster-dns.kubeconfig"
}

network() {
  if ! ip link show "$BRIDGE" >/dev/null 2>&1; then
    ip link add "$BRIDGE" type bridge
    ip addr add "$NODE_IP/24" dev "$BRIDGE"
    ip link set "$BRIDGE" up
  fi
  # Service addresses are on the bridge's side even before kube-proxy writes its rules: never toward the uplink.
  ip route replace "$SERVICE_CIDR" dev "$BRIDGE" src "$NODE_IP"
  [[ -f $STATE/ip_forward.saved ]] || sysctl -n net.ipv4.ip_forward >"$STATE/ip_forward.saved"
  sysctl -qw net.ipv4.ip_forward=1
  # Bridged pod-to-pod traffic must pass iptables for Service replies to be un-DNATed.
  sysctl -qw net.bridge.bridge-nf-call-iptables=1 2>/dev/null || log "br_netfilter is missing: Services between pods may fail"
  # Pods reach the node and each other, nothing beyond (the host's uplink network included).
  if ! iptables -w -n -L "$CHAIN" >/dev/null 2>&1; then
    iptables -w -N "$CHAIN"
    iptables -w -A "$CHAIN" -s "$POD_CIDR" -d "$POD_CIDR" -j RETURN
    iptables -w -A "$CHAIN" -s "$POD_CIDR" -j DROP
    iptables -w -I FORWARD 1 -j "$CHAIN"
  fi
  mkdir -p "$STATE/cni" "$STATE/cni-ipam"
  cat >"$STATE/cni/10-outrigger.conflist" <<EOF
{"cniVersion": "0.4.0", "name": "outrigger", "plugins": [
  {"type": "bridge", "bridge": "$BRIDGE", "isGateway": true, "ipMasq": false, "hairpinMode": true,
   "ipam": {"type": "host-local", "dataDir": "$STATE/cni-ipam",
            "ranges": [[{"subnet": "$POD_CIDR", "rangeStart": "198.51.100.16", "gateway": "$NODE_IP"}]],
            "routes": [{"dst": "0.0.0.0/0"}]}},
  {"type": "portmap", "capabilities": {"portMappings": true}}]}
EOF
}

control_plane() {
  mkdir -p "$STATE/etcd"
  start etcd "$BIN/etcd" --data-dir "$STATE/etcd" --name outrigger \
    --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls "http://127.0.0.1:$((ETCD_PORT + 1))" --initial-advertise-peer-urls "http://127.0.0.1:$((ETCD_PORT + 1))" \
    --initial-cluster "outrigger=http://127.0.0.1:$((ETCD_PORT + 1))"
  local p=$STATE/pki
  start kube-apiserver "$BIN/kube-apiserver" --etcd-servers "http://127.0.0.1:$ETCD_PORT" \
    --bind-address "$NODE_IP" --advertise-address "$NODE_IP" --secure-port "$API_PORT" --insecure-port 0 \
    --service-cluster-ip-range "$SERVICE_CIDR" --allow-privileged=true \
    --tls-cert-file "$p/apiserver.crt" --tls-private-key-file "$p/apiserver.key" --client-ca-file "$p/ca.crt" \
    --token-auth-file "$p/tokens.csv" --authorization-mode Node,RBAC --enable-admission-plugins NodeRestriction \
    --service-account-key-file "$p/sa.pub" --service-account-signing-key-file "$p/sa.key" \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --api-audiences https://kubernetes.default.svc.cluster.local \
    --kubelet-client-certificate "$p/kubelet-client.crt" --kubelet-client-key "$p/kubelet-client.key" \
    --kubelet-preferred-address-types InternalIP
  wait_for "the API server" 90 kubectl_admin get --raw /readyz
  start kube-controller-manager "$BIN/kube-controller-manager" --kubeconfig "$STATE/controller-manager.kubeconfig" \
    --authentication-kubeconfig "$STATE/controller-manager.kubeconfig" \
    --authorization-kubeconfig "$STATE/controller-manager.kubeconfig" \
    --service-account-private-key-file "$p/sa.key" --root-ca-file "$p/ca.crt" \
    --leader-elect=false --port 0 --bind-address 127.0.0.1 --controllers '*,-nodeipam,-csrsigning'
  start kube-scheduler "$BIN/kube-scheduler" --kubeconfig "$STATE/scheduler.kubeconfig" \
    --authentication-kubeconfig "$STATE/scheduler.kubeconfig" --authorization-kubeconfig "$STATE/scheduler.kubeconfig" \
    --leader-elect=false --port 0 --bind-address 127.0.0.1
}

runtime() {
  mkdir -p "$STATE/containerd"
  cat >"$STATE/containerd/config.toml" <<EOF
version = 2
root = "$STATE/containerd/root"
state = "$STATE/containerd/state"
[grpc]
  address = "$SOCK"
[ttrpc]
  address = "$SOCK.ttrpc"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "registry.k8s.io/pause:3.2"
  # This VM refuses to lower oom_score_adj; without this every sandbox fails in runc.
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$STATE/cni"
  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
    runtime_type = "io.containerd.runc.v2"
EOF
  start containerd containerd --config "$STATE/containerd/config.toml"
  wait_for containerd 30 ctr --address "$SOCK" version
}

node() {
  mkdir -p "$STATE/kubelet"
  echo "nameserver $NODE_IP" >"$STATE/resolv.conf"
  cat >"$STATE/kubelet/config.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
cgroupDriver: cgroupfs
failSwapOn: false
address: $NODE_IP
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: "$STATE/pki/ca.crt"}
authorization: {mode: Webhook}
clusterDomain: cluster.local
clusterDNS: [$NODE_IP]
resolvConf: "$STATE/resolv.conf"
serializeImagePulls: false
evictionHard: {memory.available: "200Mi", nodefs.available: "2%", imagefs.available: "2%", nodefs.inodesFree: "2%"}
imageGCHighThresholdPercent: 99
imageGCLowThresholdPercent: 98
EOF
  start kubelet "$BIN/kubelet" --config "$STATE/kubelet/config.yaml" --kubeconfig "$STATE/kubelet.kubeconfig" \
    --container-runtime remote --container-runtime-endpoint "unix://$SOCK" --image-service-endpoint "unix://$SOCK" \
    --node-ip "$NODE_IP" --hostname-override "$NODE" --root-dir "$STATE/kubelet/root" \
    --cert-dir "$STATE/kubelet/pki"
  start kube-proxy "$BIN/kube-proxy" --kubeconfig "$STATE/kube-proxy.kubeconfig" --proxy-mode iptables \
    --cluster-cidr "$POD_CIDR" --hostname-override "$NODE" --bind-address "$NODE_IP" \
    --healthz-bind-address 127.0.0.1:10256 --metrics-bind-address 127.0.0.1:10249 --conntrack-max-per-core 0
}

dns() {
  mkdir -p "$STATE/dns"
  start dnsmasq dnsmasq --keep-in-foreground --conf-file=/dev/null --no-resolv --no-hosts --log-facility=- \
    --listen-address="$NODE_IP" --bind-interfaces --local=/cluster.local/ --hostsdir="$STATE/dns" --pid-file=
  start cluster-dns-sync bash "$SELF" dns-sync
}

# Writes <clusterIP> <name>.<namespace>.svc.cluster.local for each Service, every 2 s; dnsmasq rereads the
# hosts directory on change.
dns_sync() {
  local kc=$STATE/cluster-dns.kubeconfig
  local tmpl='{range .items[*]}{.spec.clusterIP} {.metadata.name}.{.metadata.namespace}.svc.cluster.local{"\n"}{end}'
  while true; do
    if "$BIN/kubectl" --kubeconfig "$kc" get services -A -o jsonpath="$tmpl" 2>/dev/null |
      awk '$1 != "None" && $1 != ""' >"$STATE/dns-hosts.new"; then
      cmp -s "$STATE/dns-hosts.new" "$STATE/dns/services" || cp "$STATE/dns-hosts.new" "$STATE/dns/services"
    fi
    sleep 2
  done
}

node_ready() {
  kubectl_admin get node "$NODE" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null | grep -qx True
}

up() {
  [[ $(id -u) -eq 0 ]] || die "needs root (network, mounts, containerd)"
  for b in kube-apiserver kubelet kube-controller-manager kube-scheduler kube-proxy etcd kubectl pause; do
    [[ -x $BIN/$b ]] || die "no $BIN/$b: run hack/kube-apiserver.sh (make test does) first"
  done
  apt_install_missing "${PACKAGES[@]}"
  mkdir -p "$STATE/logs" "$STATE/pids"
  pki
  network
  control_plane
  runtime
  node
  dns
  wait_for "node $NODE Ready" 120 node_ready
  wait_for "the default service account" 60 kubectl_admin -n default get serviceaccount default
  log "up: KUBECONFIG=$STATE/admin.kubeconfig"
  echo "$STATE/admin.kubeconfig"
}

down() {
  [[ -d $STATE ]] || { log "nothing to stop"; return 0; }
  stop cluster-dns-sync
  stop dnsmasq
  stop kubelet
  stop kube-proxy
  # Every container and sandbox the kubelet started, then containerd and its shims.
  if running containerd; then
    local ids
    ids=$(ctr --address "$SOCK" -n k8s.io tasks ls -q 2>/dev/null || true)
    for id in $ids; do ctr --address "$SOCK" -n k8s.io tasks kill -s SIGKILL "$id" >/dev/null 2>&1 || true; done
    sleep 1
    for id in $ids; do ctr --address "$SOCK" -n k8s.io tasks delete -f "$id" >/dev/null 2>&1 || true; done
  fi
  stop containerd
  pkill -9 -f "containerd-shim-runc-v2 .*-address $SOCK" 2>/dev/null || true
  stop kube-scheduler
  stop kube-controller-manager
  stop kube-apiserver
  stop etcd
  "$BIN/kube-proxy" --cleanup >/dev/null 2>&1 || true
  remove_kube_chains
  findmnt -rn -o TARGET | grep "^$STATE/" | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
  for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep '^cni-' || true); do ip netns delete "$ns" || true; done
  ip link delete "$BRIDGE" 2>/dev/null || true
  ip route delete "$SERVICE_CIDR" 2>/dev/null || true
  if iptables -w -n -L "$CHAIN" >/dev/null 2>&1; then
    iptables -w -D FORWARD -j "$CHAIN" 2>/dev/null || true
    iptables -w -F "$CHAIN" && iptables -w -X "$CHAIN"
  fi
  # The kubelet's pod cgroups, deepest first.
  for c in /sys/fs/cgroup/*/kubepods; do
    [[ -d $c ]] && find "$c" -depth -type d -exec rmdir {} \; 2>/dev/null || true
  done
  [[ -f $STATE/ip_forward.saved ]] && sysctl -qw net.ipv4.ip_forward="$(cat "$STATE/ip_forward.saved")"
  rm -rf "$STATE"
  log "down: nothing left"
}

# The kubelet's own chains (KUBE-FIREWALL, KUBE-MARK-*, the canaries), which kube-proxy --cleanup leaves.
remove_kube_chains() {
  local table chain rule
  for table in filter nat mangle; do
    { iptables-save -t "$table" | grep -E '^-A [A-Z]+ .*-j KUBE-' | grep -vE '^-A KUBE-' || true; } | while read -r rule; do
      eval "iptables -w -t $table -D ${rule#-A }" 2>/dev/null || true
    done
    for chain in $(iptables-save -t "$table" | sed -n 's/^:\(KUBE-[^ ]*\) .*/\1/p'); do
      iptables -w -t "$table" -F "$chain" 2>/dev/null || true
    done
    for chain in $(iptables-save -t "$table" | sed -n 's/^:\(KUBE-[^ ]*\) .*/\1/p'); do
      iptables -w -t "$table" -X "$chain" 2>/dev/null || true
    done
  done
}

status() {
  if [[ -f $STATE/admin.kubeconfig ]] && node_ready; then
    kubectl_admin get nodes -o wide
    return 0
  fi
  log "not up"
  return 1
}

case ${1:-} in
  up) up ;;
  down) down ;;
  status) status ;;
  dns-sync) dns_sync ;;
  *) die "usage: hack/cluster.sh up|down|status" ;;
esac
