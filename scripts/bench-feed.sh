#!/usr/bin/env bash
# The feed at scale (docs/PERFORMANCE.md, "The feed at scale"). For each backend: a fresh database
# and server, 100 portals, then one more portal filled by `feedgen` (an administrator and 1,000 people, 1,000,000
# posts, 2,000,000 comments, 1,000,000 likes). Measured as one generated employee:
#   - the first feed page, server-rendered (`GET /`): 1 connection, then 64;
#   - the next page, as infinite scroll asks for it (`feed_page` with `before`): the same;
#   - fan-out: 1,000 sockets, one per person; 50 posts to everyone, each timed until the last
#     socket has it;
#   - RSS with 5,000 idle sockets.
# Prints a markdown table (also saved to $FEED_DIR/results.md).
#
#   scripts/bench-feed.sh                                   # both backends (~25 min + build)
#   FEED_BACKENDS=sqlite scripts/bench-feed.sh
#   FEED_SKIP_BUILD=1 FEED_POSTS=20000 FEED_COMMENTS=40000 FEED_LIKES=20000 FEED_DURATION=3s \
#     FEED_PORTALS=5 FEED_IDLE_SOCKETS=500 scripts/bench-feed.sh          # quick check
#
# Settings (environment): FEED_BACKENDS ("sqlite mariadb"), FEED_PORT (3181), FEED_DIR
# (/tmp/agora-bench-feed), FEED_MYSQL (mysql://root@127.0.0.1:3306; database agora_feed is dropped
# and re-created), FEED_PORTALS (100), FEED_USERS (1001, the administrator included), FEED_POSTS (1000000), FEED_COMMENTS
# (2000000), FEED_LIKES (1000000), FEED_CONNECTIONS (64), FEED_WARMUP (5s), FEED_DURATION (20s),
# FEED_RUNS (3), FEED_FANOUT_SOCKETS (1000), FEED_FANOUT_POSTS (50), FEED_IDLE_SOCKETS (5000),
# FEED_SKIP_BUILD (unset).
# Needs: the site built by scripts/build-site.sh --release (target/site), a MariaDB for the
# mariadb backend and the `mariadb` client.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
BACKENDS="${FEED_BACKENDS:-sqlite mariadb}"
PORT="${FEED_PORT:-3181}"
WORK="${FEED_DIR:-/tmp/agora-bench-feed}"
MYSQL="${FEED_MYSQL:-mysql://root@127.0.0.1:3306}"
PORTALS="${FEED_PORTALS:-100}"
USERS="${FEED_USERS:-1001}"
POSTS="${FEED_POSTS:-1000000}"
COMMENTS="${FEED_COMMENTS:-2000000}"
LIKES="${FEED_LIKES:-1000000}"
CONNECTIONS="${FEED_CONNECTIONS:-64}"
WARMUP="${FEED_WARMUP:-5s}"
DURATION="${FEED_DURATION:-20s}"
RUNS="${FEED_RUNS:-3}"
FANOUT_SOCKETS="${FEED_FANOUT_SOCKETS:-1000}"
FANOUT_POSTS="${FEED_FANOUT_POSTS:-50}"
IDLE_SOCKETS="${FEED_IDLE_SOCKETS:-5000}"
URL="http://127.0.0.1:$PORT"
SITE="$ROOT/target/site"
# feedgen's people besides the administrator are user1 … user<USERS-1>.
SOCKET_USERS=$(( FANOUT_SOCKETS < USERS - 1 ? FANOUT_SOCKETS : USERS - 1 ))
PORTAL=bench-0
PASSWORD=correct-horse-1
READER=user7@feed.bench

if [[ -z "${FEED_SKIP_BUILD:-}" ]]; then
  echo "==> building release binaries" >&2
  cargo build --release -p server --bin agora >&2
  cargo build --release -p bench >&2
fi
AGORA="$TARGET_DIR/release/agora"
LOADGEN="$TARGET_DIR/release/loadgen"
FEEDGEN="$TARGET_DIR/release/feedgen"
WSBENCH="$TARGET_DIR/release/wsbench"
[[ -f "$SITE/pkg/manifest.json" ]] || { echo "no site at $SITE: run scripts/build-site.sh --release first" >&2; exit 1; }
if curl -s -o /dev/null "$URL/healthz"; then echo "port $PORT is taken; set FEED_PORT" >&2; exit 1; fi
mkdir -p "$WORK"
# 5,000 sockets on each side (the hard limit here is 20,000).
ulimit -n "$(ulimit -Hn)"

SERVER_PID=""
cleanup() { if [[ -n "$SERVER_PID" ]]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi; }
trap cleanup EXIT

mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
field() { sed -E "s/.*\"$2\":\[?([^],}]*).*/\1/" <<<"$1"; }

start_server() { # $1 = database URL, $2 = log file
  DATABASE_URL="$1" AGORA_FILES_DIR="$FILES" AGORA_LISTEN="127.0.0.1:$PORT" AGORA_AUTH_PER_MINUTE=1000000 AGORA_SIGNUPS_PER_HOUR=1000000 "$AGORA" serve >>"$2" 2>&1 &
  SERVER_PID=$!
  "$LOADGEN" wait --url "$URL" >/dev/null
}
stop_server() { kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""; sleep 0.3; }

# One page measurement: 1 connection, then $CONNECTIONS; $1 = key prefix, the rest = loadgen flags.
measure_page() {
  local key="$1"; shift
  local single many median
  single=$("$LOADGEN" shell --url "$URL" --portal "$PORTAL" --email "$READER" --password "$PASSWORD" \
    --connections 1 --warmup 2s --duration "$DURATION" --server-pid "$SERVER_PID" --json "$@")
  echo "   $key, 1 connection: $single" >&2
  R[$backend,${key}_rps1]=$(field "$single" rps)
  R[$backend,${key}_p50_1]=$(field "$single" p50_ms)
  R[$backend,${key}_p99_1]=$(field "$single" p99_ms)
  R[$backend,${key}_cpu]=$(awk -v us="$(field "$single" server_cpu_us_per_req)" 'BEGIN { printf "%.1f", us / 1000 }')
  R[$backend,${key}_bytes]=$(field "$single" avg_body_bytes)
  many=$("$LOADGEN" shell --url "$URL" --portal "$PORTAL" --email "$READER" --password "$PASSWORD" \
    --connections "$CONNECTIONS" --warmup "$WARMUP" --duration "$DURATION" --runs "$RUNS" \
    --server-pid "$SERVER_PID" --json "$@")
  echo "$many" | sed "s/^/   $key, $CONNECTIONS connections: /" >&2
  median=$(tail -n1 <<<"$many")
  R[$backend,${key}_rps]=$(field "$median" rps)
  R[$backend,${key}_p50]=$(field "$median" p50_ms)
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
      mariadb -uroot -h127.0.0.1 -e "DROP DATABASE IF EXISTS agora_feed" >&2
      DB="$MYSQL/agora_feed" ;;
    *) echo "unknown backend $backend" >&2; exit 1 ;;
  esac
  LOG="$WORK/$backend/server.log"

  start_server "$DB" "$LOG"
  "$LOADGEN" portals --url "$URL" --count "$PORTALS" --prefix other --json >&2
  "$LOADGEN" portals --url "$URL" --count 1 --prefix bench --json >&2
  t0=$(date +%s%N)
  "$FEEDGEN" --database "$DB" --portal "$PORTAL" --users "$USERS" --posts "$POSTS" \
    --comments "$COMMENTS" --likes "$LIKES" >&2
  R[$backend,feedgen_s]=$(awk -v ns=$(($(date +%s%N) - t0)) 'BEGIN { printf "%.0f", ns / 1e9 }')
  # A fresh process: nothing of the generation is cached in the server.
  stop_server
  start_server "$DB" "$LOG"

  measure_page first
  measure_page next --feed-next-page

  fanout=$("$WSBENCH" fanout --url "$URL" --portal "$PORTAL" --password "$PASSWORD" \
    --users "$SOCKET_USERS" --sockets "$FANOUT_SOCKETS" --posts "$FANOUT_POSTS" --json)
  echo "   fan-out: $fanout" >&2
  R[$backend,fan_p50]=$(field "$fanout" last_p50_ms)
  R[$backend,fan_p99]=$(field "$fanout" last_p99_ms)
  R[$backend,fan_max]=$(field "$fanout" last_max_ms)
  R[$backend,fan_each_p99]=$(field "$fanout" delivery_p99_ms)
  R[$backend,fan_missing]=$(field "$fanout" missing)

  # Idle sockets in a fresh process, so the figure is not the page tests' caches.
  stop_server
  start_server "$DB" "$LOG"
  idle=$("$WSBENCH" idle --url "$URL" --portal "$PORTAL" --password "$PASSWORD" \
    --users "$SOCKET_USERS" --sockets "$IDLE_SOCKETS" --server-pid "$SERVER_PID" --json)
  echo "   idle: $idle" >&2
  R[$backend,idle_before]=$(field "$idle" rss_before_kib)
  R[$backend,idle_after]=$(field "$idle" rss_after_kib)
  R[$backend,idle_per]=$(awk -v b="$(field "$idle" bytes_per_socket)" 'BEGIN { printf "%.1f", b / 1024 }')
  stop_server
done

{
  echo "Agora feed benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, commit $(git rev-parse --short HEAD 2>/dev/null || echo none)"
  echo "$PORTALS portals + one with $USERS people, $POSTS posts, $COMMENTS comments, $LIKES likes; read as $READER."
  echo "Pages: 1 connection for $DURATION; $CONNECTIONS connections, median of $RUNS x $DURATION after $WARMUP warm-up; load generator on the same machine."
  echo
  printf '| Measure |'; for b in $BACKENDS; do printf ' %s |' "$b"; done; echo
  printf '|---|'; for b in $BACKENDS; do printf -- '---:|'; done; echo
  row() { local label="$1" key="$2" fmt="$3"; printf '| %s |' "$label"; for b in $BACKENDS; do printf " $fmt |" "${R[$b,$key]}"; done; echo; }
  rowm() { local label="$1" key="$2"; printf '| %s |' "$label"; for b in $BACKENDS; do printf ' %s MiB |' "$(mib "${R[$b,$key]}")"; done; echo; }
  row "feedgen" feedgen_s "%s s"
  for page in first next; do
    case $page in first) name="First page (GET /)" ;; next) name="Next page (feed_page, before)" ;; esac
    row "$name: size" ${page}_bytes "%s B"
    row "$name, 1 connection: p50" ${page}_p50_1 "%s ms"
    row "$name, 1 connection: p99" ${page}_p99_1 "%s ms"
    row "$name, 1 connection: req/s" ${page}_rps1 "%.0f"
    row "$name: server CPU per request" ${page}_cpu "%s ms"
    row "$name, $CONNECTIONS connections: req/s" ${page}_rps "%.0f"
    row "$name, $CONNECTIONS connections: p50" ${page}_p50 "%s ms"
    row "$name, $CONNECTIONS connections: p99" ${page}_p99 "%s ms"
    row "$name, $CONNECTIONS connections: errors" ${page}_errors "%s"
  done
  row "Fan-out to $FANOUT_SOCKETS sockets, until the last has it: p50" fan_p50 "%s ms"
  row "Fan-out: p99 ($FANOUT_POSTS posts)" fan_p99 "%s ms"
  row "Fan-out: slowest post" fan_max "%s ms"
  row "Fan-out: each delivery p99" fan_each_p99 "%s ms"
  row "Fan-out: deliveries missing" fan_missing "%s"
  rowm "RSS before $IDLE_SOCKETS idle sockets" idle_before
  rowm "RSS with $IDLE_SOCKETS idle sockets (after 10 s)" idle_after
  row "Memory per idle socket" idle_per "%s KiB"
} | tee "$WORK/results.md"
