#!/bin/sh
# smoke.sh SHELF SLOT MIB: the Linux aoe initiator against eSHELF.SLOT. Discover, mkfs.ext4,
# mount, write MIB MiB of random files (+ 32 small ones), sync, umount, drop caches, remount,
# verify sha256 sums and the file count, e2fsck -fn. Last line: AOE-VM OK|FAIL ...
S=${1:?shelf} L=${2:?slot} MIB=${3:-8}
DEV=/dev/etherd/e$S.$L
up() { cut -d' ' -f1 /proc/uptime; }
since() { awk -v a="$1" -v b="$(up)" 'BEGIN { printf "%.2f", b - a }'; }
fail() { dmesg | grep -i aoe | tail -10; echo "AOE-VM FAIL $*"; exit 1; }
T0=$(up)

# Discovery: the driver broadcasts a query when loaded; repeat it every second for 30 s
# in case the target came up later.
modprobe aoe || fail "modprobe aoe"
t=$(up) n=0
while [ ! -b "$DEV" ]; do
  [ $((n % 10)) -eq 0 ] && echo > /dev/etherd/discover
  n=$((n + 1)); [ $n -le 300 ] || fail "discovery: $DEV did not appear within 30 s"
  usleep 100000
done
T_DISC=$(since "$t")
echo "== $DEV discovered in ${T_DISC}s (aoe driver $(cat /sys/module/aoe/version 2>/dev/null))"
aoe-stat
SIZE=$(($(cat "/sys/block/etherd!e$S.$L/size") / 2048))
echo "== size ${SIZE} MiB, eth0 mtu $(cat /sys/class/net/eth0/mtu)"
[ "$SIZE" -ge $((MIB + 32)) ] || fail "device too small: ${SIZE} MiB"

t=$(up)
mkfs.ext4 -q -F -E nodiscard -L aoe-e2e "$DEV" || fail "mkfs.ext4"
T_MKFS=$(since "$t")
mount -t ext4 "$DEV" /mnt || fail "mount"

t=$(up)
mkdir -p /mnt/big /mnt/small || fail "mkdir"
i=1; while [ $i -le "$MIB" ]; do
  dd if=/dev/urandom of=/mnt/big/f$i bs=64k count=16 2>/dev/null || fail "write big/f$i"; i=$((i + 1))
done
i=1; while [ $i -le 32 ]; do
  dd if=/dev/urandom of=/mnt/small/f$i bs=$((i * 511)) count=1 2>/dev/null || fail "write small/f$i"; i=$((i + 1))
done
(cd /mnt && find big small -type f | sort | xargs sha256sum) >/tmp/sums || fail "sha256sum"
NFILES=$(wc -l </tmp/sums)
sync || fail "sync"
T_WRITE=$(since "$t")
umount /mnt || fail "umount"
echo 3 >/proc/sys/vm/drop_caches
blockdev --flushbufs "$DEV"

t=$(up)
mount -t ext4 "$DEV" /mnt || fail "remount"
(cd /mnt && sha256sum -c /tmp/sums >/tmp/check 2>&1) || { grep -v ': OK$' /tmp/check | head; fail "sha256 mismatch after remount"; }
N=$(cd /mnt && find big small -type f | wc -l)
[ "$N" -eq "$NFILES" ] || fail "$N files after remount, expected $NFILES"
umount /mnt || fail "umount after verify"
T_VERIFY=$(since "$t")
e2fsck -fn "$DEV" >/tmp/fsck 2>&1 || { cat /tmp/fsck; fail "e2fsck found errors"; }

echo "AOE-VM OK e$S.$L size=${SIZE}MiB files=$NFILES data=${MIB}MiB discover=${T_DISC}s mkfs=${T_MKFS}s write+sync=${T_WRITE}s verify=${T_VERIFY}s guest=$(since "$T0")s"
