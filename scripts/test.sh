#!/usr/bin/env bash
# The whole test suite: unit and integration tests on SQLite and MariaDB (the MariaDB run with
# interleaved auto-increment ids, as in master-master replication), S3 storage against a real
# Garage server, realtime, and the Playwright browser tests. Installs and starts what it needs.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"

scripts/setup.sh

echo "==> services"
if ! mariadb -uroot -h127.0.0.1 -e 'SELECT 1' >/dev/null 2>&1; then
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
  for _ in $(seq 1 60); do mariadb -uroot -h127.0.0.1 -e 'SELECT 1' >/dev/null 2>&1 && break; sleep 0.5; done
fi
if ! redis-cli -h 127.0.0.1 ping >/dev/null 2>&1; then
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
fi
scripts/start-garage.sh
# shellcheck disable=SC1091
source "${GARAGE_DIR:-/tmp/agora-garage}/env"
export AGORA_TEST_MYSQL_URL="${AGORA_TEST_MYSQL_URL:-mysql://root@127.0.0.1:3306}"
export AGORA_TEST_REDIS_URL="${AGORA_TEST_REDIS_URL:-redis://127.0.0.1:6379}"

# Ids step by 2 from an even offset during the run, as on the second site of a master-master
# pair: any code assuming contiguous ids fails here. Restored afterwards.
mariadb -uroot -h127.0.0.1 -e 'SET GLOBAL auto_increment_increment = 2, GLOBAL auto_increment_offset = 2'
trap "mariadb -uroot -h127.0.0.1 -e 'SET GLOBAL auto_increment_increment = 1, GLOBAL auto_increment_offset = 1' || true" EXIT

echo "==> hygiene: rustfmt, clippy (server and wasm builds)"
cargo fmt --all --check
cargo clippy -p app -p server -p bench --all-targets -- -D warnings
cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings

echo "==> cargo test"
# Not --workspace: that would build `app` with both its `ssr` and `hydrate` features at once
# (the wasm crate `frontend` wants hydrate); the browser side is tested by Playwright.
cargo test -p app -p server -p bench --no-fail-fast

echo "==> browser tests"
scripts/build-site.sh
scripts/e2e.sh
