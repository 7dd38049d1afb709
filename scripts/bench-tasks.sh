#!/usr/bin/env bash
# Tasks at scale (docs/PERFORMANCE.md, "Tasks at scale"). For each backend: a fresh database and
# server, one portal filled by `taskgen` (200 people, 500 projects, 1,000,000 tasks; the project
# "Gantt 1000" has 1,000 dated tasks with subtasks and dependencies). Measured as one generated
# employee (a member of the Gantt project):
#   - "I'm doing", first page (`tasks` with section doing) and the counters (`my_task_counters`):
#     1 connection (p50/p99), then 64 connections (req/s);
#   - the Gantt page of the 1,000-task project, server-rendered (`GET /tasks/gantt?group=…`):
#     1 connection; and the time until it is interactive in headless Chromium (Performance API:
#     the `agora-hydrated` mark), median of 5 loads after one warm-up; then, in each load, the
#     time until the rows in the middle of the project are drawn after scrolling there.
# The Gantt of 10,000 tasks (docs/PERFORMANCE.md, issue 16): TASKS_GANTT=10000.
# Prints a markdown table (also saved to $TASKS_DIR/results.md).
#
#   scripts/bench-tasks.sh                                          # both backends (~20 min + build)
#   TASKS_BACKENDS=sqlite scripts/bench-tasks.sh
#   TASKS_SKIP_BUILD=1 TASKS_TASKS=20000 TASKS_DURATION=3s scripts/bench-tasks.sh   # quick check
#
# Settings (environment): TASKS_BACKENDS ("sqlite mariadb"), TASKS_PORT (3182), TASKS_DIR
# (/tmp/agora-bench-tasks), TASKS_MYSQL (mysql://root@127.0.0.1:3306; database agora_tasks is
# dropped and re-created), TASKS_USERS (200), TASKS_PROJECTS (500), TASKS_TASKS (1000000),
# TASKS_GANTT (1000), TASKS_CONNECTIONS (64), TASKS_WARMUP (5s), TASKS_DURATION (20s), TASKS_RUNS
# (3), TASKS_LOADS (5), TASKS_SKIP_BUILD (unset).
# Needs: the site built by scripts/build-site.sh --release (target/site), Chromium and the
# end2end packages (scripts/setup.sh installs both), a MariaDB for the mariadb backend.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
BACKENDS="${TASKS_BACKENDS:-sqlite mariadb}"
PORT="${TASKS_PORT:-3182}"
WORK="${TASKS_DIR:-/tmp/agora-bench-tasks}"
MYSQL="${TASKS_MYSQL:-mysql://root@127.0.0.1:3306}"
USERS="${TASKS_USERS:-200}"
PROJECTS="${TASKS_PROJECTS:-500}"
TASKS="${TASKS_TASKS:-1000000}"
GANTT="${TASKS_GANTT:-1000}"
CONNECTIONS="${TASKS_CONNECTIONS:-64}"
WARMUP="${TASKS_WARMUP:-5s}"
DURATION="${TASKS_DURATION:-20s}"
RUNS="${TASKS_RUNS:-3}"
LOADS="${TASKS_LOADS:-5}"
URL="http://127.0.0.1:$PORT"
SITE="$ROOT/target/site"
PORTAL=bench-0
PASSWORD=correct-horse-1
READER=user7@tasks.bench

if [[ -z "${TASKS_SKIP_BUILD:-}" ]]; then
  echo "==> building release binaries" >&2
  cargo build --release -p server --bin agora >&2
  cargo build --release -p bench >&2
fi
AGORA="$TARGET_DIR/release/agora"
LOADGEN="$TARGET_DIR/release/loadgen"
TASKGEN="$TARGET_DIR/release/taskgen"
[[ -f "$SITE/pkg/manifest.json" ]] || { echo "no site at $SITE: run scripts/build-site.sh --release first" >&2; exit 1; }
if curl -s -o /dev/null "$URL/healthz"; then echo "port $PORT is taken; set TASKS_PORT" >&2; exit 1; fi
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

# One measurement: 1 connection, then $CONNECTIONS; $1 = key prefix, the rest = loadgen flags.
measure() {
  local key="$1"; shift
  local single many median
  single=$("$LOADGEN" shell --url "$URL" --portal "$PORTAL" --email "$READER" --password "$PASSWORD" \
    --connections 1 --warmup 2s --duration "$DURATION" --server-pid "$SERVER_PID" --json "$@")
  echo "   $key, 1 connection: $single" >&2
  R[$backend,${key}_p50_1]=$(field "$single" p50_ms)
  R[$backend,${key}_p99_1]=$(field "$single" p99_ms)
  R[$backend,${key}_cpu]=$(awk -v us="$(field "$single" server_cpu_us_per_req)" 'BEGIN { printf "%.2f", us / 1000 }')
  R[$backend,${key}_bytes]=$(field "$single" avg_body_bytes)
  [[ "${SINGLE_ONLY:-}" == 1 ]] && return
  many=$("$LOADGEN" shell --url "$URL" --portal "$PORTAL" --email "$READER" --password "$PASSWORD" \
    --connections "$CONNECTIONS" --warmup "$WARMUP" --duration "$DURATION" --runs "$RUNS" \
    --server-pid "$SERVER_PID" --json "$@")
  echo "$many" | sed "s/^/   $key, $CONNECTIONS connections: /" >&2
  median=$(tail -n1 <<<"$many")
  R[$backend,${key}_rps]=$(field "$median" rps)
  R[$backend,${key}_p99]=$(field "$median" p99_ms)
  R[$backend,${key}_errors]=$(awk -F'"errors":' '{ split($2, a, ","); s += a[1] } END { print s }' <<<"$many")
}

declare -A R
for backend in $BACKENDS; do
  echo "==> $backend" >&2
  FILES="$WORK/$backend/files"
  rm -rf "${WORK:?}/$backend"; mkdir -p "$FILES"
  case "$backend" in
    sqlite) DB="sqlite://$WORK/$backend/agora.db" ;;
    mariadb)
      mariadb -uroot -h127.0.0.1 -e "DROP DATABASE IF EXISTS agora_tasks" >&2
      DB="$MYSQL/agora_tasks" ;;
    *) echo "unknown backend $backend" >&2; exit 1 ;;
  esac
  LOG="$WORK/$backend/server.log"

  start_server "$DB" "$LOG"
  "$LOADGEN" portals --url "$URL" --count 1 --prefix bench --json >&2
  t0=$(date +%s%N)
  GROUP=$("$TASKGEN" --database "$DB" --portal "$PORTAL" --users "$USERS" --projects "$PROJECTS" \
    --tasks "$TASKS" --gantt-tasks "$GANTT")
  R[$backend,taskgen_s]=$(awk -v ns=$(($(date +%s%N) - t0)) 'BEGIN { printf "%.0f", ns / 1e9 }')
  # A fresh process: nothing of the generation is cached in the server.
  stop_server
  start_server "$DB" "$LOG"

  measure doing --api tasks --body '{"query":{"section":"doing"}}'
  measure counters --api my_task_counters --body '{}'
  SINGLE_ONLY=1 measure gantt --path "/tasks/gantt?group=$GROUP"
  tti=$(node end2end/bench/gantt-tti.mjs "http://$PORTAL.localhost:$PORT" "$READER" "$PASSWORD" "$GROUP" "$LOADS")
  echo "   gantt in Chromium: $tti" >&2
  R[$backend,tti]=$(field "$tti" interactive_ms)
  R[$backend,tti_html]=$(field "$tti" html_ms)
  R[$backend,tti_bars]=$(field "$tti" bars)
  R[$backend,tti_kb]=$(awk -v b="$(field "$tti" html_bytes)" 'BEGIN { printf "%.0f", b / 1024 }')
  R[$backend,tti_decoded_kb]=$(awk -v b="$(field "$tti" html_decoded_bytes)" 'BEGIN { printf "%.0f", b / 1024 }')
  R[$backend,tti_rows]=$(field "$tti" total_rows)
  R[$backend,tti_scroll]=$(field "$tti" scroll_ms)
  R[$backend,tti_deep]=$(field "$tti" bars_deep)
  light=$(node end2end/bench/gantt-tti.mjs "http://$PORTAL.localhost:$PORT" "$READER" "$PASSWORD" "$GROUP" "$LOADS" /tasks)
  echo "   /tasks in Chromium: $light" >&2
  R[$backend,light]=$(field "$light" interactive_ms)
  stop_server
done

{
  echo "Agora tasks benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, commit $(git rev-parse --short HEAD 2>/dev/null || echo none)"
  echo "One portal with $USERS people, $PROJECTS projects, $TASKS tasks; read as $READER."
  echo "Server functions: 1 connection for $DURATION; $CONNECTIONS connections, median of $RUNS x $DURATION after $WARMUP warm-up; load generator on the same machine."
  echo
  printf '| Measure |'; for b in $BACKENDS; do printf ' %s |' "$b"; done; echo
  printf '|---|'; for b in $BACKENDS; do printf -- '---:|'; done; echo
  row() { local label="$1" key="$2" fmt="$3"; printf '| %s |' "$label"; for b in $BACKENDS; do printf " $fmt |" "${R[$b,$key]}"; done; echo; }
  row "taskgen" taskgen_s "%s s"
  for key in doing counters; do
    case $key in doing) name="I'm doing, first page (tasks)" ;; counters) name="Counters (my_task_counters)" ;; esac
    row "$name: size" ${key}_bytes "%s B"
    row "$name, 1 connection: p50" ${key}_p50_1 "%s ms"
    row "$name, 1 connection: p99" ${key}_p99_1 "%s ms"
    row "$name: server CPU per request" ${key}_cpu "%s ms"
    row "$name, $CONNECTIONS connections: req/s" ${key}_rps "%.0f"
    row "$name, $CONNECTIONS connections: p99" ${key}_p99 "%s ms"
    row "$name, $CONNECTIONS connections: errors" ${key}_errors "%s"
  done
  row "Gantt page, $GANTT tasks (GET, server render): size" gantt_bytes "%s B"
  row "Gantt page, 1 connection: p50" gantt_p50_1 "%s ms"
  row "Gantt page, 1 connection: p99" gantt_p99_1 "%s ms"
  row "Gantt page: server CPU per request" gantt_cpu "%s ms"
  row "Gantt in Chromium: HTML received (median of $LOADS)" tti_html "%s ms"
  row "Gantt in Chromium: interactive (median of $LOADS)" tti "%s ms"
  row "Gantt in Chromium: HTML size (Performance API encodedBodySize)" tti_kb "%s KiB"
  row "Gantt in Chromium: HTML size, decoded (decodedBodySize)" tti_decoded_kb "%s KiB"
  row "Gantt in Chromium: rows of the chart" tti_rows "%s"
  row "Gantt in Chromium: bars drawn" tti_bars "%s"
  row "Gantt in Chromium: scrolled to the middle, rows drawn after (median of $LOADS)" tti_scroll "%s ms"
  row "Gantt in Chromium: bars drawn there" tti_deep "%s"
  row "For comparison: the task list (/tasks) interactive" light "%s ms"
} | tee "$WORK/results.md"
