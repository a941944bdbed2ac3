#!/usr/bin/env bash
# Benchmarks of gen-vm-image against a plain shell pipeline, on loopback HTTP.
#
#   bench/run.sh                  (or: make bench)
#   BENCH_RUNS=1 bench/run.sh     quick check
#
# Environment:
#   BENCH_RUNS            runs per case, each case alternating with its baseline (default 5)
#   BENCH_CONFIGURE_RUNS  runs of the configure-vm-image case (default 2; each boots three
#                         VMs, about 1 minute each under TCG); 0 skips that case
#   BENCH_TMPDIR          where the fixtures and outputs go (default: $TMPDIR or /tmp);
#                         needs about 5 GiB free
#
# Everything (fixtures, caches, outputs, the HTTP server) lives in one temporary
# folder that is removed on exit, Ctrl-C included. The exit status is 0 whenever
# every measurement ran, whether or not its target was met; it is non-zero when a
# tool is missing or a build fails.
set -euo pipefail

RUNS=${BENCH_RUNS:-5}
CONFIGURE_RUNS=${BENCH_CONFIGURE_RUNS:-2}
HELP_RUNS=10
BIG_MIB=1024
SMALL_MIB=256
SMALL_COUNT=4

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
gen="$root/bin/gen-vm-image"

die() { echo "bench: $*" >&2; exit 2; }

case $RUNS in ''|*[!0-9]*|0) die "BENCH_RUNS must be a positive integer, not '$RUNS'";; esac
case $CONFIGURE_RUNS in ''|*[!0-9]*) die "BENCH_CONFIGURE_RUNS must be 0 or a positive integer, not '$CONFIGURE_RUNS'";; esac
[ -f "$root/target/gen-vm-image.jar" ] || die "target/gen-vm-image.jar is missing; run 'make jar' first"
[ -x /usr/bin/time ] || die "/usr/bin/time is missing (needed for the peak memory row); install the 'time' package (apt-get install time / dnf install time)"
for tool in qemu-img curl openssl python3 java sha256sum; do
  command -v "$tool" >/dev/null 2>&1 || die "'$tool' is not on the PATH"
done

work=$(mktemp -d "${BENCH_TMPDIR:-${TMPDIR:-/tmp}}/gen-vm-image-bench.XXXXXX")
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
maximum() { printf '%s\n' "$@" | sort -g | tail -n 1; }

# ---------------------------------------------------------------- fixtures
# A raw disk of random data with an MBR boot signature, converted to qcow2 (the
# random data does not compress, so the qcow2 is as large as the data).
make_image() { # name MiB
  local raw="$work/$1.raw"
  head -c "$(( $2 * 1024 * 1024 ))" /dev/urandom > "$raw"
  printf '\x55\xaa' | dd of="$raw" bs=1 seek=510 conv=notrunc status=none
  qemu-img convert -O qcow2 -o compat=1.1 "$raw" "$work/srv/$1.qcow2"
  rm -f "$raw"
  sha256sum "$work/srv/$1.qcow2" | cut -d' ' -f1 > "$work/$1.sha256"
}

echo "bench: fixtures in $work" >&2
t0=$(now)
mkdir -p "$work/srv"
make_image big "$BIG_MIB"
for i in $(seq 1 "$SMALL_COUNT"); do make_image "small$i" "$SMALL_MIB"; done
echo "bench: fixtures made in $(elapsed "$t0" "$(now)") s" >&2

python3 "$here/serve.py" "$work/srv" "$work/port" "$$" &
server_pid=$!
for _ in $(seq 1 100); do [ -s "$work/port" ] && break; sleep 0.1; done
[ -s "$work/port" ] || die "the loopback HTTP server did not start"
base="http://127.0.0.1:$(cat "$work/port")"
curl -fsS -o /dev/null "$base/small1.qcow2" || die "the loopback HTTP server does not answer"

image_entry() { # key name size
  cat <<YML
  $1:
    name: $2
    version: 1
    get_url: $base/$2.qcow2
    checksum:
      type: sha256
      value: $(cat "$work/$2.sha256")
    size: $3
YML
}
{ echo "owner: bench"; echo "images:"; image_entry big big 20G; } > "$work/big-20G.yml"
{ echo "owner: bench"; echo "images:"; image_entry big big 21G; } > "$work/big-21G.yml"
{ echo "owner: bench"; echo "images:"; image_entry small1 small1 20G; } > "$work/one-small.yml"
{ echo "owner: bench"; echo "images:"
  for i in $(seq 1 "$SMALL_COUNT"); do image_entry "small$i" "small$i" 20G; done; } > "$work/four-small.yml"

owner=$(id -u)
gen_build() { # arch cache output [extra args...]
  local arch=$1 cache=$2 out=$3; shift 3
  "$gen" -q --architecture-path "$arch" --cache-dir "$cache" --image-output-path "$out" \
    --generated-image-owner "$owner" "$@" > /dev/null \
    || die "gen-vm-image failed on $arch (run it by hand to see why)"
}

# One timed command; prints the seconds. Every side of every comparison is durable:
# everything written so far is flushed before the clock starts (so that no run pays for
# the write-back of the one before it), and the clock stops only after a `sync` that
# follows the command (so that every side ends with its data on disk, whatever it
# fsyncs itself).
timed() {
  sync
  local s e
  s=$(now); "$@"; sync; e=$(now)
  elapsed "$s" "$e"
}

# ---------------------------------------------------------------- cases
script_cold=() gen_cold=() gen_warm=() rss=() four=() one=() help=()

baseline_script() { # the same work, by hand: download, hash, convert, resize, flush
  local d="$work/script"
  rm -rf "$d"; mkdir -p "$d"
  curl -s -o "$d/F" "$base/big.qcow2" && openssl dgst -sha256 "$d/F" > /dev/null \
    && qemu-img convert -O qcow2 "$d/F" "$d/O" && qemu-img resize -q "$d/O" 20G > /dev/null
}
cold_then_warm() { # fresh cache and output; then a rebuild from that cache at another size
  local d="$work/gen"
  rm -rf "$d"; mkdir -p "$d"
  local t
  sync
  local s e
  s=$(now)
  /usr/bin/time -o "$d/rss" -f %M "$gen" -q --architecture-path "$work/big-20G.yml" \
    --cache-dir "$d/cache" --image-output-path "$d/out/image.qcow2" \
    --generated-image-owner "$owner" > /dev/null \
    || die "gen-vm-image failed on big-20G.yml (run it by hand to see why)"
  sync
  e=$(now)
  gen_cold+=("$(elapsed "$s" "$e")")
  rss+=("$(awk '{ printf "%.1f", $1 / 1024 }' "$d/rss")")
  t=$(timed gen_build "$work/big-21G.yml" "$d/cache" "$d/out/image.qcow2" --overwrite)
  gen_warm+=("$t")
}
four_jobs() {
  local d="$work/four"; rm -rf "$d"; mkdir -p "$d"
  timed gen_build "$work/four-small.yml" "$d/cache" "$d/out/image.qcow2" --jobs 4
}
one_job() {
  local d="$work/one"; rm -rf "$d"; mkdir -p "$d"
  timed gen_build "$work/one-small.yml" "$d/cache" "$d/out/image.qcow2"
}

for r in $(seq 1 "$RUNS"); do
  echo "bench: run $r of $RUNS" >&2
  # Alternate which of the pair goes first, so that neither always runs on a
  # machine the other has just warmed up (or dirtied).
  if (( r % 2 )); then
    script_cold+=("$(timed baseline_script)"); cold_then_warm
    four+=("$(four_jobs)"); one+=("$(one_job)")
  else
    cold_then_warm; script_cold+=("$(timed baseline_script)")
    one+=("$(one_job)"); four+=("$(four_jobs)")
  fi
  rm -rf "$work/script" "$work/gen" "$work/four" "$work/one"
done
for _ in $(seq 1 "$HELP_RUNS"); do
  s=$(now); "$gen" --help > /dev/null; e=$(now)
  help+=("$(elapsed "$s" "$e")")
done

# ---------------------------------------------------------------- configure
# configure-vm-image's overhead: its wall time minus the guest's own uptime when
# cloud-init printed its final message ("... Up 43.21 seconds"), that is, everything
# the tool adds to the guest's boot and cloud-init: start-up, seed, overlay, QEMU
# start, waiting, power-off with the in-guest reset (the default, --reset guest),
# commit. The floor is the same measure for a hand-run qemu-system-x86_64 with the
# same options, image and seed (the one a --reset none run wrote, without the reset's
# script part), whose user-data powers the guest off (cloud-init power_state): QEMU,
# firmware, boot loader and the guest's own shutdown are in it, and no tool. Every
# run boots a fresh copy of the test image.
cfg_floor=() cfg_tool=() cfg_noreset=()
configure_skipped=
if (( CONFIGURE_RUNS > 0 )); then
  for tool in qemu-system-x86_64; do
    command -v "$tool" >/dev/null 2>&1 || die "'$tool' is not on the PATH (BENCH_CONFIGURE_RUNS=0 skips the configure case)"
  done
  cfg="$work/configure"
  mkdir -p "$cfg"
  echo "bench: configure test image (src/test/fixtures/build-debian-image.sh; the first build takes minutes)" >&2
  "$root/src/test/fixtures/build-debian-image.sh" "$cfg/base.qcow2" > "$cfg/fixture.log" 2>&1 \
    || die "the test image could not be built; see the end of $cfg/fixture.log, or skip with BENCH_CONFIGURE_RUNS=0"
  printf '#cloud-config\npower_state:\n  mode: poweroff\n  delay: now\n' > "$cfg/user-data"
  printf 'instance-id: bench\nlocal-hostname: bench\n' > "$cfg/meta-data"
  cfg_cpus=$(( $(nproc) >= 2 ? 2 : 1 ))
  cfg_accel=tcg
  (( cfg_cpus > 1 )) && cfg_accel=tcg,thread=multi

  uptime_at_finish() { # console log -> seconds of guest uptime at cloud-init's final message
    local up
    up=$(grep -a -o 'Cloud-init v\. [^ ]* finished at .* Up [0-9.]* seconds' "$1" | tail -n 1 \
      | sed 's/.* Up \([0-9.]*\) seconds/\1/')
    [ -n "$up" ] || die "no cloud-init final message in $1"
    echo "$up"
  }
  configure_floor() { # prints the overhead of a hand-run QEMU
    local d="$cfg/floor"
    rm -rf "$d"; mkdir -p "$d"
    cp "$cfg/base.qcow2" "$d/image.qcow2"
    sync
    local s e
    s=$(now)
    qemu-system-x86_64 -nodefaults -no-user-config -accel "$cfg_accel" -cpu max \
      -smp "$cfg_cpus" -m 1024M -display none -nic none \
      -drive "file=$d/image.qcow2,if=virtio,format=qcow2,cache=unsafe" \
      -drive "file=$cfg/seed.iso,media=cdrom,readonly=on,format=raw" \
      -object rng-random,id=rng0,filename=/dev/urandom -device virtio-rng-pci,rng=rng0 \
      -chardev "file,id=serial0,path=$d/console.log" -serial chardev:serial0 -no-reboot \
      || die "the hand-run qemu-system-x86_64 failed"
    e=$(now)
    awk -v w="$(elapsed "$s" "$e")" -v u="$(uptime_at_finish "$d/console.log")" \
      'BEGIN { printf "%.3f", w - u }'
  }
  configure_tool() { # [--reset none]; prints the overhead of configure-vm-image
    local d="$cfg/tool"
    rm -rf "$d"; mkdir -p "$d"
    cp "$cfg/base.qcow2" "$d/image.qcow2"
    sync
    local s e
    s=$(now)
    "$root/bin/configure-vm-image" -q --image-input-path "$d/image.qcow2" \
      --image-qemu-socket-path "$d/qmp.sock" \
      --config-user-data-path "$cfg/user-data" --config-meta-data-path "$cfg/meta-data" \
      --config-seed-output-path "$d/seed.iso" --serial-log "$d/console.log" \
      --network none --cpus "$cfg_cpus" --memory 1024 "$@" > /dev/null \
      || die "configure-vm-image failed (run it by hand to see why)"
    e=$(now)
    if [ "${2:-}" = none ]; then cp "$d/seed.iso" "$cfg/seed.iso"; fi
    awk -v w="$(elapsed "$s" "$e")" -v u="$(uptime_at_finish "$d/console.log")" \
      'BEGIN { printf "%.3f", w - u }'
  }

  # The floor boots the seed that a --reset none run wrote, byte for byte, so the
  # first run starts with the tool; the order then alternates.
  for r in $(seq 1 "$CONFIGURE_RUNS"); do
    echo "bench: configure run $r of $CONFIGURE_RUNS" >&2
    if (( r % 2 )); then
      cfg_tool+=("$(configure_tool)"); cfg_noreset+=("$(configure_tool --reset none)")
      cfg_floor+=("$(configure_floor)")
    else
      cfg_floor+=("$(configure_floor)"); cfg_noreset+=("$(configure_tool --reset none)")
      cfg_tool+=("$(configure_tool)")
    fi
  done
  rm -rf "$cfg/floor" "$cfg/tool"
else
  configure_skipped=1
fi

# ---------------------------------------------------------------- table
row() { # label case baseline ratio spread target met
  printf '%-48s %10s %10s %6s %13s %11s  %s\n' "$@"
}
# The spread of a ratio: the lowest and highest of the per-run ratios (run i of the
# case against run i of its baseline, which ran next to it).
ratio_spread() { # "case runs" "baseline runs"
  local -a a=($1) b=($2)
  local i out=()
  for i in "${!a[@]}"; do
    out+=("$(awk -v x="${a[$i]}" -v y="${b[$i]}" 'BEGIN { printf "%.3f", x / y }')")
  done
  printf '%s-%s' "$(printf '%s\n' "${out[@]}" | sort -g | head -n 1 | awk '{ printf "%.2f", $1 }')" \
    "$(printf '%s\n' "${out[@]}" | sort -g | tail -n 1 | awk '{ printf "%.2f", $1 }')"
}
ratio_row() { # label case-median baseline-median limit "case runs" "baseline runs"
  local ratio met
  ratio=$(awk -v a="$2" -v b="$3" 'BEGIN { printf "%.2f", a / b }')
  met=$(awk -v r="$ratio" -v l="$4" 'BEGIN { print (r <= l) ? "MET" : "MISSED" }')
  row "$1" "$2 s" "$3 s" "$ratio" "$(ratio_spread "$5" "$6")" "<= $4" "$met"
}
absolute_row() { # label value unit limit spread
  local met
  met=$(awk -v v="$2" -v l="$4" 'BEGIN { print (v <= l) ? "MET" : "MISSED" }')
  row "$1" "$2 $3" "-" "-" "$5" "<= $4 $3" "$met"
}
span() { printf '%s-%s' "$(printf '%s\n' "$@" | sort -g | head -n 1)" "$(maximum "$@")"; }

m_script=$(median "${script_cold[@]}")
m_cold=$(median "${gen_cold[@]}")
m_warm=$(median "${gen_warm[@]}")
m_four=$(median "${four[@]}")
m_one=$(median "${one[@]}")
max_rss=$(maximum "${rss[@]}")
m_help=$(median "${help[@]}")

echo
echo "gen-vm-image benchmarks: medians of $RUNS runs (--help: $HELP_RUNS, configure: $CONFIGURE_RUNS), case and baseline alternating;"
echo "every timed side ends with 'sync' (its data on disk); spread = lowest-highest per-run ratio"
row "case (vs baseline)" "case" "baseline" "ratio" "spread" "target" "result"
ratio_row "1. 1 GiB, cold cache (vs curl+openssl+qemu-img)" "$m_cold" "$m_script" 0.6 "${gen_cold[*]}" "${script_cold[*]}"
ratio_row "2. 1 GiB, warm cache rebuild (vs cold)" "$m_warm" "$m_cold" 0.3 "${gen_warm[*]}" "${gen_cold[*]}"
ratio_row "3. 4 x 256 MiB, --jobs 4 (vs 1 x 256 MiB)" "$m_four" "$m_one" 2.2 "${four[*]}" "${one[*]}"
absolute_row "4. peak RSS, 1 GiB cold build (worst run)" "$max_rss" MiB 160 "$(span "${rss[@]}")"
absolute_row "5. gen-vm-image --help" "$m_help" s 0.5 "$(span "${help[@]}")"
if [ -n "$configure_skipped" ]; then
  row "6. configure-vm-image overhead (vs QEMU alone)" "-" "-" "-" "-" "-" "skipped (BENCH_CONFIGURE_RUNS=0)"
else
  m_cfg_floor=$(median "${cfg_floor[@]}")
  m_cfg_tool=$(median "${cfg_tool[@]}")
  m_cfg_noreset=$(median "${cfg_noreset[@]}")
  cfg_limit=$(awk -v f="$m_cfg_floor" 'BEGIN { printf "%.3f", f + 3 }')
  cfg_met=$(awk -v v="$m_cfg_tool" -v l="$cfg_limit" 'BEGIN { print (v <= l) ? "MET" : "MISSED" }')
  cfg_diff=$(awk -v a="$m_cfg_tool" -v b="$m_cfg_floor" 'BEGIN { printf "%+.1f s", a - b }')
  row "6. configure-vm-image overhead (vs QEMU alone)" "$m_cfg_tool s" "$m_cfg_floor s" "$cfg_diff" "$(span "${cfg_tool[@]}")" "<= +3 s" "$cfg_met"
  cfg_diff=$(awk -v a="$m_cfg_noreset" -v b="$m_cfg_floor" 'BEGIN { printf "%+.1f s", a - b }')
  row "   the same with --reset none" "$m_cfg_noreset s" "$m_cfg_floor s" "$cfg_diff" "$(span "${cfg_noreset[@]}")" "-" "-"
fi
echo
echo "peak RSS: median $(median "${rss[@]}") MiB, max $max_rss MiB over $RUNS runs (the largest single process of the build: the JVM or a qemu-img it runs)"
if [ -z "$configure_skipped" ]; then
  echo "configure overhead = wall time - guest uptime at cloud-init's final message; runs (s):" \
    "tool (--reset guest) ${cfg_tool[*]}; --reset none ${cfg_noreset[*]}; QEMU alone ${cfg_floor[*]}"
  cfg_ratios=()
  for i in "${!cfg_tool[@]}"; do
    cfg_ratios+=("$(awk -v a="${cfg_tool[$i]}" -v b="${cfg_floor[$i]}" 'BEGIN { printf "%.2f", a / b }')")
  done
  echo "overhead ratio tool/QEMU alone per run: ${cfg_ratios[*]}; median $(median "${cfg_ratios[@]}")," \
    "spread $(printf '%s\n' "${cfg_ratios[@]}" | sort -g | head -n 1) to $(maximum "${cfg_ratios[@]}")"
fi

# ---------------------------------------------------------------- downloads in parts
# A separate case with its own fixture and server (bench/segments.sh: a 256 MiB image
# from a loopback server that caps each connection, vs curl); BENCH_SEGMENT_RUNS=0 skips it.
segments_case() {
  local runs=${BENCH_SEGMENT_RUNS:-$RUNS}
  [ "$runs" = 0 ] && return 0
  echo
  BENCH_SEGMENT_RUNS=$runs "$here/segments.sh" || die "the downloads-in-parts case failed"
}
segments_case
