#!/usr/bin/env bash
# Sets up, builds and starts Tongbao Wallet with its built-in defaults: data in the OS app-data
# folder ($XDG_DATA_HOME/com.tongbao.wallet), the database key in the OS keychain.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build-app.sh
if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  echo "No display: run it on a desktop, or headless with: xvfb-run -a bash scripts/run.sh" >&2
  exit 1
fi
exec ./target/debug/tongbao-wallet
