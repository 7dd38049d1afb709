#!/usr/bin/env bash
# Builds what `agora serve` serves: the wasm bundle (wasm-bindgen + wasm-opt, hashed names),
# the stylesheet, the public files, and the server binary. Same site layout as cargo-leptos.
#   scripts/build-site.sh            # debug server, optimised wasm
#   scripts/build-site.sh --release  # release server
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
SITE="${LEPTOS_SITE_ROOT:-$ROOT/target/site}"
SERVER_PROFILE=dev
[[ "${1:-}" == "--release" ]] && SERVER_PROFILE=release
WASM_OPT="$ROOT/end2end/node_modules/.bin/wasm-opt"

echo "==> wasm bundle"
cargo build -p frontend --lib --target wasm32-unknown-unknown --profile wasm-release
STAGE="$(mktemp -d)"
trap 'rm -rf "$STAGE"' EXIT
wasm-bindgen --target web --no-typescript --out-dir "$STAGE" --out-name agora \
  "$TARGET_DIR/wasm32-unknown-unknown/wasm-release/frontend.wasm"
if [[ -x "$WASM_OPT" ]]; then
  "$WASM_OPT" -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    "$STAGE/agora_bg.wasm" -o "$STAGE/agora_bg.opt.wasm"
  mv "$STAGE/agora_bg.opt.wasm" "$STAGE/agora_bg.wasm"
else
  echo "warning: $WASM_OPT missing (run scripts/setup.sh); the wasm is not size-optimised" >&2
fi
cat style/*.css > "$STAGE/agora.css"

echo "==> site at $SITE"
rm -rf "$SITE/pkg"
mkdir -p "$SITE/pkg"
cp -r public/. "$SITE/"
hash() { sha256sum "$1" | cut -c1-16; }
JS="agora.$(hash "$STAGE/agora.js").js"
WASM="agora_bg.$(hash "$STAGE/agora_bg.wasm").wasm"
CSS="agora.$(hash "$STAGE/agora.css").css"
cp "$STAGE/agora.js" "$SITE/pkg/$JS"
cp "$STAGE/agora_bg.wasm" "$SITE/pkg/$WASM"
cp "$STAGE/agora.css" "$SITE/pkg/$CSS"
printf '{"js":"/pkg/%s","wasm":"/pkg/%s","css":"/pkg/%s"}\n' "$JS" "$WASM" "$CSS" > "$SITE/pkg/manifest.json"
# Pre-compressed copies, served as-is by the static file handler.
for f in "$SITE/pkg/$JS" "$SITE/pkg/$WASM" "$SITE/pkg/$CSS"; do
  gzip -k -9 -f "$f"
  if command -v brotli >/dev/null; then brotli -k -f -q 11 "$f"; fi
done
ls -l "$SITE/pkg"

echo "==> server ($SERVER_PROFILE)"
cargo build -p server --bin agora --profile "$SERVER_PROFILE"
