#!/usr/bin/env bash
# Makes target/gen-vm-image.jsa: a class-data sharing archive (JDK 13+ dynamic
# archive) of the classes that a build of one image loads, so that the launchers
# in bin/ start faster (about 0.2 s less per run on a 2-core machine). The
# training run builds a 1 MiB qcow2 image from a file: URL in a temporary folder.
#
#   src/cds/make-archive.sh      (make does this after building the jar)
#
# The launchers use the archive when it sits beside the jar; the JVM ignores it,
# silently, when the jar or the JVM changed since it was made. Without qemu-img
# (needed by the training run) no archive is made, and nothing else changes.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
jar="$root/target/gen-vm-image.jar"
jsa="${jar%.jar}.jsa"
java=${JAVA:-java}
# The launchers' default JVM options, from the one line that holds them.
java_opts=$(sed -n 's/^default_java_opts="\(.*\)"$/\1/p' "$root/bin/gen-vm-image")

[ -f "$jar" ] || { echo "make-archive: $jar is missing; build the jar first" >&2; exit 2; }
[ -n "$java_opts" ] || { echo "make-archive: no default_java_opts line in $root/bin/gen-vm-image" >&2; exit 2; }
rm -f "$jsa"
if ! command -v qemu-img >/dev/null 2>&1; then
  echo "make-archive: no qemu-img on the PATH; the launchers start without a class-data archive" >&2
  exit 0
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gen-vm-image-cds.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
qemu-img create -q -f qcow2 -o compat=1.1 "$tmp/base.qcow2" 1M
cat > "$tmp/architecture.yml" <<YML
owner: cds
images:
  base:
    name: base
    version: 1
    get_url: file://$tmp/base.qcow2
    checksum:
      type: sha256
      value: $(sha256sum "$tmp/base.qcow2" | cut -d' ' -f1)
    size: 2M
YML
# shellcheck disable=SC2086 # the options are words, as in the launchers
"$java" -XX:ArchiveClassesAtExit="$jsa" $java_opts \
  -Xlog:cds=off -Xlog:cds+dynamic=off \
  -cp "$jar" org.genvmimage.cli.Main gen-vm-image -q \
  --architecture-path "$tmp/architecture.yml" --cache-dir "$tmp/cache" \
  --image-output-path "$tmp/out/image.qcow2" --generated-image-owner "$(id -u)" > /dev/null \
  || { rm -f "$jsa"; echo "make-archive: the training build failed; no archive made" >&2; exit 0; }
[ -f "$jsa" ] || echo "make-archive: the JVM made no archive; the launchers start without one" >&2
