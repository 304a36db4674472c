#!/usr/bin/env bash
# A normal (non-root) user for test/newcomer/clone-and-start.e2e-spec.ts, which clones the
# repository into a 0700 directory of that user and runs `npm start` as them. Created once,
# as a system user without a home or login shell (the test gives it a HOME of its own).
# Prints "<uid> <gid>" of the user; needs root the first time.
set -euo pipefail
NAME="${SKYRO_NEWCOMER_USER:-skyro-newcomer}"
if ! id -u "$NAME" >/dev/null 2>&1; then
  [[ $(id -u) -eq 0 ]] || { echo "[newcomer-user] ERROR: creating user $NAME needs root" >&2; exit 1; }
  useradd --system --user-group --no-create-home --shell /usr/sbin/nologin "$NAME"
  echo "[newcomer-user] created system user $NAME" >&2
fi
echo "$(id -u "$NAME") $(id -g "$NAME")"
