# Helpers the hack/ scripts share. Source it: `source hack/lib.sh`.

die() { echo "[$(basename "$0")] $*" >&2; exit 1; }

as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }

# `apt-get update` at most every 12 hours: installs stay quick when nothing is missing.
apt_update_once() {
  local stamp=/var/lib/apt/outrigger-updated
  if [[ ! -f $stamp || $(find "$stamp" -mmin +720 2>/dev/null) ]]; then
    as_root apt-get update -qq
    as_root touch "$stamp"
  fi
}

# Installs those of the named Debian packages that are missing.
apt_install_missing() {
  local missing=() p
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  ((${#missing[@]})) || return 0
  apt_update_once
  echo "[$(basename "$0")] installing ${missing[*]}" >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# The version images are tagged with: the chart's appVersion (what the chart deploys by default).
chart_app_version() {
  sed -n 's/^appVersion: *"\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$(dirname "${BASH_SOURCE[0]}")/../helm/outrigger/Chart.yaml"
}
