#!/usr/bin/env bash
# Runs the whole test suite. Installs the system packages the integration tests need when run
# as root; otherwise prints the exact command to install them.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages used by tests/support (real SMTP and IMAP servers on 127.0.0.1) and by
# tests/report.rs (headless Chromium renders the owner's report); make builds jemalloc.
PACKAGES=(dovecot-imapd postfix python3-aiosmtpd openssl systemd chromium fonts-dejavu-core make)
missing=()
have() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
if command -v dpkg-query >/dev/null; then
  for p in "${PACKAGES[@]}"; do have "$p" || missing+=("$p"); done
fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "test.sh: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "test.sh: missing system packages: ${missing[*]}" >&2
    echo "install them with:" >&2
    echo "  sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
fi

cargo test --locked --all-targets

# The package: built with cargo-deb, unpacked and checked (files, modes, unit, sandboxing).
if ! command -v cargo-deb >/dev/null; then
  if [ "$(id -u)" = 0 ] || [ "${CI:-}" = true ]; then
    echo "test.sh: installing cargo-deb"
    cargo install cargo-deb --locked --quiet
  else
    echo "test.sh: cargo-deb is missing: install it with  cargo install cargo-deb --locked" >&2
    exit 1
  fi
fi
./scripts/package-test.sh
