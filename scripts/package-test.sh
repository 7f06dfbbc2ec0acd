#!/usr/bin/env bash
# Builds the .deb, unpacks it into a clean directory tree (dpkg-deb -x) and checks what an
# administrator gets: the files and their modes, the maintainer scripts, the unit
# (systemd-analyze verify) and its sandboxing (exposure level 2.0 or lower).
set -euo pipefail
cd "$(dirname "$0")/.."
deb=$(./scripts/deb.sh | tail -n 1)
[ -f "$deb" ] || { echo "package-test: no package built ($deb)" >&2; exit 1; }
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
dpkg-deb -x "$deb" "$root"
dpkg-deb -e "$deb" "$root/DEBIAN"
fail() { echo "package-test: $*" >&2; exit 1; }
for f in usr/bin/cobrador lib/systemd/system/cobrador.service etc/cobrador/config.toml \
         usr/share/man/man1/cobrador.1.gz usr/share/man/man1/cobrador-run.1.gz \
         usr/share/bash-completion/completions/cobrador usr/share/zsh/vendor-completions/_cobrador \
         usr/share/fish/vendor_completions.d/cobrador.fish \
         usr/share/cobrador/templates/es/due.email.txt.hbs usr/share/doc/cobrador/README.md; do
  [ -e "$root/$f" ] || fail "missing /$f"
done
[ "$(stat -c %a "$root/etc/cobrador/config.toml")" = 640 ] || fail "config.toml is not 0640"
[ "$(stat -c %a "$root/usr/bin/cobrador")" = 755 ] || fail "the binary is not 0755"
grep -q '^/etc/cobrador/config.toml$' "$root/DEBIAN/conffiles" || fail "config.toml is not a conffile"
grep -q 'adduser --system' "$root/DEBIAN/postinst" || fail "postinst does not create the user"
sh -n "$root/DEBIAN/postinst" && sh -n "$root/DEBIAN/postrm"
"$root/usr/bin/cobrador" --version
# The packaged config is the example: it must parse, and check must point at the example business.
out=$("$root/usr/bin/cobrador" --config "$root/etc/cobrador/config.toml" --db "$root/check.db" check)
grep -q "still the example" <<<"$out" || fail "check does not warn about the example business"
unit="$root/lib/systemd/system/cobrador.service"
if command -v systemd-analyze >/dev/null; then
  # verify resolves ExecStart= in the real root: point it at the unpacked binary.
  sed "s#/usr/bin/cobrador#$root/usr/bin/cobrador#g" "$unit" > "$root/cobrador.service"
  if out=$(MANPATH="$root/usr/share/man" systemd-analyze verify "$root/cobrador.service" 2>&1); then
    echo "systemd-analyze verify: ok"
  else
    echo "$out" | grep -v -e 'Failed to open' -e 'not a symlink' >&2 || true
    # Outside a booted systemd (containers), verify may not reach the manager; only unit
    # errors count.
    if echo "$out" | grep -qiE 'unknown (key|section)|invalid|bad-setting|Failed to parse'; then
      fail "systemd-analyze verify found errors"
    fi
  fi
  level=$(systemd-analyze security --offline=yes "$unit" 2>/dev/null \
          | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
  [ -n "$level" ] || fail "systemd-analyze security printed no exposure level"
  awk -v l="$level" 'BEGIN { exit !(l <= 2.0) }' || fail "exposure level $level is above 2.0"
  echo "systemd-analyze security: exposure $level (goal 2.0 or lower)"
else
  echo "package-test: systemd-analyze not found: unit not verified (apt-get install systemd)"
fi
echo "package-test: ok ($deb)"
