#!/usr/bin/env bash
# Benchmark of downloads in parts: a loopback server that holds each connection to
# 25 MiB/s (as many mirrors do) and honours range requests serves a 256 MiB qcow2;
# gen-vm-image builds it with the defaults (cold cache, output fsynced) against the
# time curl takes only to fetch it over its one connection. Target: <= 0.35x.
#
#   bench/segments.sh             (bench/run.sh calls it; BENCH_SEGMENT_RUNS=0 skips it there)
#
# Environment:
#   BENCH_SEGMENT_RUNS  runs, tool and curl alternating (default: BENCH_RUNS, else 5)
#   BENCH_CAP_MIB       the per-connection cap in MiB/s (default 25)
#   BENCH_TMPDIR        where the fixture and outputs go (default: $TMPDIR or /tmp); ~1 GiB
#
# Prints one table row: the medians, their ratio, and each run's ratio (the spread).
set -euo pipefail

RUNS=${BENCH_SEGMENT_RUNS:-${BENCH_RUNS:-5}}
CAP=${BENCH_CAP_MIB:-25}
MIB=256

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
gen="$root/bin/gen-vm-image"

die() { echo "bench: $*" >&2; exit 2; }
case $RUNS in ''|*[!0-9]*|0) die "BENCH_SEGMENT_RUNS must be a positive integer, not '$RUNS'";; esac
[ -f "$root/target/gen-vm-image.jar" ] || die "target/gen-vm-image.jar is missing; run 'make jar' first"
for tool in qemu-img curl python3 java sha256sum; do
  command -v "$tool" >/dev/null 2>&1 || die "'$tool' is not on the PATH"
done

work=$(mktemp -d "${BENCH_TMPDIR:-${TMPDIR:-/tmp}}/gen-vm-image-segments.XXXXXX")
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
median() {
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 }
    END { if (NR % 2) printf "%.3f", v[(NR + 1) / 2]; else printf "%.3f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# A raw disk of random data (it does not compress) with a boot signature, as qcow2.
mkdir -p "$work/srv"
head -c "$(( MIB * 1024 * 1024 ))" /dev/urandom > "$work/disk.raw"
printf '\x55\xaa' | dd of="$work/disk.raw" bs=1 seek=510 conv=notrunc status=none
qemu-img convert -O qcow2 -o compat=1.1 "$work/disk.raw" "$work/srv/disk.qcow2"
rm -f "$work/disk.raw"
sum=$(sha256sum "$work/srv/disk.qcow2" | cut -d' ' -f1)

python3 "$here/capped.py" "$work/srv" "$work/port" "$$" "$CAP" &
server_pid=$!
for _ in $(seq 1 100); do [ -s "$work/port" ] && break; sleep 0.1; done
[ -s "$work/port" ] || die "the capped loopback HTTP server did not start"
url="http://127.0.0.1:$(cat "$work/port")/disk.qcow2"
curl -fsS -r 0-0 -o /dev/null "$url" || die "the capped loopback HTTP server does not answer"

cat > "$work/arch.yml" <<YML
owner: bench
images:
  disk:
    name: disk
    version: 1
    get_url: $url
    checksum:
      type: sha256
      value: $sum
    size: 20G
YML

tool_run() {
  rm -rf "$work/gen"; mkdir -p "$work/gen"
  sync
  local s e
  s=$(now)
  "$gen" -q --architecture-path "$work/arch.yml" --cache-dir "$work/gen/cache" \
    --image-output-path "$work/gen/out/image.qcow2" --generated-image-owner "$(id -u)" > /dev/null \
    || die "gen-vm-image failed on $work/arch.yml (run it by hand to see why)"
  e=$(now)
  elapsed "$s" "$e"
}
curl_run() {
  rm -rf "$work/curl"; mkdir -p "$work/curl"
  sync
  local s e
  s=$(now)
  curl -fsS -o "$work/curl/disk.qcow2" "$url" || die "curl failed on $url"
  e=$(now)
  elapsed "$s" "$e"
}

tool=() fetch=() ratios=()
for r in $(seq 1 "$RUNS"); do
  echo "bench: segments run $r of $RUNS" >&2
  if (( r % 2 )); then
    c=$(curl_run); t=$(tool_run)
  else
    t=$(tool_run); c=$(curl_run)
  fi
  tool+=("$t"); fetch+=("$c")
  ratios+=("$(awk -v a="$t" -v b="$c" 'BEGIN { printf "%.3f", a / b }')")
done
rm -rf "$work/gen" "$work/curl"

m_tool=$(median "${tool[@]}")
m_curl=$(median "${fetch[@]}")
ratio=$(awk -v a="$m_tool" -v b="$m_curl" 'BEGIN { printf "%.2f", a / b }')
met=$(awk -v r="$ratio" 'BEGIN { print (r <= 0.35) ? "MET" : "MISSED" }')
lo=$(printf '%s\n' "${ratios[@]}" | sort -g | head -n 1)
hi=$(printf '%s\n' "${ratios[@]}" | sort -g | tail -n 1)
printf '%-48s %11s %10s %6s %11s  %s\n' "7. $MIB MiB, ${CAP} MiB/s per connection (vs curl)" \
  "$m_tool s" "$m_curl s" "$ratio" "<= 0.35" "$met"
echo "   per-run ratios ${ratios[*]} (min $lo, max $hi); the build includes the download,"
echo "   the checksum, qemu-img and fsync; curl only fetches over one connection"
