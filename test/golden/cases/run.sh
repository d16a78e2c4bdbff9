#!/usr/bin/env bash
# Boot every case of test/golden/cases/manifest.txt on the real Debian 6.1
# kernels with the shared boot-oracle (QEMU), one boot at a time:
#   test/golden/results/<arch>/<case>.log    raw serial log
#   test/golden/results/<arch>/<case>.json   boot-oracle JSON
#   test/golden/results/summary.tsv          one line per stored run (rebuilt at the end)
# Same manifest format and loop as the oracle's own run-cases.sh, but the
# fragments and results live in this repository (the oracle folder is
# read-only). Usage: run.sh [ARCH...] [-- CASE...]
# Env: DTMEM_ORACLE = the boot-oracle folder (default ../shared/oracle beside the repository).
set -uo pipefail
HERE=$(dirname "$(readlink -f "$0")")
ORACLE=${DTMEM_ORACLE:-$(readlink -f "$HERE/../../../../shared/oracle")}
RESULTS=../results   # relative to this folder (the cwd below), so no machine path reaches the JSON
cd "$HERE" || exit 1
arches=(); cases=(); sel=arches
for a in "$@"; do
  if [[ $a == -- ]]; then sel=cases; continue; fi
  if [[ $sel == arches ]]; then arches+=("$a"); else cases+=("$a"); fi
done
((${#arches[@]})) || arches=(arm64 arm arm-lpae)
want() { local c; ((${#cases[@]})) || return 0; for c in "${cases[@]}"; do [[ $c == "$1" ]] && return 0; done; return 1; }
"$ORACLE/fetch-kernels.sh" >&2 || exit 1
mkdir -p "$RESULTS"
# One summary line for a stored run: arch, case, boot seconds, how it ended, Memory: line.
line() {
  node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1]));
    const o = r.oracle, p = r.result;
    console.log([process.argv[2], process.argv[3], o.boot_seconds, o.timed_out ? "TIMEOUT" : (p.panic ? "panic" : "exit"),
      p.memory_line_raw || "-"].join("\t"));
  ' "$RESULTS/$1/$2.json" "$1" "$2" 2>/dev/null
}
while IFS='|' read -r name frag mem app extra; do
  name=$(echo "$name" | xargs); frag=$(echo "$frag" | xargs); mem=$(echo "$mem" | xargs); app=$(echo "$app" | xargs); extra=$(echo "${extra:-}" | xargs)
  [[ -z $name || $name == \#* ]] && continue
  want "$name" || continue
  for arch in "${arches[@]}"; do
    out=$RESULTS/$arch; mkdir -p "$out"
    # Relative fragment path (cwd = this folder) keeps the JSON free of machine paths.
    dts=none; [[ $frag != none ]] && dts=$frag
    args=("$arch" "$dts" --mem "$mem" --log "$out/$name.log")
    [[ -n $app ]] && args+=(--append "$app")
    [[ -n $extra ]] && args+=($extra)
    "$ORACLE/boot-oracle" "${args[@]}" > "$out/$name.json" 2> "$out/$name.err"
    rc=$?
    [[ -s $out/$name.err ]] || rm -f "$out/$name.err"
    line "$arch" "$name" || echo -e "$arch\t$name\tFAILED rc=$rc"
  done
done < manifest.txt
# summary.tsv: every stored run of every manifest case, in manifest order.
while IFS='|' read -r name _; do
  name=$(echo "$name" | xargs); [[ -z $name || $name == \#* ]] && continue
  for arch in arm64 arm arm-lpae; do [[ -f $RESULTS/$arch/$name.json ]] && line "$arch" "$name"; done
done < manifest.txt > "$RESULTS/summary.tsv"
