#!/usr/bin/env bash
# What the rehearsal on moto (tests/stack/test_rehearsal.py) needs from Debian to run the arm64 artifacts of
# `sam build` on this host: qemu-user, arm64's glibc (multiarch), and arm64's libfaketime, with which a
# scheduled function runs "at its time" on a later day. Installs what is missing; nothing on an arm64 host but
# libfaketime.
set -euo pipefail
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
need=()
if [ "$(uname -m)" != aarch64 ]; then
  command -v qemu-aarch64-static >/dev/null || need+=(qemu-user-static)
  [ -e /lib/ld-linux-aarch64.so.1 ] || need+=(libc6:arm64)
fi
[ -e /usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1 ] || need+=(libfaketime:arm64)
if [ ${#need[@]} -gt 0 ]; then
  echo "==> installing ${need[*]} (apt)"
  if [ "$(uname -m)" != aarch64 ] && ! dpkg --print-foreign-architectures | grep -qx arm64; then
    $sudo dpkg --add-architecture arm64
  fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
