#!/usr/bin/env bash
# The benchmarks — measured, never asserted by a test: start-up and memory beside a bare Tauri 2
# app and the same app showing the login screen's Chinese text (scripts/bench-startup.mjs; both release builds, interleaved runs under Xvfb, with a
# private D-Bus session and unlocked gnome-keyring as the test command uses), then the ledger
# and history benchmark (`cargo bench -p tongbao-core --bench ledger`). Builds what it needs
# first: the release app (as scripts/run.sh does) and the bare app (bench/bare-tauri, pinned to
# this repository's Cargo.lock, target/bare-tauri). Arguments go to bench-startup.mjs
# (--runs N, --signed-in N); TONGBAO_BENCH_STARTUP_ONLY=1 skips the ledger benchmark. About 25
# minutes cold on 2 cores; the numbers in the README came from one run of it.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${TONGBAO_BENCH_SESSION:-}" ]; then
  bash scripts/setup.sh
  ui/node_modules/.bin/tauri build --ci --no-bundle
  cp Cargo.lock bench/bare-tauri/src-tauri/Cargo.lock
  (cd bench/bare-tauri && CARGO_TARGET_DIR="$PWD/../../target/bare-tauri" ../../ui/node_modules/.bin/tauri build --ci --no-bundle)
  keyring_home=$(mktemp -d)
  trap 'rm -rf "$keyring_home"' EXIT
  TONGBAO_BENCH_SESSION=1 XDG_DATA_HOME="$keyring_home" dbus-run-session -- bash "$0" "$@"
  exit $?
fi

echo -n "tongbao-bench" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
printf '\n== start-up and memory beside a bare Tauri 2 app (machine: %s cores, %s)\n' "$(nproc)" "$(date -u +%F)"
xvfb-run -a -s "-screen 0 1280x860x24" node scripts/bench-startup.mjs "$@"
[ -n "${TONGBAO_BENCH_STARTUP_ONLY:-}" ] && exit 0 # the start-up part only
printf '\n== ledger and history (release build)\n'
cargo bench -q -p tongbao-core --bench ledger
