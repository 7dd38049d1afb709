#!/usr/bin/env bash
# Redmine 5 on the same machine, the same MariaDB and the same data shape as Agora's pages
# benchmark (issue 16, scripts/bench-pages.sh), for a side-by-side comparison. Installs Debian's
# Redmine (redmine + redmine-mysql, 5.0.x) and Puma if missing, fills database redmine_bench
# with bench/redmine/gen.py (taskgen's shape: 200 people, 500 projects, 100,000 issues with one
# project of 10,000 dated around today, subtasks and `precedes` relations as taskgen writes
# them), starts Redmine under Puma in production mode (log level warn), signs in as user7 (a
# member of every project, like Agora's user7@tasks.bench) with curl and requests, with that
# session cookie, each page as a browser navigates to it:
#   my issues (/issues?assigned_to_id=me&set_filter=1)  ·  the big project's issue list  ·
#   its Gantt chart  ·  one issue (the big project's 101st, with journals and a relation)
# on 1 connection (up to $REDMINE_SINGLE requests one after the other, in runs of 5 on a kept-alive
# connection: p50/p99 with no queueing, and the CPU time Puma and MariaDB spent per request), then with
# `wrk -t2 -c16` and `-c64` (req/s). Every answer is checked to be the signed-in page (200 and
# `id="loggedas"`), before measuring and during wrk (bench/redmine/status.lua).
# Prints a markdown table (also saved to $REDMINE_DIR/results.md).
#
#   scripts/bench-redmine.sh                                     # install, fill, measure (~10 min)
#   REDMINE_KEEP=1 scripts/bench-redmine.sh                      # again, on the data of the last run
#   REDMINE_ISSUES=1000000 scripts/bench-redmine.sh              # Agora's full size
#   REDMINE_KEEP=1 REDMINE_SECONDS=5 REDMINE_SINGLE=50 scripts/bench-redmine.sh   # quick check
#
# Settings (environment): REDMINE_PORT (3190), REDMINE_DIR (/tmp/agora-bench-redmine),
# REDMINE_DB (redmine_bench, on root@127.0.0.1:3306; dropped and re-created unless
# REDMINE_KEEP), REDMINE_USERS (200), REDMINE_PROJECTS (500), REDMINE_ISSUES (100000),
# REDMINE_BIG (10000: issues of the big project), REDMINE_WORKERS (2: Puma processes, one per
# core), REDMINE_THREADS (5: threads per process, Rails' default), REDMINE_PER_PAGE (50: issues
# per list page, Agora's PAGE_SIZE; Redmine's default is 25), REDMINE_GANTT_LIMIT (2000: bars of
# a Gantt chart, Agora's MAX_GANTT_TASKS; Redmine's default is 500), REDMINE_SINGLE (200),
# REDMINE_SINGLE_MAX (60: seconds at most for them),
# REDMINE_WARMUP (3: seconds of wrk before each measured run), REDMINE_SECONDS (20),
# REDMINE_YJIT (unset: Ruby's interpreter, as Debian runs Redmine; 1: Ruby 3.1's experimental
# JIT), REDMINE_KEEP (unset; 1: reuse the data of the last run, whatever its sizes).
# Needs: root (apt-get, the Redmine instance's files belong to www-data), a MariaDB at
# 127.0.0.1:3306 whose root has no password, python3.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
PORT="${REDMINE_PORT:-3190}"
WORK="${REDMINE_DIR:-/tmp/agora-bench-redmine}"
DB="${REDMINE_DB:-redmine_bench}"
USERS="${REDMINE_USERS:-200}"
PROJECTS="${REDMINE_PROJECTS:-500}"
ISSUES="${REDMINE_ISSUES:-100000}"
BIG="${REDMINE_BIG:-10000}"
WORKERS="${REDMINE_WORKERS:-2}"
THREADS="${REDMINE_THREADS:-5}"
PER_PAGE="${REDMINE_PER_PAGE:-50}"
GANTT_LIMIT="${REDMINE_GANTT_LIMIT:-2000}"
SINGLE="${REDMINE_SINGLE:-200}"
SINGLE_MAX="${REDMINE_SINGLE_MAX:-60}"
WARMUP="${REDMINE_WARMUP:-3}"
SECONDS_="${REDMINE_SECONDS:-20}"
URL="http://127.0.0.1:$PORT"
APP=/usr/share/redmine
INSTANCE=default
READER=user7
PASSWORD=correct-horse-1
mysql() { mariadb -uroot -h127.0.0.1 "$@"; }
as_redmine() { # a command in Redmine's directory, as www-data, in production
  (cd "$APP" && exec setpriv --reuid=www-data --regid=www-data --init-groups \
    env HOME=/var/lib/redmine REDMINE_INSTANCE=$INSTANCE RAILS_ENV=production RACK_ENV=production "$@")
}

if curl -s -o /dev/null "$URL/"; then echo "port $PORT is taken; set REDMINE_PORT" >&2; exit 1; fi
mkdir -p "$WORK"

# 1. Debian's Redmine, told not to set up a database itself (dbconfig-common would make its own
#    user and database redmine_default): database.yml is written below instead.
installed() { [[ $(dpkg-query -W -f='${Status}\n' redmine redmine-mysql puma wrk 2>/dev/null | grep -c '^install ok installed$') == 4 ]]; }
t0=$(date +%s)
if ! installed; then
  echo "==> installing redmine, redmine-mysql, puma, wrk" >&2
  debconf-set-selections <<'EOF'
redmine redmine/current-instances string default
redmine redmine/instances/default/dbconfig-install boolean false
redmine redmine/instances/default/database-type select mysql
redmine redmine/instances/default/default-language select en
EOF
  apt-get update -q >&2
  # Without recommends: Passenger and Apache are not needed, Puma serves.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends redmine redmine-mysql puma wrk >&2
  echo "   installed in $(($(date +%s) - t0)) s" >&2
fi
VERSION=$(sed -n 's/^Version: //p' <(dpkg -s redmine))
cat >/etc/redmine/$INSTANCE/database.yml <<EOF
production:
  adapter: mysql2
  database: $DB
  host: 127.0.0.1
  port: 3306
  username: root
  password: ""
  encoding: utf8mb4
  pool: $((THREADS + 2))
EOF
chown root:www-data /etc/redmine/$INSTANCE/database.yml
chmod 640 /etc/redmine/$INSTANCE/database.yml
# Redmine's own hook for settings of the Rails application (production logs at info otherwise).
echo 'config.log_level = :warn' >"$APP/config/additional_environment.rb"

# 2. The data: Redmine's schema and default data (trackers, statuses, priorities, roles,
#    workflows) by its own tasks, then everything else as multi-row INSERTs.
if [[ -z "${REDMINE_KEEP:-}" || ! -f "$WORK/ids" ]] \
   || ! mysql -N -e "SELECT 1 FROM issues LIMIT 1" "$DB" >/dev/null 2>&1; then
  echo "==> filling $DB" >&2
  rm -f "$WORK/ids"
  t1=$(date +%s)
  mysql -e "DROP DATABASE IF EXISTS \`$DB\`; CREATE DATABASE \`$DB\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci" >&2
  as_redmine bundle exec rake db:migrate SCHEMA=/dev/null >"$WORK/migrate.log" 2>&1 \
    || { tail -20 "$WORK/migrate.log" >&2; exit 1; }
  as_redmine bundle exec rake redmine:load_default_data REDMINE_LANG=en >>"$WORK/migrate.log" 2>&1 \
    || { tail -20 "$WORK/migrate.log" >&2; exit 1; }
  t2=$(date +%s)
  echo "   schema and default data in $((t2 - t1)) s" >&2
  python3 bench/redmine/gen.py --database "$DB" --users "$USERS" --projects "$PROJECTS" --issues "$ISSUES" --big "$BIG" \
    | mysql "$DB" >/dev/null
  echo "   generated in $(($(date +%s) - t2)) s" >&2
  BIG_ID=$(mysql -N -e "SELECT id FROM projects WHERE identifier = 'gantt'" "$DB")
  # The big project's 101st issue, as bench-pages.sh picks its task (gen.py gave it journals).
  ISSUE=$(mysql -N -e "SELECT id FROM issues WHERE project_id = $BIG_ID ORDER BY id LIMIT 1 OFFSET 100" "$DB")
  echo "$BIG_ID $ISSUE $USERS $PROJECTS $ISSUES $BIG" >"$WORK/ids"
fi
read -r BIG_ID ISSUE USERS PROJECTS ISSUES BIG <"$WORK/ids"
# Settings as an administrator would set them: an intranet (sign-in required), and as many
# issues per list page and Gantt bars as Agora shows.
mysql "$DB" -e "DELETE FROM settings WHERE name IN ('login_required', 'per_page_options', 'gantt_items_limit');
  INSERT INTO settings (name, value, updated_on) VALUES ('login_required', '1', NOW()),
    ('per_page_options', '$PER_PAGE,100', NOW()), ('gantt_items_limit', '$GANTT_LIMIT', NOW())"
BIG_IDENT=$(mysql -N -e "SELECT identifier FROM projects WHERE id = $BIG_ID" "$DB")

# 3. Puma, clustered: $WORKERS processes forked after the application is loaded (--preload),
#    $THREADS threads each. Ruby runs one thread at a time per process, so a process per core;
#    the threads overlap the waits on MariaDB.
PUMA_PID=""
cleanup() { if [[ -n "$PUMA_PID" ]]; then kill "$PUMA_PID" 2>/dev/null || true; wait "$PUMA_PID" 2>/dev/null || true; fi; }
trap cleanup EXIT
echo "==> Redmine $VERSION under Puma: $WORKERS workers x $THREADS threads${REDMINE_YJIT:+, YJIT}, port $PORT" >&2
# Started here, not through as_redmine, so that $! is Puma itself (each step execs the next).
(cd "$APP" && exec setpriv --reuid=www-data --regid=www-data --init-groups \
  env HOME=/var/lib/redmine REDMINE_INSTANCE=$INSTANCE RAILS_ENV=production RACK_ENV=production \
  ${REDMINE_YJIT:+RUBYOPT=--yjit} puma --environment production --workers "$WORKERS" --threads "$THREADS:$THREADS" --preload \
  --bind "tcp://127.0.0.1:$PORT" config.ru) >"$WORK/puma.log" 2>&1 &
PUMA_PID=$!
for _ in $(seq 120); do
  curl -s -o /dev/null "$URL/login" && break
  kill -0 "$PUMA_PID" 2>/dev/null || { tail -20 "$WORK/puma.log" >&2; exit 1; }
  sleep 1
done

# Sign in as a browser does: the login form's CSRF token, then the form posted with it.
JAR="$WORK/cookies"
rm -f "$JAR"
TOKEN=$(curl -s -c "$JAR" "$URL/login" | sed -n 's/.*name="authenticity_token" value="\([^"]*\)".*/\1/p' | head -n1)
code=$(curl -s -o /dev/null -w '%{http_code}' -b "$JAR" -c "$JAR" "$URL/login" \
  --data-urlencode "authenticity_token=$TOKEN" --data-urlencode "username=$READER" \
  --data-urlencode "password=$PASSWORD" --data-urlencode "back_url=$URL/")
[[ "$code" == 302 ]] || { echo "sign-in answered $code" >&2; exit 1; }
# Debian names the session cookie after the instance's module ("Redmine"), not _redmine_session.
COOKIE=$(awk '!/^# / && NF == 7 { c = $6 "=" $7 } END { print c }' "$JAR")
[[ -n "$COOKIE" ]] || { echo "no session cookie after signing in" >&2; exit 1; }
export COOKIE

PAGES=(mine project gantt issue)
declare -A LABEL=([mine]="my issues" [project]="the big project's issue list" [gantt]="the big project's Gantt" [issue]="one issue")
declare -A PATHS=([mine]="/issues?assigned_to_id=me&set_filter=1" [project]="/projects/$BIG_IDENT/issues" \
  [gantt]="/projects/$BIG_IDENT/issues/gantt" [issue]="/issues/$ISSUE")
# What only the real page has, besides the signed-in user's name.
declare -A MARK=([mine]='<table class="list issues' [project]='<table class="list issues' \
  [gantt]='id="gantt_area"' [issue]='id="relations"')
declare -A R
cpu_ticks() { # utime + stime of the processes given, in clock ticks
  local t=0 pid
  for pid in "$@"; do t=$((t + $(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null || echo 0))); done
  echo "$t"
}
puma_pids() { echo "$PUMA_PID $(pgrep -P "$PUMA_PID" | tr '\n' ' ')"; }
MARIADB_PID=$(pidof mariadbd || pidof mysqld || true)
HZ=$(getconf CLK_TCK)
# When wrk stops, Puma still works through the requests it had accepted (a slow page can keep
# both cores busy for a minute): wait until it uses less than a tenth of a core.
settle() {
  local before after
  for _ in $(seq 600); do
    # shellcheck disable=SC2046
    before=$(cpu_ticks $(puma_pids)); sleep 1
    # shellcheck disable=SC2046
    after=$(cpu_ticks $(puma_pids))
    (( (after - before) * 10 < HZ )) && return
  done
}
for page in "${PAGES[@]}"; do
  path="${PATHS[$page]}"
  body="$WORK/$page.html"
  code=$(curl -s -o "$body" -w '%{http_code}' -H "Cookie: $COOKIE" "$URL$path")
  if [[ "$code" != 200 ]] || ! grep -q 'id="loggedas"' "$body" || ! grep -qF "${MARK[$page]}" "$body"; then
    echo "$path answered $code without the signed-in page (see $body)" >&2; exit 1
  fi
  R[$page,bytes]=$(stat -c %s "$body")
  case $page in
    mine|project) R[$page,rows]="$(grep -o '<tr id="issue-[0-9]*"' "$body" | wc -l) rows of $(sed -n 's|.*<span class="items">([0-9]*-[0-9]*/\([0-9]*\))</span>.*|\1|p' "$body" | head -n1)" ;;
    gantt) R[$page,rows]="$(grep -o 'class="issue-subject' "$body" | wc -l) bars" ;;
    issue) R[$page,rows]="$(grep -o 'id="change-[0-9]*"' "$body" | wc -l) journals" ;;
  esac
  # One connection: up to 20 requests to warm up (15 s at most), then up to $SINGLE one after
  # the other, in runs of 5 on one kept-alive connection, for at most $SINGLE_MAX seconds (a
  # slow page gets fewer).
  args=(); for _ in $(seq 5); do args+=(-o /dev/null "$URL$path"); done
  start=$(date +%s)
  for _ in 1 2 3 4; do
    curl -s -H "Cookie: $COOKIE" "${args[@]}" >/dev/null
    (( $(date +%s) - start < 15 )) || break
  done
  : >"$WORK/$page.times"
  # shellcheck disable=SC2046
  p0=$(cpu_ticks $(puma_pids)); m0=$(cpu_ticks $MARIADB_PID); start=$(date +%s)
  while (( $(wc -l <"$WORK/$page.times") < SINGLE && $(date +%s) - start < SINGLE_MAX )); do
    curl -s -H "Cookie: $COOKIE" -w '%{http_code} %{time_total}\n' "${args[@]}" >>"$WORK/$page.times"
  done
  # shellcheck disable=SC2046
  p1=$(cpu_ticks $(puma_pids)); m1=$(cpu_ticks $MARIADB_PID)
  n=$(wc -l <"$WORK/$page.times")
  bad=$(awk '$1 != 200' "$WORK/$page.times" | wc -l)
  [[ "$bad" == 0 ]] || { echo "$path: $bad answers not 200 on 1 connection" >&2; exit 1; }
  R[$page,n]=$n
  read -r "R[$page,p50]" "R[$page,p99]" < <(awk '{ print $2 * 1000 }' "$WORK/$page.times" | sort -n | awk '
    { v[NR] = $1 } END { i50 = int(NR * 0.50 + 0.5); i99 = int(NR * 0.99 + 0.5); if (i50 < 1) i50 = 1; if (i99 < 1) i99 = 1
      printf "%.1f %.1f\n", v[i50], v[i99] }')
  R[$page,cpu]=$(awk -v t=$((p1 - p0)) -v hz="$HZ" -v n="$n" 'BEGIN { printf "%.1f", t * 1000 / hz / n }')
  R[$page,dbcpu]=$(awk -v t=$((m1 - m0)) -v hz="$HZ" -v n="$n" 'BEGIN { printf "%.1f", t * 1000 / hz / n }')
  echo "   $page ($path), 1 connection, $n requests: p50 ${R[$page,p50]} ms, p99 ${R[$page,p99]} ms, Puma CPU ${R[$page,cpu]} ms, MariaDB CPU ${R[$page,dbcpu]} ms, ${R[$page,bytes]} B, ${R[$page,rows]}" >&2
  # wrk counts the answers that came within its run: a page that takes seconds needs a longer
  # run, at least 4 rounds of a worker's threads ($THREADS requests sharing one core), and no
  # warm-up (the one connection above warmed it; a queue left behind would only cost time).
  R[$page,dur]=$(awk -v s="$SECONDS_" -v p50="${R[$page,p50]}" -v t="$THREADS" 'BEGIN { d = int(4 * t * p50 / 1000 + 0.999); print (d > s ? d : s) }')
  for c in 16 64; do
    if (( ${R[$page,dur]} == SECONDS_ )); then
      wrk -t2 -c"$c" -d"${WARMUP}s" --timeout 60s -s bench/redmine/status.lua "$URL$path" >/dev/null
      settle
    fi
    out=$(wrk -t2 -c"$c" -d"${R[$page,dur]}s" --timeout 60s --latency -s bench/redmine/status.lua "$URL$path")
    echo "$out" >"$WORK/$page.c$c.wrk"
    settle
    R[$page,rps$c]=$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")
    R[$page,p99_$c]=$(awk '$1 == "99%" { print $2 }' <<<"$out")
    R[$page,bad$c]=$(awk '/^not the page:/ { n = $4 } /Socket errors:/ { gsub(",", ""); n += $4 + $6 + $8 + $10 } END { print n + 0 }' <<<"$out")
    echo "   $page, $c connections, ${R[$page,dur]} s: ${R[$page,rps$c]} req/s, p99 ${R[$page,p99_$c]}, ${R[$page,bad$c]} not the page or failed" >&2
  done
done

{
  echo "Redmine pages benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, Redmine $VERSION (Debian), Ruby $(ruby -e 'print RUBY_VERSION'), Puma $(dpkg-query -W -f='${Version}' puma) ($WORKERS workers x $THREADS threads, preloaded${REDMINE_YJIT:+, YJIT}), MariaDB $(mysql -N -e 'SELECT VERSION()')"
  echo "$USERS people, $PROJECTS projects, $ISSUES issues (one project of $BIG); $PER_PAGE issues per list page, Gantt limit $GANTT_LIMIT; read as $READER (signed in, session cookie)."
  echo "1 connection: up to $SINGLE requests one after the other (at most ${SINGLE_MAX}s; runs of 5 on a kept-alive connection; no queueing), after up to 20 to warm up; CPU per request of Puma and MariaDB over them. 16 and 64 connections: wrk -t2 for ${SECONDS_}s after ${WARMUP}s (a page of over 1 s: longer, no warm-up; 'wrk run'); 'failed': not 200 or not the signed-in page, or wrk's socket errors and time-outs (60 s); load generator on the same machine; bodies uncompressed (Puma does not compress)."
  echo
  printf '| Page | requests | p50 | p99 | Puma CPU | MariaDB CPU | wrk run | req/s c16 | req/s c64 | p99 c64 | failed | HTML | shown |\n'
  printf '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n'
  for page in "${PAGES[@]}"; do
    printf '| %s | %s | %s ms | %s ms | %s ms | %s ms | %s s | %.1f | %.1f | %s | %s | %s KB | %s |\n' "${LABEL[$page]}" "${R[$page,n]}" \
      "${R[$page,p50]}" "${R[$page,p99]}" "${R[$page,cpu]}" "${R[$page,dbcpu]}" "${R[$page,dur]}" "${R[$page,rps16]}" "${R[$page,rps64]}" \
      "${R[$page,p99_64]}" "$((${R[$page,bad16]} + ${R[$page,bad64]}))" \
      "$(awk -v b="${R[$page,bytes]}" 'BEGIN { printf "%.1f", b / 1000 }')" "${R[$page,rows]}"
  done
} | tee "$WORK/results.md"
