#!/usr/bin/env bash
# Builds the release app and its Linux packages: target/release/bundle/deb/*.deb and
# rpm/*.rpm (add `appimage` to the list to try the AppImage: its bundler downloads linuxdeploy
# from GitHub, which this machine cannot reach; the CI workflow builds it).
#
# Update signatures: with TAURI_SIGNING_PRIVATE_KEY set (the release key, a CI secret: never in
# the repository) the bundler also signs each package for the updater. Without it, the packages
# are built unsigned for updates (the app keeps the configured public key).
#
# A second argument builds the same code as another version (the install test's update round
# trip offers it as version N+1): `scripts/package.sh deb 0.1.1`.
set -euo pipefail
cd "$(dirname "$0")/.."
bundles="${1:-deb,rpm}"
extra=()
if [ -n "${2:-}" ]; then extra+=(--config "{\"version\":\"$2\"}"); fi
if [ -z "${TAURI_SIGNING_PRIVATE_KEY:-}" ]; then
  extra+=(--config '{"bundle":{"createUpdaterArtifacts":false}}')
fi
# TONGBAO_UI_BUILT=1: ui/dist is already built (the test command builds it once for both builds).
if [ -n "${TONGBAO_UI_BUILT:-}" ]; then extra+=(--config '{"build":{"beforeBuildCommand":""}}'); fi
ui/node_modules/.bin/tauri build --ci --bundles "$bundles" "${extra[@]}"
ls -l "${CARGO_TARGET_DIR:-target}"/release/bundle/*/ 2>/dev/null | grep -E '\.(deb|rpm|AppImage)$' || true
