#!/bin/sh
# restart.sh SHELF SLOT MIB: the Linux aoe initiator keeps its mounted file system through a
# restart of the target. Discover, mkfs.ext4, mount, write MIB MiB of files and sync; then print
# "AOE-VM RESTART-TARGET" (the host, aoe-vm --restart-target-on, stops the target and starts it
# again) and keep writing while it is away: the writes block and resume. Then sync, umount, drop
# caches, remount, verify every file's sha256 and run e2fsck -fn. Last line: AOE-VM OK|FAIL ...
S=${1:?shelf} L=${2:?slot} MIB=${3:-4}
DEV=/dev/etherd/e$S.$L
up() { cut -d' ' -f1 /proc/uptime; }
since() { awk -v a="$1" -v b="$(up)" 'BEGIN { printf "%.2f", b - a }'; }
fail() { dmesg | grep -i aoe | tail -10; echo "AOE-VM FAIL $*"; exit 1; }
T0=$(up)

modprobe aoe || fail "modprobe aoe"
n=0
while [ ! -b "$DEV" ]; do
  [ $((n % 10)) -eq 0 ] && echo > /dev/etherd/discover
  n=$((n + 1)); [ $n -le 300 ] || fail "discovery: $DEV did not appear within 30 s"
  usleep 100000
done
aoe-stat
mkfs.ext4 -q -F -E nodiscard -L aoe-restart "$DEV" || fail "mkfs.ext4"
mount -t ext4 "$DEV" /mnt || fail "mount"
mkdir -p /mnt/before /mnt/during || fail "mkdir"

# Before: MIB files of 1 MiB and 16 small ones, on the disk before the restart.
i=1; while [ $i -le "$MIB" ]; do
  dd if=/dev/urandom of=/mnt/before/f$i bs=64k count=16 2>/dev/null || fail "write before/f$i"; i=$((i + 1))
done
i=1; while [ $i -le 16 ]; do
  dd if=/dev/urandom of=/mnt/before/s$i bs=$((i * 509)) count=1 2>/dev/null || fail "write before/s$i"; i=$((i + 1))
done
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
(cd /mnt && find before during -type f | sort | xargs sha256sum) >/tmp/sums || fail "sha256sum"
NFILES=$(wc -l </tmp/sums)
echo "== dmesg (aoe):"; dmesg | grep -i aoe | tail -5

umount /mnt || fail "umount"
echo 3 >/proc/sys/vm/drop_caches
blockdev --flushbufs "$DEV"
mount -t ext4 "$DEV" /mnt || fail "remount"
(cd /mnt && sha256sum -c /tmp/sums >/tmp/check 2>&1) || { grep -v ': OK$' /tmp/check | head; fail "sha256 mismatch after the restart and a remount"; }
N=$(cd /mnt && find before during -type f | wc -l)
[ "$N" -eq "$NFILES" ] || fail "$N files after remount, expected $NFILES"
umount /mnt || fail "umount after verify"
e2fsck -fn "$DEV" >/tmp/fsck 2>&1 || { cat /tmp/fsck; fail "e2fsck found errors"; }

echo "AOE-VM OK e$S.$L files=$NFILES verified, written-across-restart=8 in ${T_STALL}s longest-sync=${LONGEST}s fsck=clean guest=$(since "$T0")s"
