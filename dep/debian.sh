#!/usr/bin/env bash
# Installs what gen-vm-image needs on Debian 12 / Ubuntu 22.04 or newer:
#   - a JDK 17 and Maven (to build and run the tool),
#   - qemu-img (qemu-utils) and qemu-system-x86 (to convert, resize and boot images), ovmf
#     (UEFI firmware, for images that boot only with UEFI),
#   - libguestfs-tools and a kernel in /boot (virt-sysprep, which resets configured images),
#   - make,
#   - man-db and groff-base (to read the man pages; the tests render them),
#   - for the test suite: debootstrap, debian-archive-keyring, e2fsprogs and fdisk (to build
#     and read the small Debian cloud image the configure tests boot; dosfstools and mtools
#     for its UEFI variant) and genisoimage
#     (isoinfo, an independent reader of the seed images the tool writes).
# Safe to run again: it installs only the packages that are missing, and runs
# 'apt-get update' only when something has to be installed.
set -euo pipefail

packages=(
  openjdk-17-jdk-headless
  maven
  make
  man-db
  groff-base
  qemu-utils
  qemu-system-x86
  ovmf
  libguestfs-tools
  debootstrap
  debian-archive-keyring
  e2fsprogs
  fdisk
  dosfstools
  mtools
  genisoimage
)
# libguestfs boots a small appliance with the host's kernel: it needs one in /boot.
if ! ls /boot/vmlinuz-* >/dev/null 2>&1; then
  packages+=(linux-image-amd64)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "dep/debian.sh: all dependencies are installed"
  exit 0
fi

as_root=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    as_root=(sudo)
  else
    echo "dep/debian.sh: run as root (or install sudo) to install: ${missing[*]}" >&2
    exit 1
  fi
fi

echo "dep/debian.sh: installing ${missing[*]}"
"${as_root[@]}" apt-get update -q
DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
