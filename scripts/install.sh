#!/bin/sh
# Installs gen-vm-image from a built source tree, or uninstalls it:
#
#   PREFIX=/usr/local [DESTDIR=/tmp/stage] scripts/install.sh install|uninstall
#
# (make install / make uninstall call it.) Installs the jar in PREFIX/lib/gen-vm-image, the
# launchers in PREFIX/bin, the man pages in PREFIX/share/man/man1, bash and zsh completion in
# PREFIX/share/bash-completion/completions and PREFIX/share/zsh/site-functions, and the example
# files in PREFIX/share/gen-vm-image/examples.
#
# Every file written and every folder created is recorded, as it happens, in
# PREFIX/lib/gen-vm-image/install-manifest ("f PATH" and "d PATH", paths without DESTDIR).
# uninstall removes exactly the recorded files, then the recorded folders that are empty,
# deepest first, so the prefix is left as it was before the install: files and folders that
# were there already are never touched.
set -eu

die() {
  echo "install.sh: $*" >&2
  exit 1
}

[ $# -eq 1 ] || die "usage: PREFIX=... [DESTDIR=...] $0 install|uninstall"
prefix=${PREFIX:-/usr/local}
root=${DESTDIR:-}
case $prefix in
  /*) ;;
  *) die "PREFIX must be an absolute path, not '$prefix'" ;;
esac
prefix=${prefix%/}
src=$(cd "$(dirname "$0")/.." && pwd)
libdir=$prefix/lib/gen-vm-image
manifest=$libdir/install-manifest
nl='
'

# Creates the folder $1 (under the prefix) and every missing parent, recording each one made.
make_dirs() {
  dirs="" d=$1
  while [ "$d" != / ] && [ ! -d "$root$d" ]; do
    [ -e "$root$d" ] && die "$root$d exists and is not a folder"
    dirs="$d$nl$dirs"
    d=$(dirname "$d")
  done
  old_ifs=$IFS
  IFS=$nl
  for d in $dirs; do
    mkdir -m 0755 "$root$d"
    [ -f "$root$manifest" ] && echo "d $d" >>"$root$manifest"
    created="$created$d$nl"
  done
  IFS=$old_ifs
}

# Installs file $2 with mode $1 as $3 (a path under the prefix), recording it.
put() {
  make_dirs "$(dirname "$3")"
  install -m "$1" "$2" "$root$3"
  echo "f $3" >>"$root$manifest"
}

do_install() {
  jar=$src/target/gen-vm-image.jar
  for f in "$jar" "$src/target/man/man1/gen-vm-image.1" "$src/target/completion/bash/gen-vm-image"; do
    [ -f "$f" ] || die "$f is missing; run 'make jar' (or 'mvn package') first"
  done
  [ -z "$root" ] || mkdir -p "$root" # the staging folder itself is not part of the install
  created=""
  make_dirs "$libdir"
  # The folders made before the manifest existed; an earlier install's records are kept.
  touch "$root$manifest"
  old_ifs=$IFS
  IFS=$nl
  for d in $created; do echo "d $d" >>"$root$manifest"; done
  IFS=$old_ifs

  put 0644 "$jar" "$libdir/gen-vm-image.jar"
  # bin/configure-vm-image, a link to bin/gen-vm-image, is installed as a copy: the launcher
  # takes the command from the name it is called by.
  for f in "$src"/bin/*; do put 0755 "$f" "$prefix/bin/${f##*/}"; done
  for f in "$src"/target/man/man1/*.1; do put 0644 "$f" "$prefix/share/man/man1/${f##*/}"; done
  for f in "$src"/target/completion/bash/*; do
    put 0644 "$f" "$prefix/share/bash-completion/completions/${f##*/}"
  done
  for f in "$src"/target/completion/zsh/*; do
    put 0644 "$f" "$prefix/share/zsh/site-functions/${f##*/}"
  done
  for f in "$src"/examples/*; do put 0644 "$f" "$prefix/share/gen-vm-image/examples/${f##*/}"; done
  for f in "$src"/cloud-init-config/*; do
    put 0644 "$f" "$prefix/share/gen-vm-image/examples/cloud-init-config/${f##*/}"
  done

  # One line per path, in the order first recorded.
  awk '!seen[$0]++' "$root$manifest" >"$root$manifest.new"
  mv "$root$manifest.new" "$root$manifest"
  chmod 0644 "$root$manifest"
  echo "installed gen-vm-image in $root$prefix (see $root$manifest)"
}

do_uninstall() {
  if [ ! -f "$root$manifest" ]; then
    # An install made before the manifest existed held only the jar and the launchers.
    [ -f "$root$libdir/gen-vm-image.jar" ] || die "gen-vm-image is not installed in $root$prefix"
    rm -f "$root$libdir/gen-vm-image.jar" "$root$prefix/bin/gen-vm-image" \
      "$root$prefix/bin/configure-vm-image"
    rmdir "$root$libdir" 2>/dev/null || true
    echo "uninstalled gen-vm-image from $root$prefix (an install without a manifest)"
    return
  fi
  while IFS= read -r line; do
    case $line in
      "f "*) rm -f "$root${line#f }" ;;
    esac
  done <"$root$manifest"
  dirs=$(sed -n 's/^d //p' "$root$manifest" | awk '{ lines[NR] = $0 } END { for (i = NR; i > 0; i--) print lines[i] }')
  rm -f "$root$manifest"
  old_ifs=$IFS
  IFS=$nl
  for d in $dirs; do
    rmdir "$root$d" 2>/dev/null || true # only when empty: other files keep their folder
  done
  IFS=$old_ifs
  echo "uninstalled gen-vm-image from $root$prefix"
}

case $1 in
  install) do_install ;;
  uninstall) do_uninstall ;;
  *) die "usage: PREFIX=... [DESTDIR=...] $0 install|uninstall" ;;
esac
