#!/usr/bin/env bash
# The benchmark behind docs/PERFORMANCE.md. Builds release binaries, then for each backend starts a
# fresh server and measures: cold start to the first 200 on /healthz, the signed-in shell page
# under load, RSS idle / under load / after 1,000 portals / after a restart with those portals,
# and finally the wasm bundle size. Prints a markdown table (also saved to $BENCH_DIR/results.md).
#
#   scripts/bench.sh                      # both backends, full run (~6 min + build on 2 cores)
#   BENCH_BACKENDS=sqlite scripts/bench.sh
#   BENCH_SKIP_BUILD=1 BENCH_DURATION=5s BENCH_PORTALS=50 scripts/bench.sh   # quick check
#
# Another server binary: BENCH_AGORA_BIN (with BENCH_SKIP_BUILD=1), and the commit it was built
# from for the report: BENCH_COMMIT (default: the working tree's HEAD).
# Extra server environment for every server start: BENCH_SERVER_ENV (e.g. "LD_PRELOAD=...").
# Settings (environment): BENCH_BACKENDS ("sqlite mariadb"), BENCH_PORT (3180), BENCH_DIR
# (/tmp/agora-bench), BENCH_MYSQL (mysql://root@127.0.0.1:3306), BENCH_CONNECTIONS (64),
# BENCH_WARMUP (10s), BENCH_DURATION (20s), BENCH_RUNS (3), BENCH_STARTS (5), BENCH_PORTALS (1000),
# BENCH_SIGNUP_CONCURRENCY (4), BENCH_LOADGEN_THREADS (1), BENCH_SKIP_BUILD (unset),
# BENCH_ALLOC_CONTROL (1: repeat the sign-ups in a server with glibc's mmap threshold pinned, to
# tell allocator retention from per-portal memory; 0 skips it).
# Needs: the site built by scripts/build-site.sh (target/site), a MariaDB for the mariadb backend
# (database agora_bench is dropped and re-created), the `mariadb` client to drop it.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
BACKENDS="${BENCH_BACKENDS:-sqlite mariadb}"
PORT="${BENCH_PORT:-3180}"
WORK="${BENCH_DIR:-/tmp/agora-bench}"
MYSQL="${BENCH_MYSQL:-mysql://root@127.0.0.1:3306}"
CONNECTIONS="${BENCH_CONNECTIONS:-64}"
WARMUP="${BENCH_WARMUP:-10s}"
DURATION="${BENCH_DURATION:-20s}"
RUNS="${BENCH_RUNS:-3}"
STARTS="${BENCH_STARTS:-5}"
PORTALS="${BENCH_PORTALS:-1000}"
SIGNUP_CONCURRENCY="${BENCH_SIGNUP_CONCURRENCY:-4}"
LOADGEN_THREADS="${BENCH_LOADGEN_THREADS:-1}"
ALLOC_CONTROL="${BENCH_ALLOC_CONTROL:-1}"
read -r -a SERVER_ENV <<<"${BENCH_SERVER_ENV:-}"
URL="http://127.0.0.1:$PORT"
SITE="$ROOT/target/site"

if [[ -z "${BENCH_SKIP_BUILD:-}" ]]; then
  echo "==> building release binaries" >&2
  cargo build --release -p server --bin agora >&2
  cargo build --release -p bench --bin loadgen >&2
fi
AGORA="${BENCH_AGORA_BIN:-$TARGET_DIR/release/agora}"
LOADGEN="$TARGET_DIR/release/loadgen"
SERVER_CMD=("$AGORA" serve)
[[ ${#SERVER_ENV[@]} -gt 0 ]] && SERVER_CMD=(env "${SERVER_ENV[@]}" "$AGORA" serve)
[[ -f "$SITE/pkg/manifest.json" ]] || { echo "no site at $SITE: run scripts/build-site.sh --release first" >&2; exit 1; }
if curl -s -o /dev/null "$URL/healthz"; then echo "port $PORT is taken; set BENCH_PORT" >&2; exit 1; fi
mkdir -p "$WORK"

SERVER_PID=""
cleanup() { if [[ -n "$SERVER_PID" ]]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi; }
trap cleanup EXIT

# KiB -> MiB with one decimal.
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
# JSON field from one line of loadgen output (flat objects only).
field() { sed -E "s/.*\"$2\":\[?([^],}]*).*/\1/" <<<"$1"; }

# Busy CPU of the whole machine (all processes), in ticks of 1/100 s.
machine_busy() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; }

start_server() { # $1 = database URL, $2 = log file, then optional VAR=value for the server
  local db="$1" log="$2"; shift 2
  env "${SERVER_ENV[@]}" "$@" DATABASE_URL="$db" AGORA_FILES_DIR="$FILES" AGORA_LISTEN="127.0.0.1:$PORT" AGORA_AUTH_PER_MINUTE=1000000 AGORA_SIGNUPS_PER_HOUR=1000000 "$AGORA" serve >>"$log" 2>&1 &
  SERVER_PID=$!
  "$LOADGEN" wait --url "$URL" >/dev/null
}
stop_server() {
  kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""
  sleep 0.3
}

declare -A R
for backend in $BACKENDS; do
  echo "==> $backend" >&2
  FILES="$WORK/$backend/files"
  rm -rf "${WORK:?}/$backend"; mkdir -p "$FILES"
  case "$backend" in
    sqlite) DB="sqlite://$WORK/$backend/agora.db" ;;
    mariadb)
      mariadb -uroot -h127.0.0.1 -e "DROP DATABASE IF EXISTS agora_bench" >&2
      DB="$MYSQL/agora_bench" ;;
    *) echo "unknown backend $backend" >&2; exit 1 ;;
  esac
  LOG="$WORK/$backend/server.log"
  export DATABASE_URL="$DB" AGORA_FILES_DIR="$FILES" AGORA_LISTEN="127.0.0.1:$PORT"

  # Cold start: the first start creates the database and runs the migrations; then N restarts.
  first=$("$LOADGEN" coldstart --url "$URL" --starts 1 --json -- "${SERVER_CMD[@]}")
  R[$backend,first]=$(field "$first" median_ms)
  starts=$("$LOADGEN" coldstart --url "$URL" --starts "$STARTS" --json -- "${SERVER_CMD[@]}")
  R[$backend,start]=$(field "$starts" median_ms)
  echo "   cold start: first $first; restarts $starts" >&2

  start_server "$DB" "$LOG"
  sleep 3
  R[$backend,rss_idle]=$(rss_kib "$SERVER_PID")

  R[$backend,loadavg]=$(cut -d' ' -f1 /proc/loadavg)
  busy0=$(machine_busy); t0=$(date +%s%N)
  shell=$("$LOADGEN" --threads "$LOADGEN_THREADS" shell --url "$URL" --connections "$CONNECTIONS" \
    --warmup "$WARMUP" --duration "$DURATION" --runs "$RUNS" --server-pid "$SERVER_PID" --json)
  busy1=$(machine_busy); t1=$(date +%s%N)
  R[$backend,machine_cores]=$(awk -v b=$((busy1 - busy0)) -v t=$((t1 - t0)) 'BEGIN { printf "%.2f", b / 100 / (t / 1e9) }')
  echo "$shell" | sed 's/^/   /' >&2
  median=$(tail -n1 <<<"$shell")
  R[$backend,rps]=$(field "$median" rps)
  R[$backend,p50]=$(field "$median" p50_ms)
  R[$backend,p99]=$(field "$median" p99_ms)
  R[$backend,errors]=$(awk -F'"errors":' '{ split($2, a, ","); s += a[1] } END { print s }' <<<"$shell")
  R[$backend,bytes]=$(field "$median" avg_body_bytes)
  R[$backend,cpu_us]=$(field "$median" server_cpu_us_per_req)
  R[$backend,cpu_cores]=$(field "$median" server_cpu_cores)
  R[$backend,rss_load]=$(rss_kib "$SERVER_PID")
  R[$backend,hwm_load]=$(awk '/^VmHWM:/ { print $2 }' "/proc/$SERVER_PID/status")
  # The same page from a single connection: latency without queueing.
  single=$("$LOADGEN" --threads "$LOADGEN_THREADS" shell --url "$URL" --connections 1 \
    --warmup 2s --duration "$DURATION" --server-pid "$SERVER_PID" --json)
  echo "   1 connection: $single" >&2
  R[$backend,rps1]=$(field "$single" rps)
  R[$backend,p50_1]=$(field "$single" p50_ms)
  R[$backend,p99_1]=$(field "$single" p99_ms)
  sleep 5
  R[$backend,rss_before]=$(rss_kib "$SERVER_PID")

  # A sign-up refused with HTTP 500 is retried (same slug) up to 10 times and counted; the
  # run goes on even if some still fail (the count is in the table).
  portals=$("$LOADGEN" --threads "$LOADGEN_THREADS" portals --url "$URL" --count "$PORTALS" \
    --concurrency "$SIGNUP_CONCURRENCY" --retries 10 --json || true)
  echo "   portals: $portals" >&2
  R[$backend,signup_s]=$(field "$portals" seconds)
  R[$backend,signup_rate]=$(field "$portals" per_second)
  R[$backend,signup_retried]=$(field "$portals" retried)
  R[$backend,signup_errors]=$(field "$portals" errors)
  R[$backend,rss_after]=$(rss_kib "$SERVER_PID")
  sleep 10
  R[$backend,rss_after10]=$(rss_kib "$SERVER_PID")
  stop_server

  # The same database, a fresh process: what the portals cost once nothing is in flight.
  start_server "$DB" "$LOG"
  sleep 3
  R[$backend,rss_restart]=$(rss_kib "$SERVER_PID")
  stop_server

  # Control: the same sign-ups in a server whose glibc malloc keeps large blocks in mmap (the
  # default threshold grows after the first 19 MiB argon2 block is freed, so later blocks are
  # carved from per-thread arenas and stay resident).
  R[$backend,rss_control]=""
  if [[ "$ALLOC_CONTROL" == 1 ]]; then
    start_server "$DB" "$LOG" MALLOC_MMAP_THRESHOLD_=1048576
    sleep 3
    R[$backend,rss_control_idle]=$(rss_kib "$SERVER_PID")
    control=$("$LOADGEN" --threads "$LOADGEN_THREADS" portals --url "$URL" --count "$PORTALS" \
      --concurrency "$SIGNUP_CONCURRENCY" --retries 10 --prefix "control" --json || true)
    echo "   control portals: $control" >&2
    sleep 10
    R[$backend,rss_control]=$(rss_kib "$SERVER_PID")
    stop_server
  fi
  echo "   RSS KiB: idle ${R[$backend,rss_idle]}, after load ${R[$backend,rss_load]}, before sign-ups ${R[$backend,rss_before]}, after ${R[$backend,rss_after]} / +10s ${R[$backend,rss_after10]}, restarted ${R[$backend,rss_restart]}" >&2
done

size() { stat -c %s "$1"; }
kib() { awk -v b="$1" 'BEGIN { printf "%.0f KiB", b / 1024 }'; }
{
  echo "Agora benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), commit ${BENCH_COMMIT:-$(git rev-parse --short HEAD 2>/dev/null || echo none)}"
  [[ ${#SERVER_ENV[@]} -gt 0 ]] && echo "Server environment: ${SERVER_ENV[*]}"
  echo "Shell page: GET / signed in, $CONNECTIONS connections, warm-up $WARMUP, median of $RUNS x $DURATION runs, load generator on the same machine ($LOADGEN_THREADS thread)."
  echo
  printf '| Measure |'; for b in $BACKENDS; do printf ' %s |' "$b"; done; echo
  printf '|---|'; for b in $BACKENDS; do printf -- '---:|'; done; echo
  row() { local label="$1" key="$2" fmt="$3"; printf '| %s |' "$label"; for b in $BACKENDS; do printf " $fmt |" "${R[$b,$key]}"; done; echo; }
  rowm() { local label="$1" key="$2"; printf '| %s |' "$label"; for b in $BACKENDS; do printf ' %s MiB |' "$(mib "${R[$b,$key]}")"; done; echo; }
  row "Shell page req/s" rps "%.0f"
  row "Shell page p50 latency" p50 "%s ms"
  row "Shell page p99 latency" p99 "%s ms"
  row "Shell page errors (all runs)" errors "%s"
  row "Shell page size (uncompressed)" bytes "%s B"
  row "Server CPU per shell request" cpu_us "%s µs"
  row "Server CPU in use during the runs" cpu_cores "%s cores"
  row "Whole machine busy during the shell test" machine_cores "%s cores"
  row "Load average before the shell test" loadavg "%s"
  row "1 connection: req/s" rps1 "%.0f"
  row "1 connection: p50 latency" p50_1 "%s ms"
  row "1 connection: p99 latency" p99_1 "%s ms"
  row "First start, empty database (migrations)" first "%s ms"
  row "Cold start to first 200 (median of $STARTS)" start "%s ms"
  rowm "RSS idle after start" rss_idle
  rowm "RSS right after the load test" rss_load
  rowm "Peak RSS (VmHWM) after the load test" hwm_load
  rowm "RSS before creating portals" rss_before
  row "Creating $PORTALS portals (sign-ups, $SIGNUP_CONCURRENCY at a time)" signup_s "%s s"
  row "Sign-ups per second" signup_rate "%s"
  row "Sign-ups refused and retried (HTTP 500)" signup_retried "%s"
  row "Sign-ups still failing after 10 retries" signup_errors "%s"
  rowm "RSS right after $PORTALS sign-ups" rss_after
  rowm "RSS 10 s later (portals idle)" rss_after10
  rowm "RSS after restart, $PORTALS+ portals idle" rss_restart
  if [[ "$ALLOC_CONTROL" == 1 ]]; then
    rowm "Control, MALLOC_MMAP_THRESHOLD_=1MiB: RSS idle" rss_control_idle
    rowm "Control: RSS 10 s after $PORTALS more sign-ups" rss_control
  fi
  echo
  echo "| Bundle | raw | gzip -9 | brotli |"
  echo "|---|---:|---:|---:|"
  for f in "$SITE"/pkg/*.wasm "$SITE"/pkg/*.js "$SITE"/pkg/*.css; do
    [[ -f "$f" ]] || continue
    br=""; [[ -f "$f.br" ]] && br=$(kib "$(size "$f.br")")
    echo "| $(basename "$f") | $(kib "$(size "$f")") | $(kib "$(gzip -9 -c "$f" | wc -c)") | $br |"
  done
} | tee "$WORK/results.md"
