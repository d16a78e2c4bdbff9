#!/usr/bin/env bash
# Adopts generated cases as permanent golden cases: copies ROOT/cases/<case>.dtsi to
# test/golden/cases/, its manifest line to test/golden/cases/manifest.txt (once), the stored runs
# ROOT/results/<arch>/<case>.{json,log} to test/golden/results/<arch>/, and any base DTS the runs
# name that the shared oracle does not ship to test/golden/base-dtb/ (from ROOT/base-dtb).
# Usage: adopt.sh ROOT CASE...
set -euo pipefail
HERE=$(dirname "$(readlink -f "$0")")
GOLDEN=$(dirname "$HERE")
ORACLE=${DTMEM_ORACLE:-/work/shared/oracle}
root=$1; shift
for c in "$@"; do
  cp "$root/cases/$c.dtsi" "$GOLDEN/cases/"
  if ! grep -q "^$c " "$GOLDEN/cases/manifest.txt"; then
    grep "^$c " "$root/cases/manifest.txt" >> "$GOLDEN/cases/manifest.txt"
  fi
  for arch in arm64 arm arm-lpae; do
    [[ -f $root/results/$arch/$c.json ]] || continue
    mkdir -p "$GOLDEN/results/$arch"
    cp "$root/results/$arch/$c.json" "$root/results/$arch/$c.log" "$GOLDEN/results/$arch/"
    # an oracle fallback run keeps the silent first boot's log beside it
    if [[ -f $root/results/$arch/$c.log.first ]]; then cp "$root/results/$arch/$c.log.first" "$GOLDEN/results/$arch/"; fi
    base=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).oracle.base_dts.split("/").pop())' "$root/results/$arch/$c.json")
    if [[ ! -f $ORACLE/base-dtb/$base && ! -f $GOLDEN/base-dtb/$base ]]; then
      cp "$root/base-dtb/$base" "$GOLDEN/base-dtb/"
    fi
  done
done
# summary.tsv: every stored run of every manifest case, in manifest order (as run.sh writes it)
cd "$GOLDEN/cases"
RESULTS=../results
line() {
  node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1]));
    const o = r.oracle, p = r.result;
    console.log([process.argv[2], process.argv[3], o.boot_seconds, o.timed_out ? "TIMEOUT" : (p.panic ? "panic" : "exit"),
      p.memory_line_raw || "-"].join("\t"));
  ' "$RESULTS/$1/$2.json" "$1" "$2" 2>/dev/null
}
while IFS='|' read -r name _; do
  name=$(echo "$name" | xargs); [[ -z $name || $name == \#* ]] && continue
  for arch in arm64 arm arm-lpae; do if [[ -f $RESULTS/$arch/$name.json ]]; then line "$arch" "$name"; fi; done
done < manifest.txt > "$RESULTS/summary.tsv"
