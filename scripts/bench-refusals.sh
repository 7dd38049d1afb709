#!/usr/bin/env bash
# Refusals under attack (docs/PERFORMANCE.md): what refusing `create_task` with 50,000 tags costs
# the server, and whether another portal's writes stall meanwhile. For each backend, a fresh
# database and release server; `refusals` signs up a victim and an attacker portal and prints the
# server's CPU per refusal and the victim's create_task latencies, alone and under attack.
#
#   scripts/bench-refusals.sh                          # both backends (~1 min + build)
#   REFUSALS_BACKENDS=sqlite REFUSALS_SKIP_BUILD=1 scripts/bench-refusals.sh
#
# Settings (environment): REFUSALS_BACKENDS ("sqlite mariadb"), REFUSALS_PORT (3184),
# REFUSALS_DIR (/tmp/agora-bench-refusals), REFUSALS_MYSQL (mysql://root@127.0.0.1:3306; database
# agora_refusals is dropped and re-created), REFUSALS_DURATION (10s), REFUSALS_ATTACKERS (2),
# REFUSALS_TAGS ("50000 200000": the issue's case, then the largest list a 2 MB request body
# holds), REFUSALS_SKIP_BUILD (unset).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
BACKENDS="${REFUSALS_BACKENDS:-sqlite mariadb}"
PORT="${REFUSALS_PORT:-3184}"
WORK="${REFUSALS_DIR:-/tmp/agora-bench-refusals}"
MYSQL="${REFUSALS_MYSQL:-mysql://root@127.0.0.1:3306}"
DURATION="${REFUSALS_DURATION:-10s}"
ATTACKERS="${REFUSALS_ATTACKERS:-2}"
TAGS="${REFUSALS_TAGS:-50000 200000}"
URL="http://127.0.0.1:$PORT"

if [[ -z "${REFUSALS_SKIP_BUILD:-}" ]]; then
  echo "==> building release binaries" >&2
  cargo build --release -p server --bin agora >&2
  cargo build --release -p bench --bin refusals --bin loadgen >&2
fi
AGORA="$TARGET_DIR/release/agora"
LOADGEN="$TARGET_DIR/release/loadgen"
REFUSALS="$TARGET_DIR/release/refusals"
if curl -s -o /dev/null "$URL/healthz"; then echo "port $PORT is taken; set REFUSALS_PORT" >&2; exit 1; fi

SERVER_PID=""
cleanup() { if [[ -n "$SERVER_PID" ]]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi; }
trap cleanup EXIT

for backend in $BACKENDS; do
  echo "==> $backend"
  FILES="$WORK/$backend/files"
  rm -rf "${WORK:?}/$backend"; mkdir -p "$FILES"
  case "$backend" in
    sqlite) DB="sqlite://$WORK/$backend/agora.db" ;;
    mariadb)
      mariadb -uroot -h127.0.0.1 -e "DROP DATABASE IF EXISTS agora_refusals" >&2
      DB="$MYSQL/agora_refusals" ;;
    *) echo "unknown backend $backend" >&2; exit 1 ;;
  esac
  DATABASE_URL="$DB" AGORA_FILES_DIR="$FILES" AGORA_LISTEN="127.0.0.1:$PORT" \
    AGORA_AUTH_PER_MINUTE=1000000 AGORA_SIGNUPS_PER_HOUR=1000000 \
    "$AGORA" serve >>"$WORK/$backend/server.log" 2>&1 &
  SERVER_PID=$!
  "$LOADGEN" wait --url "$URL" >/dev/null
  for tags in $TAGS; do
    "$REFUSALS" --url "$URL" --server-pid "$SERVER_PID" --duration "$DURATION" --attackers "$ATTACKERS" --tags "$tags"
  done
  kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""
done
