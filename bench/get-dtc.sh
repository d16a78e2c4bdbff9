#!/usr/bin/env bash
# Builds a dtc >= 1.7.0 for the benches (issue #8) into ~/.cache/dtmem-bench/dtc-<version>/dtc.
# Why: Debian 12 ships dtc 1.6.1, which stops early on boards using newer syntax (e.g.
# stm32mp153c-mecio1r1.dts), so its `cpp | dtc` reference time is for a partial run; Linux 6.12's
# corpus results were made with dtc 1.7.0. bench/util.ts picks the built binary up automatically.
#
# Source: Debian's source package device-tree-compiler from deb.debian.org (suite $DTC_SUITE,
# default trixie), found with apt's own client in a private state dir (the InRelease signature is
# checked by apt/gpgv against the system keyring). The upstream .orig.tar.* is checked against the
# .dsc's Checksums-Sha256 (the .dsc when the mirror serves it, else the same field of the Sources
# stanza generated from it). Only the `dtc` binary is built (no Python, no YAML, no Debian patches).
#
# Idempotent: does nothing when a dtc >= 1.7.0 is already in the cache.
# Run: bash bench/get-dtc.sh          Env: DTC_SUITE (trixie), DTC_MIRROR (http://deb.debian.org/debian)
set -euo pipefail

MIN=1.7.0
CACHE="$HOME/.cache/dtmem-bench"
SUITE="${DTC_SUITE:-trixie}"
MIRROR="${DTC_MIRROR:-http://deb.debian.org/debian}"
PKG=device-tree-compiler

# "Version: DTC 1.7.2" -> 1.7.2 ; empty when the binary does not run.
dtc_version() { "$1" --version 2>/dev/null | sed -n 's/^Version: DTC \([0-9][0-9.]*\).*/\1/p' | head -n1; }
ge() { dpkg --compare-versions "$1" ge "$2"; }

# 1. Already built? (any cached dtc-*/dtc that runs and is new enough)
for d in "$CACHE"/dtc-*/dtc; do
  [ -x "$d" ] || continue
  v=$(dtc_version "$d")
  if [ -n "$v" ] && ge "$v" "$MIN"; then echo "dtc $v already at $d"; exit 0; fi
done

# 2. Build tools (flex/bison are not on a stock bookworm).
need=()
for t in gcc make flex bison pkg-config curl xz; do command -v "$t" >/dev/null || need+=("$t"); done
if [ ${#need[@]} -gt 0 ]; then
  pkgs=("${need[@]/pkg-config/pkgconf}"); pkgs=("${pkgs[@]/xz/xz-utils}")
  echo "installing ${pkgs[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || { command -v sudo >/dev/null && SUDO=sudo || { echo "need root or sudo to install ${pkgs[*]}" >&2; exit 1; }; }
  $SUDO apt-get install -y --no-install-recommends "${pkgs[@]}" || { $SUDO apt-get update -q && $SUDO apt-get install -y --no-install-recommends "${pkgs[@]}"; }
fi

# 3. The source package's stanza, via apt in a private dir (system sources and state untouched).
APT="$CACHE/apt"
mkdir -p "$APT/lists/partial" "$APT/cache/archives/partial"
echo "deb-src $MIRROR $SUITE main" > "$APT/sources.list"
aptopts=(-o "Dir::Etc::SourceList=$APT/sources.list" -o Dir::Etc::SourceParts=/nonexistent
  -o "Dir::State::Lists=$APT/lists" -o "Dir::Cache=$APT/cache" -o Dir::State::status=/dev/null -o Debug::NoLocking=1)
# As root, apt would drop to _apt, which cannot write in our private dir (only a warning, but noisy).
[ "$(id -u)" -ne 0 ] || aptopts+=(-o APT::Sandbox::User=root)
apt-get -q "${aptopts[@]}" update >/dev/null
stanzas=$(apt-cache "${aptopts[@]}" showsrc --only-source "$PKG")
# Highest version among the stanzas (normally just one per suite).
best=""
for v in $(printf '%s\n' "$stanzas" | sed -n 's/^Version: //p'); do
  if [ -z "$best" ] || ge "$v" "$best"; then best=$v; fi
done
[ -n "$best" ] || { echo "no $PKG source package in $SUITE" >&2; exit 1; }
stanza=$(printf '%s\n' "$stanzas" | awk -v v="$best" 'BEGIN{RS="";ORS="\n\n"} $0 ~ ("\nVersion: " v "\n") {print; exit}')
upv=${best#*:}; upv=${upv%-*}
ge "$upv" "$MIN" || { echo "$SUITE has $PKG $best, older than $MIN" >&2; exit 1; }
dir=$(printf '%s\n' "$stanza" | sed -n 's/^Directory: //p')
sums() { awk '/^Checksums-Sha256:/{f=1;next} /^[^ ]/{f=0} f{print $1, $2, $3}'; }  # sha256 size name
dscname="${PKG}_${best#*:}.dsc"

WORK="$CACHE/build"
rm -rf "$WORK"; mkdir -p "$WORK"; cd "$WORK"
fetch() { curl -fsS -m 120 -o "$2" "$MIRROR/$dir/$1"; }
checksums=$(printf '%s\n' "$stanza" | sums)
if fetch "$dscname" "$dscname" 2>/dev/null; then
  want=$(printf '%s\n' "$checksums" | awk -v n="$dscname" '$3==n{print $1}')
  echo "$want  $dscname" | sha256sum -c --quiet - || { echo ".dsc checksum mismatch" >&2; exit 1; }
  checksums=$(sums < "$dscname")
  echo "checksums from $dscname"
else
  echo "$dscname not served by the mirror: checksums from the signed Sources index (copied from the .dsc)"
fi
orig=$(printf '%s\n' "$checksums" | awk '$3 ~ /\.orig\.tar\./{print $3; exit}')
[ -n "$orig" ] || { echo "no .orig.tar.* in the checksums" >&2; exit 1; }
fetch "$orig" "$orig"
printf '%s\n' "$checksums" | awk -v n="$orig" '$3==n{print $1 "  " $3}' | sha256sum -c --quiet - \
  || { echo "$orig: sha256 mismatch" >&2; exit 1; }
echo "fetched $orig (sha256 ok)"

# 4. Build only the dtc binary. -O2 (appended after the Makefile's -Os) as kbuild's HOSTCFLAGS and
# Debian's build flags use, so the reference is not handicapped by a size-optimised build.
mkdir src && tar xf "$orig" -C src --strip-components=1
make -C src -j"$(nproc)" NO_PYTHON=1 NO_YAML=1 NO_VALGRIND=1 EXTRA_CFLAGS=-O2 dtc >build.log 2>&1 || { tail -n 30 build.log >&2; exit 1; }
v=$(dtc_version src/dtc)
ge "${v:-0}" "$MIN" || { echo "built dtc reports version '$v'" >&2; exit 1; }
dest="$CACHE/dtc-$upv"
mkdir -p "$dest"
cp src/dtc "$dest/dtc.tmp" && mv "$dest/dtc.tmp" "$dest/dtc"
printf 'Debian %s %s (%s), %s sha256 %s\n' "$PKG" "$best" "$SUITE" "$orig" \
  "$(sha256sum "$orig" | cut -d' ' -f1)" > "$dest/SOURCE"
cd "$CACHE" && rm -rf "$WORK"
echo "dtc $v installed at $dest/dtc"
