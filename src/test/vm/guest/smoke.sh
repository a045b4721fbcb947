#!/bin/sh
# smoke.sh SHELF SLOT MIB: the Linux aoe initiator against eSHELF.SLOT. Discover, mkfs.ext4,
# mount, write MIB MiB of random files (+ 32 small ones), sync, umount, drop caches, remount,
# verify sha256 sums and the file count, e2fsck -fn. Last line: AOE-VM OK|FAIL ...
S=${1:?shelf} L=${2:?slot} MIB=${3:-8}
. /guest/lib.sh
T0=$(up)

t=$(up)
discover
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
checksum big small
sync || fail "sync"
T_WRITE=$(since "$t")
cold_umount

t=$(up)
verify "after remount" big small
T_VERIFY=$(since "$t")
fsck_clean

echo "AOE-VM OK e$S.$L size=${SIZE}MiB files=$NFILES data=${MIB}MiB discover=${T_DISC}s mkfs=${T_MKFS}s write+sync=${T_WRITE}s verify=${T_VERIFY}s guest=$(since "$T0")s"
