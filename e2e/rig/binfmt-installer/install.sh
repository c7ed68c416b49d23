#!/bin/sh
# A stand-in for tonistiigi/binfmt (unreachable here), with the same interface: `--install arm64,arm`
# registers the emulators in the host's binfmt_misc. F ("fix binary") makes the kernel open the
# interpreter now, from this container, so it keeps working for every container after this one exits.
# P keeps argv[0]: multi-call binaries (busybox) pick their applet from it. Debian's qemu honours P when
# started under a name ending in -binfmt-P, hence that interpreter path.
set -eu
[ "${1:-}" = --install ] && [ -n "${2:-}" ] || { echo "usage: --install arm64,arm" >&2; exit 2; }
dir=/proc/sys/fs/binfmt_misc
[ -e "$dir/register" ] || mount -t binfmt_misc binfmt_misc "$dir"
mask='\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff'
for arch in $(echo "$2" | tr ',' ' '); do
  case "$arch" in
    arm64) name=qemu-aarch64; magic='\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00' ;;
    arm) name=qemu-arm; magic='\x7fELF\x01\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x28\x00' ;;
    *) echo "this image has no emulator for '$arch' (it has: arm64, arm)" >&2; exit 1 ;;
  esac
  if [ -e "$dir/$name" ]; then echo "$name: already registered"; continue; fi
  printf '%s' ":$name:M::$magic:$mask:/usr/libexec/qemu-binfmt/${name#qemu-}-binfmt-P:PF" > "$dir/register"
  echo "$name: registered"
done
