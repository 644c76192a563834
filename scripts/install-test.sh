#!/usr/bin/env bash
# The install test (needs root or sudo): installs the .deb built by scripts/package.sh with apt
# (which pulls its dependencies), checks the package — every library the installed binary
# needs comes from a declared dependency, the binary is stripped, the desktop entry has its
# zh-CN name and the tongbao:// scheme — runs the smoke UI script against the INSTALLED binary, then the update round
# trip (tests/update-roundtrip.mjs: the installed version N updates itself to N+1 from a local
# HTTPS server, a tampered package refused first), then purges the package and checks nothing
# of it is left but the person's data. Run inside the test session (D-Bus + gnome-keyring), as
# scripts/test.sh does. Needs both packages: `scripts/package.sh` (version N, from
# tauri.conf.json) and `scripts/package.sh deb N+1` (the same code as the next patch version).
set -euo pipefail
# Under pipefail a reader that stops early (head, grep -q, awk's exit) can kill the writer with
# SIGPIPE and fail the whole script (exit 141, seen in CI where ldconfig's cache is larger):
# readers below consume all their input, and grep reads here-strings.
cd "$(dirname "$0")/.."
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
fail() { echo "install test: $*" >&2; exit 1; }

version=$(node -p 'require("./src-tauri/tauri.conf.json").version')
next=$(node -p 'const v = require("./src-tauri/tauri.conf.json").version.split("."); v[2]++; v.join(".")')
debs="${CARGO_TARGET_DIR:-target}/release/bundle/deb"
deb=$(ls "$debs"/*_"${version}"_*.deb 2>/dev/null | sed -n 1p || true)
[ -n "$deb" ] || fail "no .deb of $version: run scripts/package.sh first"
next_deb=$(ls "$debs"/*_"${next}"_*.deb 2>/dev/null | sed -n 1p || true)
[ -n "$next_deb" ] || fail "no .deb of $next for the update round trip: run scripts/package.sh deb $next"
next_deb=$(realpath "$next_deb")
# apt takes a local file by a path that starts with / or ./ (the target folder may be absolute).
case "$deb" in /*) ;; *) deb="./$deb" ;; esac
pkg=$(dpkg-deb -f "$deb" Package)
echo "package $deb ($(du -k "$deb" | cut -f1) kB): Depends: $(dpkg-deb -f "$deb" Depends); Recommends: $(dpkg-deb -f "$deb" Recommends)"

DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q --no-install-recommends "$deb" >/dev/null
files=$(dpkg -L "$pkg" | while read -r f; do if [ -f "$f" ]; then echo "$f"; fi; done)
bin=$(grep -m1 '/bin/' <<<"$files")
echo "installed: $bin and $(echo "$files" | wc -l) files"

# Every NEEDED library is provided by a declared dependency or one of theirs.
closure=$(dpkg-query -W -f='${Depends}' "$pkg" | tr ',|' '\n\n' | sed 's/(.*)//; s/^ *//; s/ *$//' | grep -v '^$' |
  while read -r d; do if [ "$(dpkg-query -W -f='${Status}' "$d" 2>/dev/null)" = "install ok installed" ]; then echo "$d"; fi; done |
  xargs apt-cache depends --recurse --installed --no-recommends --no-suggests --no-conflicts --no-breaks --no-replaces --no-enhances 2>/dev/null |
  sed -n 's/^ *\(Pre\)\{0,1\}[Dd]epends: //p; /^[a-z0-9]/p' | tr -d '<>' | sed 's/:.*//' | sort -u)
for lib in $(readelf -d "$bin" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p'); do
  path=$(ldconfig -p | awk -v l="$lib" '$1 == l && !found { print $NF; found = 1 }')
  [ -n "$path" ] || fail "$lib: not found on this system"
  owner=""
  for p in "$path" "$(realpath "$path")" "/usr$path" "${path#/usr}"; do
    owner=$(dpkg -S "$p" 2>/dev/null | sed -n 1p | cut -d: -f1) && [ -n "$owner" ] && break
  done
  [ -n "$owner" ] || fail "$lib ($path): no package owns it"
  grep -qx "$owner" <<<"$closure" || fail "$lib comes from $owner, which no declared dependency pulls in"
  echo "  NEEDED $lib <- $owner"
done
[ -z "$(readelf -S "$bin" | grep '\.symtab')" ] || fail "$bin is not stripped"
desktop=$(grep -m1 '\.desktop$' <<<"$files")
grep -q '^Name\[zh_CN\]=通宝钱包' "$desktop" || fail "$desktop has no zh-CN name"
grep -q '^Categories=.*Finance' "$desktop" || fail "$desktop is not in Finance"
# tongbao:// links open the app: the scheme is the entry's, and the link reaches it as %u.
grep -q '^MimeType=.*x-scheme-handler/tongbao;' "$desktop" || fail "$desktop does not register tongbao://"
grep -q '^Exec=.* %u$' "$desktop" || fail "$desktop does not pass the link (%u)"

# The smoke script against the installed binary.
# (On the display of the caller when it has one: the test command runs this beside other UI lanes.)
if [ -n "${DISPLAY:-}" ]; then on_display=(); else on_display=(xvfb-run -a -s "-screen 0 1280x860x24"); fi
TONGBAO_KEEP_RUNS=1 TONGBAO_APP="$bin" "${on_display[@]}" node tests/run.mjs smoke | tee /tmp/tongbao-smoke.log
grep -q ' 0 failed$' /tmp/tongbao-smoke.log || fail "smoke scripts failed against the installed app"
data=$(ls -d "${TONGBAO_RUNS_DIR:-tests/.artifacts/runs}"/*/data/com.tongbao.wallet 2>/dev/null | sed -n 1p)
[ -n "$data" ] || fail "the smoke run left no data folder to check the purge against"

# The update round trip: the installed app updates itself to the next version (dpkg -i, root).
TONGBAO_APP="$bin" TONGBAO_NEXT_DEB="$next_deb" TONGBAO_PKG="$pkg" "${on_display[@]}" node tests/update-roundtrip.mjs |
  tee /tmp/tongbao-update.log
grep -q ' 0 failed$' /tmp/tongbao-update.log || fail "the update round trip failed against the installed app"
[ "$(dpkg-query -W -f='${Version}' "$pkg")" = "$next" ] || fail "dpkg does not say $next after the update"

# Purge: nothing of the package left, the person's data untouched.
DEBIAN_FRONTEND=noninteractive as_root apt-get purge -y -q "$pkg" >/dev/null
left=$(echo "$files" | while read -r f; do if [ -e "$f" ]; then echo "$f"; fi; done)
[ -z "$left" ] || fail "left after purge: $left"
[ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)" != "install ok installed" ] || fail "$pkg still installed"
ls "$data"/*.db >/dev/null 2>&1 || fail "the person's wallet database in $data was removed"
echo "install test passed: installed $version, smoke green against $bin, updated itself to $next, purged (no file left; the person's data kept: $data)"
rm -rf tests/.artifacts/runs
