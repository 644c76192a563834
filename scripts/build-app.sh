#!/usr/bin/env bash
# Builds the app once, with the front end embedded (not the Vite dev server):
# target/debug/tongbao-wallet. Tests and the run command share this one build.
set -euo pipefail
cd "$(dirname "$0")/.."
# TONGBAO_UI_BUILT=1: ui/dist is already built (the test command builds it once for both builds).
extra=()
if [ -n "${TONGBAO_UI_BUILT:-}" ]; then extra=(--config '{"build":{"beforeBuildCommand":""}}'); fi
ui/node_modules/.bin/tauri build --debug --no-bundle --ci "${extra[@]}"
