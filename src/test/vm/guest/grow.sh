#!/bin/sh
# grow.sh SHELF SLOT MIB GROW_MIB: the Linux aoe initiator takes a disk grown while mounted.
# Discover, mkfs.ext4, mount, write MIB MiB of files; print "AOE-VM GROW-TARGET" (the host,
# aoe-vm --hook, grows the target's file and sends its serve a SIGHUP); aoe-revalidate until
# the kernel sees the new size; resize2fs online; write GROW_MIB MiB more, which must go past the
# old end; umount, drop caches, remount, verify every sha256, e2fsck -fn.
# Last line: AOE-VM OK|FAIL ... size-before= size-after= (bytes) fs-before= fs-after= (1K blocks).
S=${1:?shelf} L=${2:?slot} MIB=${3:-8} GROW=${4:-32}
. /guest/lib.sh
fsblocks() { df -k /mnt | awk 'NR == 2 { print $2 }'; }
T0=$(up)

discover
aoe-stat
BEFORE=$(blockdev --getsize64 "$DEV")
mkfs.ext4 -q -F -E nodiscard -L aoe-grow "$DEV" || fail "mkfs.ext4"
mount -t ext4 "$DEV" /mnt || fail "mount"
FS_BEFORE=$(fsblocks)
mkdir -p /mnt/before /mnt/after || fail "mkdir"
write_mib before/f "$MIB"
sync || fail "sync before the grow"
echo "== size before: $BEFORE bytes, file system $FS_BEFORE KiB"

# The host grows the file and signals the target; ask the driver again until it sees the new size.
echo "AOE-VM GROW-TARGET"
t=$(up) n=0 AFTER=$BEFORE
while [ "$AFTER" -le "$BEFORE" ]; do
  n=$((n + 1)); [ $n -le 60 ] || fail "the size stayed $BEFORE bytes for 60 s after the grow"
  sleep 1
  aoe-revalidate "e$S.$L" || fail "aoe-revalidate e$S.$L"
  usleep 200000
  AFTER=$(blockdev --getsize64 "$DEV")
done
T_SEEN=$(since "$t")
aoe-stat
resize2fs "$DEV" || fail "resize2fs (online) to $AFTER bytes"
FS_AFTER=$(fsblocks)
[ "$FS_AFTER" -gt "$FS_BEFORE" ] || fail "the file system stayed $FS_BEFORE KiB after resize2fs"
echo "== size after: $AFTER bytes (seen in ${T_SEEN}s), file system $FS_AFTER KiB"
write_mib after/f "$GROW"
sync || fail "sync after the grow"
checksum before after

cold_umount
verify "after the grow and a remount" before after
fsck_clean

echo "AOE-VM OK e$S.$L size-before=$BEFORE size-after=$AFTER fs-before=$FS_BEFORE fs-after=$FS_AFTER files=$NFILES verified fsck=clean seen-after=${T_SEEN}s guest=$(since "$T0")s"
