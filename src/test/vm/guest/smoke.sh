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
write_mib big/f "$MIB"
write_small small/f 32 511
checksum big small
sync || fail "sync"
T_WRITE=$(since "$t")
cold_umount

t=$(up)
verify "after remount" big small
T_VERIFY=$(since "$t")
fsck_clean

echo "AOE-VM OK e$S.$L size=${SIZE}MiB files=$NFILES data=${MIB}MiB discover=${T_DISC}s mkfs=${T_MKFS}s write+sync=${T_WRITE}s verify=${T_VERIFY}s guest=$(since "$T0")s"
