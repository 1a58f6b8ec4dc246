#!/bin/sh
# Installs what tests/editors/test_vscode_workbench.py needs: Debian's Chromium and ripgrep
# (apt-get, when root), then code-server, playwright-core and vsce from package-lock.json
# into node_modules here. Nothing is downloaded outside the Debian and npm registries:
# - Playwright's own browser download is never run (playwright-core drives /usr/bin/chromium);
# - @vscode/ripgrep would fetch rg from GitHub: its download cache is pre-filled with
#   a tarball of Debian's rg;
# - node-gyp uses the installed Node's headers (npm_config_nodedir=/usr) rather than
#   downloading them, and node-pty's `npx node-gyp` gets its yes (npm_config_yes).
# `make editor-deps` runs it once and stamps node_modules/.installed.
set -eu
cd "$(dirname "$0")"

PACKAGES="chromium ripgrep libkrb5-dev fonts-dejavu-core"
missing=$(for p in $PACKAGES; do dpkg -s "$p" >/dev/null 2>&1 || echo "$p"; done)
if [ -n "$missing" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq
    # shellcheck disable=SC2086 # one word per package
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
  else
    echo "missing Debian packages for the VS Code workbench test: apt-get install $(echo $missing)" >&2
    exit 1
  fi
fi

# @vscode/ripgrep 1.15.11 (pinned by code-server's shrinkwrap) looks for this file first.
TMPDIR=$(mktemp -d)
export TMPDIR
trap 'rm -rf "$TMPDIR"' EXIT
cache="$TMPDIR/vscode-ripgrep-cache-1.15.11"
mkdir -p "$cache"
tar -czf "$cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$(dirname "$(command -v rg)")" rg

npm_config_yes=true npm_config_nodedir=/usr npm_config_unsafe_perm=true \
  npm ci --no-audit --no-fund --loglevel=error
touch node_modules/.installed
