#!/usr/bin/env bash
# Builds the app once, with the front end embedded (not the Vite dev server):
# target/debug/tongbao-wallet. Tests and the run command share this one build.
set -euo pipefail
cd "$(dirname "$0")/.."
ui/node_modules/.bin/tauri build --debug --no-bundle --ci
