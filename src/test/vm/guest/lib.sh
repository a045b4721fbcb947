# lib.sh: the steps the guest scripts share. aoe-vm puts it next to the script in /guest; a
# script sources it after setting S and L. DEV is the disk the aoe driver makes for eS.L.
DEV=/dev/etherd/e$S.$L
up() { cut -d' ' -f1 /proc/uptime; }
since() { awk -v a="$1" -v b="$(up)" 'BEGIN { printf "%.2f", b - a }'; }
fail() { dmesg | grep -i aoe | tail -10; echo "AOE-VM FAIL $*"; exit 1; }

# discover: loads the aoe driver, which broadcasts a query; repeats the query every second until
# DEV appears (the target may come up later), for 30 s at most.
discover() {
  modprobe aoe || fail "modprobe aoe"
  n=0
  while [ ! -b "$DEV" ]; do
    [ $((n % 10)) -eq 0 ] && echo > /dev/etherd/discover
    n=$((n + 1)); [ $n -le 300 ] || fail "discovery: $DEV did not appear within 30 s"
    usleep 100000
  done
}

# write_mib PREFIX COUNT: COUNT random files of 1 MiB, /mnt/PREFIX1 to /mnt/PREFIXCOUNT.
write_mib() {
  i=1; while [ $i -le "$2" ]; do
    dd if=/dev/urandom of="/mnt/$1$i" bs=64k count=16 2>/dev/null || fail "write $1$i"; i=$((i + 1))
  done
}

# write_small PREFIX COUNT STEP: COUNT random files /mnt/PREFIXi of i * STEP bytes (odd sizes).
write_small() {
  i=1; while [ $i -le "$2" ]; do
    dd if=/dev/urandom of="/mnt/$1$i" bs=$((i * $3)) count=1 2>/dev/null || fail "write $1$i"; i=$((i + 1))
  done
}

# checksum DIR...: the sha256 of every file under /mnt/DIR... into /tmp/sums, their count into NFILES.
checksum() {
  (cd /mnt && find "$@" -type f | sort | xargs sha256sum) >/tmp/sums || fail "sha256sum"
  NFILES=$(wc -l </tmp/sums)
}

# cold_umount: umount /mnt and drop the caches, so that what is read next comes from the target.
cold_umount() {
  umount /mnt || fail "umount"
  echo 3 >/proc/sys/vm/drop_caches
  blockdev --flushbufs "$DEV"
}

# verify WHEN DIR...: mount again; every file under /mnt/DIR... is as /tmp/sums says and there are
# no others; umount. WHEN ends the mismatch message (e.g. "after remount").
verify() {
  when=$1; shift
  mount -t ext4 "$DEV" /mnt || fail "remount"
  (cd /mnt && sha256sum -c /tmp/sums >/tmp/check 2>&1) || { grep -v ': OK$' /tmp/check | head; fail "sha256 mismatch $when"; }
  N=$(cd /mnt && find "$@" -type f | wc -l)
  [ "$N" -eq "$NFILES" ] || fail "$N files after remount, expected $NFILES"
  umount /mnt || fail "umount after verify"
}

fsck_clean() {
  e2fsck -fn "$DEV" >/tmp/fsck 2>&1 || { cat /tmp/fsck; fail "e2fsck found errors"; }
}
