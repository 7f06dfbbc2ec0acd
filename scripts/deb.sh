#!/usr/bin/env bash
# Builds the Debian package: release binary, man pages and completions generated from the CLI,
# then cargo-deb. Prints the path of the .deb. Needs cargo-deb (`cargo install cargo-deb --locked`).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v cargo-deb >/dev/null; then
  echo "deb.sh: cargo-deb is missing: install it with  cargo install cargo-deb --locked" >&2
  exit 1
fi
cargo build --release --locked
rm -rf target/assets
./target/release/cobrador generate man target/assets/man
./target/release/cobrador generate completions target/assets/completions
cargo deb --no-build --locked --no-strip 2>&1 | tail -n 1
