#!/usr/bin/env bash
# Installs what building and testing Agora needs on a fresh Debian machine with rustup:
# the wasm target, wasm-bindgen-cli matching Cargo.lock, node modules (Playwright, binaryen's
# wasm-opt), Debian's Chromium and brotli. Safe to run again; skips what is already there.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"

rustup target list --installed | grep -q wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown

WBG_VERSION="$(grep -A1 '^name = "wasm-bindgen"$' Cargo.lock | sed -n 's/version = "\(.*\)"/\1/p')"
if [[ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WBG_VERSION" ]]; then
  echo "==> installing wasm-bindgen-cli $WBG_VERSION"
  cargo install wasm-bindgen-cli --version "$WBG_VERSION" --force
fi

missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v brotli >/dev/null || missing+=(brotli)
if ((${#missing[@]})); then
  echo "==> apt-get install ${missing[*]}"
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi

# aiosmtpd: the real SMTP server the mail test sends to.
python3 -c 'import aiosmtpd' 2>/dev/null || python3 -m pip install --quiet aiosmtpd
# The export tests read XLSX files back with openpyxl.
python3 -c 'import openpyxl' 2>/dev/null || python3 -m pip install --quiet openpyxl

if [[ ! -x end2end/node_modules/.bin/wasm-opt || ! -d end2end/node_modules/@playwright/test ]]; then
  echo "==> npm ci (end2end)"
  (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
fi
