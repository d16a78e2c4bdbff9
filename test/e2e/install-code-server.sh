#!/usr/bin/env bash
# Installs what `npm run test:e2e` needs on a fresh Debian 12 machine, offline but for apt and npm:
# Debian's chromium (driven by playwright-core, no browser download) and code-server 4.100.3
# (VS Code 1.100.3; the last line that runs on Node 20) into a tool folder outside the repo, so
# neither the extension's node_modules nor its .vsix ever see it. Idempotent. Run as root.
set -euo pipefail
PREFIX="${DTMEM_E2E_TOOLS:-$HOME/.cache/dtmem-e2e}/code-server"
if [ -x "$PREFIX/node_modules/.bin/code-server" ] && [ -x /usr/bin/chromium ]; then
  echo "code-server and chromium already installed ($PREFIX)"
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get install -y --no-install-recommends build-essential pkg-config libkrb5-dev libxkbfile-dev libsecret-1-dev ripgrep chromium \
  || { apt-get update && apt-get install -y --no-install-recommends build-essential pkg-config libkrb5-dev libxkbfile-dev libsecret-1-dev ripgrep chromium; }
# @vscode/ripgrep's postinstall downloads a binary from GitHub: give it Debian's rg in its cache.
CACHE="${TMPDIR:-/tmp}/vscode-ripgrep-cache-1.15.11"
mkdir -p "$CACHE"
tar czf "$CACHE/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C /usr/bin rg
mkdir -p "$PREFIX"
npm_config_unsafe_perm=true npm_config_yes=true npm install --no-audit --no-fund --prefix "$PREFIX" code-server@4.100.3
"$PREFIX/node_modules/.bin/code-server" --version
