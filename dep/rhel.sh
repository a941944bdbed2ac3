#!/usr/bin/env bash
# Installs what gen-vm-image needs on Rocky / Alma / RHEL 9 and Fedora:
#   - a JDK 17 and Maven (to build and run the tool),
#   - qemu-img and qemu-kvm (to convert, resize and boot images), edk2-ovmf (UEFI
#     firmware, for images that boot only with UEFI),
#   - guestfs-tools (virt-sysprep, which resets configured images),
#   - make,
#   - man-db and groff-base (to read the man pages; the tests render them).
# Safe to run again: it installs only the packages that are missing.
# On RHEL-likes qemu-kvm lives in /usr/libexec; configure-vm-image finds it there.
set -euo pipefail

packages=(
  java-17-openjdk-devel
  maven
  make
  man-db
  groff-base
  qemu-img
  qemu-kvm
  edk2-ovmf
  guestfs-tools
)

missing=()
for p in "${packages[@]}"; do
  if ! rpm -q "$p" >/dev/null 2>&1; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "dep/rhel.sh: all dependencies are installed"
  exit 0
fi

as_root=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    as_root=(sudo)
  else
    echo "dep/rhel.sh: run as root (or install sudo) to install: ${missing[*]}" >&2
    exit 1
  fi
fi

echo "dep/rhel.sh: installing ${missing[*]}"
"${as_root[@]}" dnf install -y "${missing[@]}"
