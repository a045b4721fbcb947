#!/bin/sh
# restart.sh SHELF SLOT MIB: the Linux aoe initiator keeps its mounted file system through a
# restart of the target. Discover, mkfs.ext4, mount, write MIB MiB of files and sync; then print
# "AOE-VM RESTART-TARGET" (the host, aoe-vm --restart-target-on, stops the target and starts it
# again) and keep writing while it is away: the writes block and resume. Then sync, umount, drop
# caches, remount, verify every file's sha256 and run e2fsck -fn. Last line: AOE-VM OK|FAIL ...
S=${1:?shelf} L=${2:?slot} MIB=${3:-4}
. /guest/lib.sh
T0=$(up)

discover
aoe-stat
mkfs.ext4 -q -F -E nodiscard -L aoe-restart "$DEV" || fail "mkfs.ext4"
mount -t ext4 "$DEV" /mnt || fail "mount"
mkdir -p /mnt/before /mnt/during || fail "mkdir"

# Before: MIB files of 1 MiB and 16 small ones, on the disk before the restart.
write_mib before/f "$MIB"
write_small before/s 16 509
sync || fail "sync before the restart"

# The host stops the target and starts it again; meanwhile the guest keeps writing. Page-cache
# writes return at once; the syncs block until the target answers again.
echo "AOE-VM RESTART-TARGET"
usleep 500000
t=$(up) LONGEST=0
i=1; while [ $i -le 8 ]; do
  dd if=/dev/urandom of=/mnt/during/f$i bs=32k count=8 2>/dev/null || fail "write during/f$i"
  ts=$(up)
  sync || fail "sync during the restart (file $i)"
  LONGEST=$(awk -v a="$LONGEST" -v b="$(since "$ts")" 'BEGIN { print (b > a ? b : a) }')
  i=$((i + 1))
done
T_STALL=$(since "$t")
echo "== 8 files written and synced across the restart in ${T_STALL}s (longest sync ${LONGEST}s)"
checksum before during
echo "== dmesg (aoe):"; dmesg | grep -i aoe | tail -5

cold_umount
verify "after the restart and a remount" before during
fsck_clean

echo "AOE-VM OK e$S.$L files=$NFILES verified, written-across-restart=8 in ${T_STALL}s longest-sync=${LONGEST}s fsck=clean guest=$(since "$T0")s"
