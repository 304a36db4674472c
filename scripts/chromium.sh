#!/usr/bin/env bash
# Headless Chromium for the browser tests (test/newcomer/*browser*), from Debian's packages:
# installed with apt-get when missing (as root), never a browser download. Prints the
# executable's path on stdout; everything else goes to stderr and to the apt log.
#
#   scripts/chromium.sh          install when missing, print the path
#
# Playwright (playwright-core) drives it: chromium.launch({ executablePath }).
set -euo pipefail

CACHE_DIR="${SKYRO_CACHE_DIR:-$HOME/.cache/skyro}"
LOG_DIR="$CACHE_DIR/logs"

log() { printf '[chromium] %s\n' "$*" >&2; }
die() { printf '[chromium] ERROR: %s\n' "$*" >&2; exit 1; }

find_chromium() {
  local candidate
  for candidate in "${SKYRO_CHROMIUM:-}" /usr/bin/chromium /usr/bin/chromium-browser; do
    [[ -n "$candidate" && -x "$candidate" ]] && { printf '%s\n' "$candidate"; return 0; }
  done
  return 1
}

if path=$(find_chromium); then
  printf '%s\n' "$path"
  exit 0
fi

[[ $(id -u) -eq 0 ]] || die "Chromium is missing and installing it needs root: apt-get install -y chromium (or set SKYRO_CHROMIUM)"
mkdir -p "$LOG_DIR"
apt_log="$LOG_DIR/apt-chromium.log"
log "installing chromium from Debian (log: $apt_log)"
# Other jobs on the machine may hold the dpkg lock for a while (services.sh installs too).
apt_opts=(-q -o DPkg::Lock::Timeout=600)
if ! DEBIAN_FRONTEND=noninteractive apt-get install -y "${apt_opts[@]}" --no-install-recommends chromium >>"$apt_log" 2>&1; then
  # A fresh machine may have empty package lists: update once, then try again.
  DEBIAN_FRONTEND=noninteractive apt-get update "${apt_opts[@]}" >>"$apt_log" 2>&1 \
    || { tail -n 20 "$apt_log" >&2; die "apt-get update failed; see $apt_log"; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y "${apt_opts[@]}" --no-install-recommends chromium >>"$apt_log" 2>&1 \
    || { tail -n 20 "$apt_log" >&2; die "apt-get install chromium failed; see $apt_log"; }
fi
path=$(find_chromium) || die "chromium installed but no executable at /usr/bin/chromium"
log "installed $("$path" --version 2>/dev/null || echo chromium)"
printf '%s\n' "$path"
