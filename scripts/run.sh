#!/usr/bin/env bash
# Sets up, builds the RELEASE app (the shipped build: LTO, stripped) and starts it with its
# built-in defaults: data in the OS app-data folder ($XDG_DATA_HOME/com.tongbao.wallet), the
# database key in the OS keychain. The debug build (scripts/build-app.sh) is for developers and
# the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
ui/node_modules/.bin/tauri build --ci --no-bundle
if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  echo "No display: run it on a desktop, or headless with: xvfb-run -a bash scripts/run.sh" >&2
  exit 1
fi
exec ./target/release/tongbao-wallet
