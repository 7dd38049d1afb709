#!/usr/bin/env bash
# Starts a single-node Garage (S3-compatible) server for the tests on 127.0.0.1:3900 and
# writes the S3 settings the tests read to $GARAGE_DIR/env. Installs garage if missing.
set -euo pipefail
GARAGE_DIR="${GARAGE_DIR:-/tmp/agora-garage}"
if ! command -v garage >/dev/null; then
  echo "==> cargo install garage 2.5.0 (about 7 minutes, once)"
  cargo install garage --version 2.5.0
fi
if [[ -f "$GARAGE_DIR/env" ]] && curl -s -o /dev/null "http://127.0.0.1:3900/"; then
  exit 0  # already running
fi
pkill -f "garage -c $GARAGE_DIR/garage.toml" 2>/dev/null || true
rm -rf "$GARAGE_DIR"
mkdir -p "$GARAGE_DIR"
cat > "$GARAGE_DIR/garage.toml" <<TOML
metadata_dir = "$GARAGE_DIR/meta"
data_dir = "$GARAGE_DIR/data"
db_engine = "sqlite"
replication_factor = 1
rpc_bind_addr = "127.0.0.1:3901"
rpc_public_addr = "127.0.0.1:3901"
rpc_secret = "$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"

[s3_api]
s3_region = "garage"
api_bind_addr = "127.0.0.1:3900"
root_domain = ".s3.garage.localhost"

[admin]
api_bind_addr = "127.0.0.1:3903"
TOML
G="garage -c $GARAGE_DIR/garage.toml"
nohup $G server > "$GARAGE_DIR/server.log" 2>&1 &
for _ in $(seq 1 50); do
  $G status >/dev/null 2>&1 && break
  sleep 0.2
done
NODE="$($G status 2>/dev/null | awk '/^[0-9a-f]{16}/ {print $1; exit}')"
$G layout assign -z dc1 -c 1G "$NODE" >/dev/null
$G layout apply --version 1 >/dev/null
KEY_OUT="$($G key create agora-test)"
KEY_ID="$(echo "$KEY_OUT" | awk -F': *' '/Key ID/ {print $2; exit}')"
SECRET="$(echo "$KEY_OUT" | awk -F': *' '/Secret key/ {print $2; exit}')"
$G key allow --create-bucket agora-test >/dev/null
cat > "$GARAGE_DIR/env" <<ENV
export AGORA_TEST_S3_ENDPOINT=http://127.0.0.1:3900
export AGORA_TEST_S3_REGION=garage
export AGORA_TEST_S3_ACCESS_KEY=$KEY_ID
export AGORA_TEST_S3_SECRET_KEY=$SECRET
ENV
echo "garage ready (key $KEY_ID)"
