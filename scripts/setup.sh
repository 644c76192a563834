#!/usr/bin/env bash
# Installs everything Tongbao Wallet needs to build, run and test on Debian/Ubuntu:
# system packages, the front end's and the UI scripts' npm packages, and tauri-driver.
# Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\n== %s\n' "$*"; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

APT_PACKAGES=(
  # build
  build-essential pkg-config libwebkit2gtk-4.1-dev librsvg2-dev libssl-dev libxdo-dev libdbus-1-dev
  # the tray icon (loaded by the app at run time)
  libayatana-appindicator3-dev
  # test: headless display, private D-Bus session, real keychain, WebDriver for WebKitGTK
  webkit2gtk-driver xvfb xauth dbus dbus-x11 gnome-keyring libsecret-tools
  # Chinese glyphs, screenshots
  fonts-noto-cjk imagemagick
  # tools the scripts use (openssl: the update test's certificate authority; sudo: how Tauri's
  # updater runs dpkg -i when pkexec has no agent, as in the install test)
  curl ca-certificates git openssl sudo
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ! command -v node >/dev/null 2>&1; then missing+=(nodejs npm); fi
if [ ${#missing[@]} -gt 0 ]; then
  say "apt: installing ${missing[*]}"
  as_root apt-get update -q
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "Node.js 20 or newer is needed (found $(node --version)); install a newer nodejs package." >&2
  exit 1
fi
if ! command -v cargo >/dev/null 2>&1; then
  echo "Rust (cargo) is needed: install it with rustup (https://rustup.rs), then run this again." >&2
  exit 1
fi

say "npm: front end (ui/) and UI scripts (tests/)"
npm ci --prefix ui --no-audit --no-fund
npm ci --prefix tests --no-audit --no-fund

if ! tauri-driver --help >/dev/null 2>&1; then
  say "cargo: tauri-driver 2 (the registry's newest are 3.0 alphas: pinned to ^2)"
  cargo install tauri-driver --version '^2' --locked
fi
say "set-up complete"
