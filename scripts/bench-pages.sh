#!/usr/bin/env bash
# Every page as fast as its data (docs/PERFORMANCE.md, "Pages at scale", issue 16). For each
# backend: a fresh database and server, one portal filled with 1,000,000 tasks (taskgen: 200
# people, 500 projects, one project of 10,000 tasks), 1,000,000 posts (feedgen) and a chat of
# 100,000 messages (chatgen), all by the same people. Then, signed in as one employee (a
# member of the big project and of the long chat), each page is requested as a browser
# navigates to it (GET, rendered on the server with its hydration data):
#   /  ·  /tasks  ·  the big project's list  ·  its Gantt chart  ·  one task  ·  /chat  ·  one chat
# on 1 connection (p50/p99 with no queueing: the server time), then on 16 and on 64 connections
# (req/s), and once with `Accept-Encoding: br, gzip` to read the bytes on the wire.
# Prints a markdown table (also saved to $PAGES_DIR/results.md).
#
#   scripts/bench-pages.sh                                       # both backends (~40 min + build)
#   PAGES_BACKENDS=sqlite scripts/bench-pages.sh
#   PAGES_SKIP_BUILD=1 PAGES_TASKS=20000 PAGES_POSTS=20000 PAGES_BIG=1000 PAGES_DURATION=3s scripts/bench-pages.sh   # quick check
#   PAGES_KEEP=1 …                                               # reuse the databases of an earlier run
#
# Settings (environment): PAGES_BACKENDS ("sqlite mariadb"), PAGES_PORT (3184), PAGES_DIR
# (/tmp/agora-bench-pages), PAGES_MYSQL (mysql://root@127.0.0.1:3306; database agora_pages is
# dropped and re-created), PAGES_USERS (200), PAGES_PROJECTS (500), PAGES_TASKS (1000000),
# PAGES_BIG (10000: tasks of the big project), PAGES_POSTS (1000000), PAGES_COMMENTS (1000000),
# PAGES_LIKES (500000), PAGES_MESSAGES (100000), PAGES_WARMUP (3s), PAGES_DURATION (10s),
# PAGES_SKIP_BUILD (unset), PAGES_KEEP (unset).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
BACKENDS="${PAGES_BACKENDS:-sqlite mariadb}"
PORT="${PAGES_PORT:-3184}"
WORK="${PAGES_DIR:-/tmp/agora-bench-pages}"
MYSQL="${PAGES_MYSQL:-mysql://root@127.0.0.1:3306}"
USERS="${PAGES_USERS:-200}"
PROJECTS="${PAGES_PROJECTS:-500}"
TASKS="${PAGES_TASKS:-1000000}"
BIG="${PAGES_BIG:-10000}"
POSTS="${PAGES_POSTS:-1000000}"
COMMENTS="${PAGES_COMMENTS:-1000000}"
LIKES="${PAGES_LIKES:-500000}"
MESSAGES="${PAGES_MESSAGES:-100000}"
WARMUP="${PAGES_WARMUP:-3s}"
DURATION="${PAGES_DURATION:-10s}"
URL="http://127.0.0.1:$PORT"
SITE="$ROOT/target/site"
PORTAL=bench-0
PASSWORD=correct-horse-1
READER=user7@tasks.bench

if [[ -z "${PAGES_SKIP_BUILD:-}" ]]; then
  echo "==> building release binaries" >&2
  cargo build --release -p server --bin agora >&2
  cargo build --release -p bench >&2
fi
AGORA="$TARGET_DIR/release/agora"
LOADGEN="$TARGET_DIR/release/loadgen"
[[ -f "$SITE/pkg/manifest.json" ]] || { echo "no site at $SITE: run scripts/build-site.sh --release first" >&2; exit 1; }
if curl -s -o /dev/null "$URL/healthz"; then echo "port $PORT is taken; set PAGES_PORT" >&2; exit 1; fi
mkdir -p "$WORK"

SERVER_PID=""
cleanup() { if [[ -n "$SERVER_PID" ]]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi; }
trap cleanup EXIT
field() { sed -E "s/.*\"$2\":\[?([^],}]*).*/\1/" <<<"$1"; }
start_server() { # $1 = database URL, $2 = log file
  DATABASE_URL="$1" AGORA_FILES_DIR="$FILES" AGORA_LISTEN="127.0.0.1:$PORT" AGORA_AUTH_PER_MINUTE=1000000 AGORA_SIGNUPS_PER_HOUR=1000000 "$AGORA" serve >>"$2" 2>&1 &
  SERVER_PID=$!
  "$LOADGEN" wait --url "$URL" >/dev/null
}
stop_server() { kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""; sleep 0.3; }
sql() { # one value from the backend's database
  case "$backend" in
    sqlite) sqlite3 "$WORK/$backend/agora.db" "$1" ;;
    mariadb) mariadb -uroot -h127.0.0.1 -N -B agora_pages -e "$1" ;;
  esac
}
loadgen() { "$LOADGEN" shell --url "$URL" --portal "$PORTAL" --email "$READER" --password "$PASSWORD" --server-pid "$SERVER_PID" --json "$@"; }

PAGES=(feed tasks project gantt task chat conversation)
declare -A LABEL=([feed]="/ (the feed)" [tasks]="/tasks (I'm doing)" [project]="the big project's list" \
  [gantt]="the big project's Gantt" [task]="one task" [chat]="/chat" [conversation]="one chat (100,000 messages)")
declare -A R
for backend in $BACKENDS; do
  echo "==> $backend" >&2
  FILES="$WORK/$backend/files"
  case "$backend" in
    sqlite) DB="sqlite://$WORK/$backend/agora.db" ;;
    mariadb) DB="$MYSQL/agora_pages" ;;
    *) echo "unknown backend $backend" >&2; exit 1 ;;
  esac
  LOG="$WORK/$backend/server.log"
  if [[ -z "${PAGES_KEEP:-}" || ! -f "$WORK/$backend/ids" ]]; then
    rm -rf "${WORK:?}/$backend"; mkdir -p "$FILES"
    [[ "$backend" == mariadb ]] && mariadb -uroot -h127.0.0.1 -e "DROP DATABASE IF EXISTS agora_pages" >&2
    start_server "$DB" "$LOG"
    "$LOADGEN" portals --url "$URL" --count 1 --prefix bench --json >&2
    t0=$(date +%s)
    GROUP=$("$TARGET_DIR/release/taskgen" --database "$DB" --portal "$PORTAL" --users "$USERS" \
      --projects "$PROJECTS" --tasks "$TASKS" --gantt-tasks "$BIG")
    "$TARGET_DIR/release/feedgen" --database "$DB" --portal "$PORTAL" --users "$USERS" \
      --posts "$POSTS" --comments "$COMMENTS" --likes "$LIKES" >&2
    CHAT=$("$TARGET_DIR/release/chatgen" --database "$DB" --portal "$PORTAL" --users "$USERS" \
      --groups 20 --members 10 --messages "$MESSAGES" --reader 7)
    echo "$GROUP $CHAT" >"$WORK/$backend/ids"
    echo "   generated in $(($(date +%s) - t0)) s" >&2
    stop_server
  fi
  mkdir -p "$FILES"
  read -r GROUP CHAT <"$WORK/$backend/ids"
  # A task of the big project with comments, checklist and members, as one is usually opened.
  TASK=$(sql "SELECT id FROM tasks WHERE group_id = $GROUP ORDER BY id LIMIT 1 OFFSET 100")
  declare -A PATHS=([feed]="/" [tasks]="/tasks" [project]="/tasks?section=all&group=$GROUP" \
    [gantt]="/tasks/gantt?group=$GROUP" [task]="/tasks/$TASK" [chat]="/chat" [conversation]="/chat/$CHAT")
  # A fresh process: nothing of the generation is cached in the server.
  start_server "$DB" "$LOG"
  for page in "${PAGES[@]}"; do
    path="${PATHS[$page]}"
    one=$(loadgen --path "$path" --connections 1 --warmup "$WARMUP" --duration "$DURATION" | tail -n1)
    echo "   $page ($path), 1 connection: $one" >&2
    R[$backend,$page,p50]=$(field "$one" p50_ms)
    R[$backend,$page,p99]=$(field "$one" p99_ms)
    R[$backend,$page,cpu]=$(awk -v us="$(field "$one" server_cpu_us_per_req)" 'BEGIN { printf "%.2f", us / 1000 }')
    R[$backend,$page,bytes]=$(field "$one" avg_body_bytes)
    wire=$(loadgen --path "$path" --connections 1 --warmup 0s --duration 2s --accept-encoding "br, gzip" | tail -n1)
    R[$backend,$page,wire]=$(field "$wire" avg_body_bytes)
    for c in 16 64; do
      many=$(loadgen --path "$path" --connections "$c" --warmup "$WARMUP" --duration "$DURATION" | tail -n1)
      echo "   $page, $c connections: $many" >&2
      R[$backend,$page,rps$c]=$(field "$many" rps)
      R[$backend,$page,errors$c]=$(field "$many" errors)
    done
  done
  stop_server
done

{
  echo "Agora pages benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, commit $(git rev-parse --short HEAD 2>/dev/null || echo none)"
  echo "One portal: $USERS people, $PROJECTS projects, $TASKS tasks (one project of $BIG), $POSTS posts, $COMMENTS comments, a chat of $MESSAGES messages; read as $READER."
  echo "1 connection for $DURATION after $WARMUP (server time: no queueing); 16 and 64 connections for $DURATION after $WARMUP; load generator on the same machine; bodies uncompressed except 'on the wire'."
  echo
  printf '| Page | Backend | p50 | p99 | server CPU | req/s c16 | req/s c64 | HTML | on the wire (br) |\n'
  printf '|---|---|---:|---:|---:|---:|---:|---:|---:|\n'
  for page in "${PAGES[@]}"; do
    for b in $BACKENDS; do
      printf '| %s | %s | %s ms | %s ms | %s ms | %.0f | %.0f | %s KB | %s KB |\n' "${LABEL[$page]}" "$b" \
        "${R[$b,$page,p50]}" "${R[$b,$page,p99]}" "${R[$b,$page,cpu]}" "${R[$b,$page,rps16]}" "${R[$b,$page,rps64]}" \
        "$(awk -v b="${R[$b,$page,bytes]}" 'BEGIN { printf "%.1f", b / 1000 }')" \
        "$(awk -v b="${R[$b,$page,wire]}" 'BEGIN { printf "%.1f", b / 1000 }')"
    done
  done
} | tee "$WORK/results.md"
