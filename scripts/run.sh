#!/usr/bin/env bash
# Installs what is needed, builds a release, and starts Agora at http://localhost:3000 on its
# embedded defaults (SQLite under ./data, files under ./data/files). Extra arguments go to
# `agora serve` (see `agora serve --help`).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
scripts/setup.sh
scripts/build-site.sh --release
exec "${CARGO_TARGET_DIR:-$ROOT/target}/release/agora" serve "$@"
