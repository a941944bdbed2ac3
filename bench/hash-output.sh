#!/usr/bin/env bash
# The cost of the SHA256SUMS line of a built image: one read of the output, hashed.
#
#   bench/hash-output.sh              (BENCH_RUNS=5, BENCH_HASH_MIB=2048)
#
# A raw base image of BENCH_HASH_MIB MiB (the first half /dev/urandom, the second half a
# hole) is built into a raw output of the same size from a local path, then per run:
#   build    gen-vm-image --overwrite of that image (convert, check, hash, publish)
#   verify   gen-vm-image verify of it (qemu-img info, one read of the whole file, hashed)
#   tiny     gen-vm-image verify of a 1 MiB image (JVM start, qemu-img info): verify's
#            fixed cost, so that verify - tiny is the hashing alone
#   sha256sum  coreutils on the same file, the baseline
# The page cache is warm (as it is for the build's hash, right after qemu-img wrote the
# file). Prints the median, minimum and maximum of each, in seconds.
set -euo pipefail

RUNS=${BENCH_RUNS:-5}
MIB=${BENCH_HASH_MIB:-2048}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
gen="$root/bin/gen-vm-image"
[ -f "$root/target/gen-vm-image.jar" ] || { echo "bench: run 'make jar' first" >&2; exit 2; }

work=$(mktemp -d "${BENCH_TMPDIR:-${TMPDIR:-/tmp}}/hash-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
head -c $((MIB / 2 * 1024 * 1024)) /dev/urandom > base.raw
truncate -s $((MIB * 1024 * 1024)) base.raw
head -c $((1024 * 1024)) /dev/urandom > tiny.raw
cat > big.yml <<YAML
owner: bench
images:
  big: {name: big, size: ${MIB}M, format: raw, input: {path: base.raw}}
YAML
cat > tiny.yml <<YAML
owner: bench
images:
  tiny: {name: tiny, size: 1M, format: raw, input: {path: tiny.raw}}
YAML
"$gen" -q --architecture-path big.yml --image-output-path out/ --cache-dir cache >/dev/null
"$gen" -q --architecture-path tiny.yml --image-output-path tiny/ --cache-dir cache >/dev/null

secs() { local s e; s=$(date +%s.%N); "$@" >/dev/null; e=$(date +%s.%N); echo "$e - $s" | bc; }
declare -A t
for i in $(seq "$RUNS"); do
  rm -f out/.image.raw.gen-vm-image.json # not up to date: the run builds it again
  t[build]+="$(secs "$gen" -q --architecture-path big.yml --image-output-path out/ --cache-dir cache --overwrite --generated-image-owner "$(id -un)") "
  t[verify]+="$(secs "$gen" verify -q --architecture-path big.yml --image-output-path out/) "
  t[tiny]+="$(secs "$gen" verify -q --architecture-path tiny.yml --image-output-path tiny/) "
  t[sha256sum]+="$(secs sha256sum out/image.raw) "
done
stats() { tr ' ' '\n' | sed '/^$/d' | sort -g | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "median %.2f  min %.2f  max %.2f", m, a[1], a[NR]}'; }
echo "output: ${MIB} MiB raw ($(du -m out/image.raw | cut -f1) MiB of data), $RUNS runs"
for k in build verify tiny sha256sum; do
  printf '%-10s %s\n' "$k" "$(echo "${t[$k]}" | stats)"
done
