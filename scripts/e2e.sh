#!/usr/bin/env bash
# Runs the browser tests (end2end/, Playwright driving Debian's Chromium) against a fresh server:
# a new SQLite database and files folder in a temporary directory, on a free loopback port.
# Expects the site and the server to be built already (scripts/build-site.sh).
#   scripts/e2e.sh                     # the whole suite
#   scripts/e2e.sh tests/invite.spec.ts --headed   # extra arguments go to `playwright test`
# Environment: CARGO_TARGET_DIR (where the debug binary is), AGORA_BIN (a binary to use instead),
# LEPTOS_SITE_ROOT (default target/site), CHROMIUM_PATH (default /usr/bin/chromium),
# E2E_KEEP=1 keeps the temporary directory (database, server log) for inspection.
# The last line printed is always `e2e: N passed, N failed`; the exit status is non-zero on any failure.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
BIN="${AGORA_BIN:-$TARGET_DIR/debug/agora}"
SITE="${LEPTOS_SITE_ROOT:-$ROOT/target/site}"
RESULTS="$ROOT/end2end/test-results/results.json"

PASSED=0
FAILED=0
SERVER_PID=""
WORK=""

summary() { echo "e2e: $PASSED passed, $FAILED failed"; }

cleanup() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  if [[ -n "$WORK" ]]; then
    if [[ "${E2E_KEEP:-}" == 1 ]]; then echo "e2e: kept $WORK" >&2; else rm -rf "$WORK"; fi
  fi
}

fail() {
  echo "e2e: $*" >&2
  FAILED=$((FAILED > 0 ? FAILED : 1))
  cleanup
  trap - EXIT
  summary
  exit 1
}
trap 'cleanup' EXIT
trap 'fail "interrupted"' INT TERM

[[ -x "$BIN" ]] || fail "no server binary at $BIN (run scripts/build-site.sh, or set CARGO_TARGET_DIR / AGORA_BIN)"
[[ -f "$SITE/pkg/manifest.json" ]] || fail "no built site at $SITE (run scripts/build-site.sh)"
[[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]] || fail "no Chromium at ${CHROMIUM_PATH:-/usr/bin/chromium} (apt-get install chromium)"
if [[ ! -x end2end/node_modules/.bin/playwright ]]; then
  (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund) || fail "npm ci failed in end2end/"
fi

# A free port: let the kernel choose one, then release it for the server.
PORT="$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/agora-e2e.XXXXXX")"
mkdir -p "$WORK/files"
URL="http://localhost:$PORT"

# A clean environment for the server: no mail server (invitation links are shown to the admin),
# no S3, no Redis, the default base domain `localhost`. Every test signs up and in from the same
# address, so the per-address limits are raised (server tests cover them).
env -u SMTP_HOST -u S3_BUCKET_PREFIX -u S3_ENDPOINT -u REDIS_URL -u AGORA_BASE_DOMAIN -u AGORA_PUBLIC_PORT \
  -u AGORA_SECURE_COOKIES \
  DATABASE_URL="sqlite://$WORK/agora.db" \
  AGORA_FILES_DIR="$WORK/files" \
  AGORA_LISTEN="127.0.0.1:$PORT" \
  AGORA_AUTH_PER_MINUTE=100000 \
  AGORA_SIGNUPS_PER_HOUR=100000 \
  LEPTOS_SITE_ROOT="$SITE" \
  RUST_LOG="${RUST_LOG:-info}" \
  "$BIN" serve >"$WORK/server.log" 2>&1 &
SERVER_PID=$!

for _ in $(seq 300); do
  if curl -fsS -o /dev/null "http://127.0.0.1:$PORT/healthz" 2>/dev/null; then break; fi
  kill -0 "$SERVER_PID" 2>/dev/null || { tail -n 30 "$WORK/server.log" >&2; fail "the server exited during start-up"; }
  sleep 0.1
done
curl -fsS -o /dev/null "http://127.0.0.1:$PORT/healthz" || { tail -n 30 "$WORK/server.log" >&2; fail "the server did not answer /healthz within 30 s"; }
echo "e2e: server $BIN on $URL (data in $WORK)"

rm -rf "$ROOT/end2end/test-results"
set +e
(cd end2end && AGORA_E2E_URL="$URL" npx --no-install playwright test "$@")
STATUS=$?
set -e

SKIPPED=0
if [[ -f "$RESULTS" ]]; then
  # expected = passed; unexpected = failed; flaky (passed only on a retry) counts as failed, as
  # the suite must pass reliably; skipped (test.fixme) is neither. Errors outside any test (e.g.
  # in the global set-up) count as one failure.
  read -r PASSED FAILED SKIPPED WORKAROUNDS < <(node -e '
    const r = require(process.argv[1]);
    const s = r.stats || {};
    let failed = (s.unexpected || 0) + (s.flaky || 0);
    if (failed === 0 && (r.errors || []).length > 0) failed = 1;
    // Page loads reloaded because of the known hydration panic (annotation "app-bug").
    let workarounds = 0;
    const walk = (suite) => {
      for (const spec of suite.specs || []) for (const t of spec.tests || [])
        workarounds += (t.annotations || []).filter((a) => a.type === "app-bug").length;
      (suite.suites || []).forEach(walk);
    };
    (r.suites || []).forEach(walk);
    console.log(`${s.expected || 0} ${failed} ${s.skipped || 0} ${workarounds}`);
  ' "$RESULTS") || FAILED=1
fi
if [[ $SKIPPED -gt 0 ]]; then echo "e2e: $SKIPPED skipped (test.fixme: known app bugs)"; fi
if [[ ${WORKAROUNDS:-0} -gt 0 ]]; then
  echo "e2e: $WORKAROUNDS page load(s) retried after a wasm panic during hydration (known app bug; see end2end/tests/health.spec.ts)"
fi
if [[ $STATUS -ne 0 && $FAILED -eq 0 ]]; then FAILED=1; fi  # e.g. global set-up failed: no test ran
if [[ $FAILED -gt 0 ]]; then
  echo "e2e: server log (last 40 lines):" >&2
  tail -n 40 "$WORK/server.log" >&2 || true
fi
cleanup
trap - EXIT
summary
[[ $FAILED -eq 0 && $STATUS -eq 0 ]]
