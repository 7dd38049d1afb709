#!/usr/bin/env bash
# The messenger at scale (docs/PERFORMANCE.md, "The messenger at scale"). For each backend: a
# fresh database and server, one portal filled by `chatgen` (an administrator and 2,000 people,
# 200 group chats of 10, and the chat "History" with 1,000,000 messages). Measured:
#   - history: `chat_history`, the latest page and a page `{"before": seq}` half-way back in the
#     long chat, as one of its members, 1 connection (p50/p99);
#   - delivery, in a fresh server: `wsbench chat` signs in the 2,000 people, opens one `/ws`
#     socket each, waits for the connect storm to pass, reads the server's RSS (memory per idle
#     socket), then sends messages in the group chats at a steady total rate through
#     `send_message` (5 s unmeasured, then $CHAT_SEND) and times each delivery to each member's socket (p50/p99/max over all
#     (message, recipient) pairs), checking each member gets each message exactly once.
# Prints a markdown table (also saved to $CHAT_DIR/results.md).
#
#   scripts/bench-chat.sh                                          # both backends
#   CHAT_BACKENDS=sqlite scripts/bench-chat.sh
#   CHAT_SKIP_BUILD=1 CHAT_USERS=201 CHAT_GROUPS=20 CHAT_MESSAGES=20000 CHAT_RATE=20 \
#     CHAT_SEND=5s CHAT_DURATION=3s scripts/bench-chat.sh                   # quick check
#
# Settings (environment): CHAT_BACKENDS ("sqlite mariadb"), CHAT_PORT (3183), CHAT_DIR
# (/tmp/agora-bench-chat), CHAT_MYSQL (mysql://root@127.0.0.1:3306; database agora_chat is dropped
# and re-created), CHAT_USERS (2001, the administrator included: every other person gets a
# socket), CHAT_GROUPS (200), CHAT_MEMBERS (10), CHAT_MESSAGES (1000000), CHAT_DEEP (the `before`
# seq of the deep page; half of CHAT_MESSAGES), CHAT_RATE (messages a second in all, "100 300 600"; several
# rates separated by spaces are measured one after another by separate `wsbench chat` runs on
# the same server, the memory figures taken from the first), CHAT_SEND (30s of sending), CHAT_DURATION (20s per history measurement),
# CHAT_THREADS (2, wsbench's runtime threads), CHAT_SKIP_BUILD (unset).
# Needs: a MariaDB for the mariadb backend and the `mariadb` client. Not the site: the server
# answers server functions and /ws without target/site.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
BACKENDS="${CHAT_BACKENDS:-sqlite mariadb}"
PORT="${CHAT_PORT:-3183}"
WORK="${CHAT_DIR:-/tmp/agora-bench-chat}"
MYSQL="${CHAT_MYSQL:-mysql://root@127.0.0.1:3306}"
USERS="${CHAT_USERS:-2001}"
GROUP_COUNT="${CHAT_GROUPS:-200}"
MEMBERS="${CHAT_MEMBERS:-10}"
MESSAGES="${CHAT_MESSAGES:-1000000}"
DEEP="${CHAT_DEEP:-$(( MESSAGES / 2 ))}"
RATES="${CHAT_RATE:-100 300 600}"
SEND="${CHAT_SEND:-30s}"
DURATION="${CHAT_DURATION:-20s}"
THREADS="${CHAT_THREADS:-2}"
URL="http://127.0.0.1:$PORT"
PORTAL=bench-0
PASSWORD=correct-horse-1
# chatgen puts user7 in the long chat.
READER=user7@chat.bench

if [[ -z "${CHAT_SKIP_BUILD:-}" ]]; then
  echo "==> building release binaries" >&2
  cargo build --release -p server --bin agora >&2
  cargo build --release -p bench >&2
fi
AGORA="$TARGET_DIR/release/agora"
LOADGEN="$TARGET_DIR/release/loadgen"
CHATGEN="$TARGET_DIR/release/chatgen"
WSBENCH="$TARGET_DIR/release/wsbench"
if curl -s -o /dev/null "$URL/healthz"; then echo "port $PORT is taken; set CHAT_PORT" >&2; exit 1; fi
mkdir -p "$WORK"
# 2,000 sockets on each side, and the senders' connections.
ulimit -n "$(ulimit -Hn)"

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

# One history page on 1 connection; $1 = key prefix, $2 = chat_history's JSON body.
history() {
  local out
  out=$("$LOADGEN" shell --url "$URL" --portal "$PORTAL" --email "$READER" --password "$PASSWORD" \
    --connections 1 --warmup 2s --duration "$DURATION" --server-pid "$SERVER_PID" --json \
    --api chat_history --body "$2")
  echo "   $1: $out" >&2
  R[$backend,${1}_p50]=$(field "$out" p50_ms)
  R[$backend,${1}_p99]=$(field "$out" p99_ms)
  R[$backend,${1}_bytes]=$(field "$out" avg_body_bytes)
  R[$backend,${1}_cpu]=$(awk -v us="$(field "$out" server_cpu_us_per_req)" 'BEGIN { printf "%.2f", us / 1000 }')
}

declare -A R
for backend in $BACKENDS; do
  echo "==> $backend (load average $(cut -d' ' -f1-3 /proc/loadavg))" >&2
  FILES="$WORK/$backend/files"
  rm -rf "${WORK:?}/$backend"; mkdir -p "$FILES"
  case "$backend" in
    sqlite) DB="sqlite://$WORK/$backend/agora.db" ;;
    mariadb)
      mariadb -uroot -h127.0.0.1 -e "DROP DATABASE IF EXISTS agora_chat" >&2
      DB="$MYSQL/agora_chat" ;;
    *) echo "unknown backend $backend" >&2; exit 1 ;;
  esac
  LOG="$WORK/$backend/server.log"

  start_server "$DB" "$LOG"
  "$LOADGEN" portals --url "$URL" --count 1 --prefix bench --json >&2
  t0=$(date +%s%N)
  CHAT=$("$CHATGEN" --database "$DB" --portal "$PORTAL" --users "$USERS" --groups "$GROUP_COUNT" \
    --members "$MEMBERS" --messages "$MESSAGES")
  R[$backend,chatgen_s]=$(awk -v ns=$(($(date +%s%N) - t0)) 'BEGIN { printf "%.0f", ns / 1e9 }')
  # A fresh process: nothing of the generation is cached in the server.
  stop_server
  start_server "$DB" "$LOG"
  history latest "{\"chat\":$CHAT,\"from\":\"latest\"}"
  history deep "{\"chat\":$CHAT,\"from\":{\"before\":$DEEP}}"

  # Delivery in a fresh server, so its memory is the sockets'.
  stop_server
  start_server "$DB" "$LOG"
  for rate in $RATES; do
    out=$("$WSBENCH" --threads "$THREADS" chat --url "$URL" --portal "$PORTAL" --password "$PASSWORD" \
      --domain chat.bench --users $(( USERS - 1 )) --rate "$rate" --duration "$SEND" \
      --server-pid "$SERVER_PID" --json) || echo "   the delivery check failed (see the figures)" >&2
    [[ -n "$out" ]] || { echo "wsbench chat printed nothing" >&2; exit 1; }
    echo "   delivery at $rate/s: $out" >&2
    R[$backend,$rate,rss_before_mib]=$(awk -v k="$(field "$out" rss_before_kib)" 'BEGIN { printf "%.1f", k / 1024 }')
    R[$backend,$rate,rss_after_mib]=$(awk -v k="$(field "$out" rss_after_kib)" 'BEGIN { printf "%.1f", k / 1024 }')
    R[$backend,$rate,kib_per_socket]=$(awk -v b="$(field "$out" bytes_per_socket)" 'BEGIN { printf "%.1f", b / 1024 }')
    for f in clients chats messages errors sent_per_s deliveries missing duplicates stray p50_ms p99_ms \
      max_ms send_p50_ms send_p99_ms server_cores storm_events storm_s; do
      R[$backend,$rate,$f]=$(field "$out" "$f")
    done
  done
  stop_server
  echo "   load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
done

{
  built="commit $(git rev-parse --short HEAD 2>/dev/null || echo none)"
  [[ -n "${CHAT_SKIP_BUILD:-}" ]] && built="binaries built earlier (HEAD is $built)"
  echo "Agora messenger benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $built"
  echo "One portal with $USERS people, $GROUP_COUNT group chats of $MEMBERS, a chat of $MESSAGES messages read as $READER;"
  echo "history on 1 connection for $DURATION; delivery: $(( USERS - 1 )) sockets, $SEND of sending per rate; load generators on the same machine."
  echo
  printf '| Measure |'; for b in $BACKENDS; do printf ' %s |' "$b"; done; echo
  printf '|---|'; for b in $BACKENDS; do printf -- '---:|'; done; echo
  row() { local label="$1" key="$2" fmt="$3"; printf '| %s |' "$label"; for b in $BACKENDS; do printf " $fmt |" "${R[$b,$key]}"; done; echo; }
  row "chatgen" chatgen_s "%s s"
  row "History, latest page: size" latest_bytes "%s B"
  row "History, latest page, 1 connection: p50" latest_p50 "%s ms"
  row "History, latest page, 1 connection: p99" latest_p99 "%s ms"
  row "History, latest page: server CPU per request" latest_cpu "%s ms"
  row "History, before seq $DEEP, 1 connection: p50" deep_p50 "%s ms"
  row "History, before seq $DEEP, 1 connection: p99" deep_p99 "%s ms"
  row "History, before seq $DEEP: server CPU per request" deep_cpu "%s ms"
  first=${RATES%% *}
  row "Sockets open (one per person)" "$first,clients" "%s"
  row "Connect storm: events received" "$first,storm_events" "%s"
  row "Connect storm: quiet after" "$first,storm_s" "%s s"
  row "RSS before the sockets" "$first,rss_before_mib" "%s MiB"
  row "RSS with the sockets idle" "$first,rss_after_mib" "%s MiB"
  row "Memory per idle socket" "$first,kib_per_socket" "%s KiB"
  for rate in $RATES; do
    row "At $rate msg/s: messages sent" "$rate,messages" "%s"
    row "At $rate msg/s: send errors" "$rate,errors" "%s"
    row "At $rate msg/s: messages/s answered" "$rate,sent_per_s" "%s"
    row "At $rate msg/s: deliveries to members" "$rate,deliveries" "%s"
    row "At $rate msg/s: delivery p50" "$rate,p50_ms" "%s ms"
    row "At $rate msg/s: delivery p99" "$rate,p99_ms" "%s ms"
    row "At $rate msg/s: delivery max" "$rate,max_ms" "%s ms"
    row "At $rate msg/s: send_message answered p50" "$rate,send_p50_ms" "%s ms"
    row "At $rate msg/s: send_message answered p99" "$rate,send_p99_ms" "%s ms"
    row "At $rate msg/s: server CPU while sending" "$rate,server_cores" "%s cores"
    row "At $rate msg/s: missing" "$rate,missing" "%s"
    row "At $rate msg/s: duplicated" "$rate,duplicates" "%s"
    row "At $rate msg/s: to non-members" "$rate,stray" "%s"
  done
} | tee "$WORK/results.md"
