#!/usr/bin/env bash
# API fuzzing of a running Skyro Core with Schemathesis (PyPI), against its /openapi.json.
#
#   scripts/fuzz.sh --print-venv             only ensure the venv, print its schemathesis
#   scripts/fuzz.sh CONFIG URL [ARGS...]     schemathesis --config-file CONFIG run URL/openapi.json ARGS...
#
# CONFIG is a schemathesis.toml: the principals (a bearer token per operation group), the
# ids that exist, the checks and the limits. test/platform/fuzz.e2e-spec.ts writes one for
# an app it starts and seeds (tokens and ids exist only there), runs this script, and fails
# on any failure it reports. ARGS go to `schemathesis run` as they are (e.g. --report junit).
#
# Tools (cached in ${SKYRO_CACHE_DIR:-$HOME/.cache/skyro}):
#   schemathesis ${SKYRO_SCHEMATHESIS_VERSION} (pinned; the venv is rebuilt when the pin
#   changes) in the venv $CACHE/venv-schemathesis. First install from PyPI: 15 s on an idle
#   machine, 3 min measured on a loaded one (python3 and python3-venv come from apt-get if missing).
set -euo pipefail

CACHE_DIR="${SKYRO_CACHE_DIR:-${HOME}/.cache/skyro}"
ST_VERSION="${SKYRO_SCHEMATHESIS_VERSION:-4.32.5}"
VENV="${CACHE_DIR}/venv-schemathesis"

log() { printf '[fuzz] %s\n' "$*" >&2; }
die() { printf '[fuzz] FAIL: %s\n' "$*" >&2; exit 2; }

mkdir -p "${CACHE_DIR}"

# Serialise tool installation between concurrent runs (jest + a manual run), as helm-check.sh does.
with_lock() {
  if command -v flock >/dev/null 2>&1; then
    (
      flock -w 600 9 || die "timed out waiting for ${CACHE_DIR}/.install.lock"
      "$@"
    ) 9>"${CACHE_DIR}/.install.lock"
  else
    "$@"
  fi
}

st_ok() {
  [[ -x "${VENV}/bin/schemathesis" ]] &&
    [[ "$("${VENV}/bin/python" -c 'import importlib.metadata as m; print(m.version("schemathesis"))' 2>/dev/null)" == "${ST_VERSION}" ]]
}

# A fresh Debian machine may lack python3 or its venv module (ensurepip): as root, install
# them as scripts/services.sh installs PostgreSQL and Redis.
apt_python() {
  [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1 || die "python3 with its venv module is required (Debian: apt-get install python3-venv)"
  log "installing python3 and python3-venv with apt-get..."
  DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null 2>&1 || die "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3 python3-venv >/dev/null 2>&1 || die "apt-get install python3 python3-venv failed"
}

build_venv() {
  st_ok && return 0
  log "creating venv ${VENV} with schemathesis==${ST_VERSION}..."
  rm -rf "${VENV}"
  if ! command -v python3 >/dev/null 2>&1 || ! python3 -m venv "${VENV}" >/dev/null 2>&1; then
    rm -rf "${VENV}"
    apt_python
    python3 -m venv "${VENV}" || die "python3 -m venv failed"
  fi
  "${VENV}/bin/python" -m pip install --disable-pip-version-check --no-input -q "schemathesis==${ST_VERSION}" ||
    die "pip install schemathesis==${ST_VERSION} failed"
  st_ok || die "schemathesis ${ST_VERSION} not runnable from ${VENV}"
}

with_lock build_venv

if [[ "${1:-}" == "--print-venv" ]]; then
  printf '%s\n' "${VENV}/bin/schemathesis"
  exit 0
fi

[[ $# -ge 2 ]] || die "usage: scripts/fuzz.sh CONFIG URL [schemathesis run arguments...]"
CONFIG="$1" URL="${2%/}"
shift 2
[[ -f "${CONFIG}" ]] || die "no config file ${CONFIG}"

CONFIG="$(cd "$(dirname "${CONFIG}")" && pwd)/$(basename "${CONFIG}")"
log "schemathesis ${ST_VERSION} against ${URL}/openapi.json (config ${CONFIG})"
# From the config's directory: what schemathesis and Hypothesis keep in the working
# directory (.schemathesis/, .hypothesis/) stays with the run, out of the clone.
cd "$(dirname "${CONFIG}")"
# No colour: the output is read by a test and by people in CI logs.
export NO_COLOR=1
exec "${VENV}/bin/schemathesis" --config-file "${CONFIG}" run "${URL}/openapi.json" --no-color "$@"
