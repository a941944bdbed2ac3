#!/usr/bin/env bash
# Build time and output size of each output format, subformat and compression, from one
# real base image grown to a real size.
#
#   bench/output-formats.sh [BASE_IMAGE]
#
# BASE_IMAGE defaults to the Debian 12 test fixture in ~/.cache/gen-vm-image-fixtures
# (src/test/fixtures/build-debian-image.sh); it is copied, never changed.
# Environment:
#   BENCH_RUNS    runs per output (default 3); the table takes the median
#   BENCH_SIZE    the size of every output (default 8G)
#   BENCH_TMPDIR  where the copy and the outputs go (default: $TMPDIR or /tmp)
#
# Prints one line per run: key, run, wall seconds, file length, bytes on disk.
set -euo pipefail

RUNS=${BENCH_RUNS:-3}
SIZE=${BENCH_SIZE:-8G}
here=$(cd "$(dirname "$0")" && pwd)
gen="$(cd "$here/.." && pwd)/bin/gen-vm-image"
base=${1:-$(ls ~/.cache/gen-vm-image-fixtures/debian-12-cloud-*.qcow2 | grep -v uefi | head -1)}
work=$(mktemp -d "${BENCH_TMPDIR:-${TMPDIR:-/tmp}}/gen-vm-image-formats.XXXXXX")
trap 'rm -rf "$work"' EXIT

cp "$base" "$work/base.qcow2"
sum=$(sha256sum "$work/base.qcow2" | cut -d' ' -f1)
input="input: {path: base.qcow2, checksum: {type: sha256, value: $sum}}"
outputs=(qcow2 raw vmdk vmdkso vhdx vpc vpcfixed zstd zlib)
{
  echo "owner: bench"
  echo "images:"
  echo "  qcow2: {name: qcow2, size: $SIZE, $input}"
  echo "  raw: {name: raw, size: $SIZE, format: raw, $input}"
  echo "  vmdk: {name: vmdk, size: $SIZE, format: vmdk, $input}"
  echo "  vmdkso: {name: vmdkso, size: $SIZE, format: vmdk, subformat: streamOptimized, $input}"
  echo "  vhdx: {name: vhdx, size: $SIZE, format: vhdx, $input}"
  echo "  vpc: {name: vpc, size: $SIZE, format: vpc, $input}"
  echo "  vpcfixed: {name: vpcfixed, size: $SIZE, format: vpc, subformat: fixed, $input}"
  echo "  zstd: {name: zstd, size: $SIZE, compression: zstd, $input}"
  echo "  zlib: {name: zlib, size: $SIZE, compression: zlib, $input}"
} >"$work/architecture.yml"

echo "key run seconds file_bytes disk_bytes"
for run in $(seq "$RUNS"); do
  for key in "${outputs[@]}"; do
    rm -rf "$work/out"
    start=$(date +%s.%N)
    "$gen" -q --architecture-path "$work/architecture.yml" --image-output-path "$work/out/" \
      --image "$key" --cache-dir "$work/cache" >/dev/null
    end=$(date +%s.%N)
    file=$(find "$work/out" -maxdepth 1 -type f ! -name '.*')
    echo "$key $run $(echo "$end - $start" | bc) $(stat -c %s "$file") $(($(stat -c %b "$file") * 512))"
  done
done
