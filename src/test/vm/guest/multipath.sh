#!/bin/sh
# multipath.sh SHELF SLOT MIB: the Linux aoe initiator uses a target on two links (eth0 and eth1,
# aoe-vm --links 2) and keeps working while one of them goes down and comes back.
#  1. eth1 up at eth0's MTU, modprobe aoe (no aoe_iflist: it uses every interface), wait until
#     aoe-stat lists both interfaces for eS.L, and print that line.
#  2. Sequential direct read of MIB MiB with both links up: MB/s (best of three).
#  3. A write/verify load (known 256 KiB patterns written with oflag=direct, read back with
#     iflag=direct and compared by sha256, in a loop) runs while the guest prints
#     "AOE-VM LINK-DOWN" (the host's --hook takes IF2 down), measures the same read with one link,
#     prints "AOE-VM LINK-UP" (the host brings IF2 back) and keeps the load going a while.
#  4. The load's error count across the flap must be 0. Last line: AOE-VM OK|FAIL ...
S=${1:?shelf} L=${2:?slot} MIB=${3:-16}
. /guest/lib.sh
NAME=e$S.$L
# The load's region: 16 slots of 256 KiB at the start of the disk; the reads go past it.
SLOTS=16 SLOT_KIB=256 READ_SKIP_MIB=8
# Stops the background load first.
fail() { touch /tmp/load.stop; dmesg | grep -i aoe | tail -10; echo "AOE-VM FAIL $*"; exit 1; }
stat_line() { aoe-stat | grep -w "$NAME"; }
T0=$(up)

ip link set eth1 mtu "$(cat /sys/class/net/eth0/mtu)" && ip link set eth1 up || fail "eth1 setup"
echo "guest: eth1 $(cat /sys/class/net/eth1/address) mtu $(cat /sys/class/net/eth1/mtu)"
modprobe aoe || fail "modprobe aoe"
echo "guest: aoe_iflist='$(cat /sys/module/aoe/parameters/aoe_iflist 2>/dev/null)' (empty: every interface)" \
  "aoe_deadsecs=$(cat /sys/module/aoe/parameters/aoe_deadsecs 2>/dev/null)"
n=0
while ! stat_line 2>/dev/null | grep -q 'eth0' || ! stat_line | grep -q 'eth1' || [ ! -b "$DEV" ]; do
  [ $((n % 10)) -eq 0 ] && echo > /dev/etherd/discover
  n=$((n + 1)); [ $n -le 300 ] || { aoe-stat; fail "discovery: $NAME not on both eth0 and eth1 within 30 s"; }
  usleep 100000
done
echo "AOE-VM PATHS $(stat_line | tr -s ' \t' ' ')"

# read_mbs: MB/s of a sequential direct read of MIB MiB past the load's region, the best of three
# (the VM shares a busy host: the best run is the least disturbed one).
read_mbs() {
  local t n=0 best=0 mbs
  while [ $n -lt 3 ]; do
    t=$(up)
    dd if="$DEV" of=/dev/null bs=1M count="$MIB" skip="$READ_SKIP_MIB" iflag=direct 2>/dev/null || return 1
    mbs=$(awk -v m="$MIB" -v s="$(since "$t")" 'BEGIN { printf "%.1f", (s > 0 ? m * 1.048576 / s : 0) }')
    best=$(awk -v a="$best" -v b="$mbs" 'BEGIN { print (b > a ? b : a) }')
    n=$((n + 1))
  done
  echo "$best"
}
# Once first to warm up the target (a JVM that has just started) and the caches on both ends.
dd if="$DEV" of=/dev/null bs=1M count="$MIB" skip="$READ_SKIP_MIB" iflag=direct 2>/dev/null || fail "warm-up read"
BOTH=$(read_mbs) || fail "direct read with both links up"
echo "== sequential direct read, both links up: ${BOTH} MB/s"

# The load: pattern p(i % 4) into slot (i % SLOTS), read back, compare. Pauses while /tmp/load.pause
# exists (so that the one-link read is measured alone) and stops at /tmp/load.stop.
i=0
while [ $i -lt 4 ]; do
  dd if=/dev/urandom of=/tmp/p$i bs=1k count=$SLOT_KIB 2>/dev/null || fail "pattern $i"
  sha256sum </tmp/p$i | cut -d' ' -f1 >/tmp/p$i.sum
  i=$((i + 1))
done
load() {
  local i=0 err=0 k p blocks=$((SLOT_KIB / 64))
  while [ ! -e /tmp/load.stop ]; do
    if [ -e /tmp/load.pause ]; then touch /tmp/load.paused; usleep 100000; continue; fi
    rm -f /tmp/load.paused
    k=$((i % SLOTS)) p=$((i % 4))
    if ! dd if=/tmp/p$p of="$DEV" bs=64k count=$blocks seek=$((k * blocks)) oflag=direct conv=notrunc 2>/dev/null; then
      err=$((err + 1)); echo "load: write $i (slot $k) failed"
    elif [ "$(dd if="$DEV" bs=64k count=$blocks skip=$((k * blocks)) iflag=direct 2>/dev/null | sha256sum | cut -d' ' -f1)" \
        != "$(cat /tmp/p$p.sum)" ]; then
      err=$((err + 1)); echo "load: read-back $i (slot $k) differs"
    fi
    i=$((i + 1))
    echo "$i $err" >/tmp/load.count
  done
  touch /tmp/load.done
}
pause_load() {
  touch /tmp/load.pause
  while [ ! -e /tmp/load.paused ]; do usleep 50000; done
}
count() { cat /tmp/load.count 2>/dev/null || echo "0 0"; }
rm -f /tmp/load.*
load &
sleep 3
echo "== load before the flap: $(count | cut -d' ' -f1) rounds"

T_FLAP=$(up)
echo "AOE-VM LINK-DOWN"
sleep 6
echo "== load with eth1's target link down: $(count | cut -d' ' -f1) rounds so far"
pause_load
ONE=$(read_mbs) || fail "direct read with one link down"
echo "== sequential direct read, one link down: ${ONE} MB/s"
rm -f /tmp/load.pause
sleep 2
echo "AOE-VM LINK-UP"
sleep 6
FLAP=$(since "$T_FLAP")
touch /tmp/load.stop
n=0
while [ ! -e /tmp/load.done ]; do n=$((n + 1)); [ $n -le 600 ] || fail "the load did not stop"; usleep 100000; done
set -- $(count)
ROUNDS=$1 ERRORS=$2
echo "== load: $ROUNDS rounds of 256 KiB written and verified, $ERRORS errors, across a flap of ${FLAP}s"
echo "AOE-VM PATHS-AFTER $(stat_line | tr -s ' \t' ' ')"
AFTER=$(read_mbs) || fail "direct read after the link came back"
echo "== sequential direct read, both links up again: ${AFTER} MB/s"
echo "== dmesg (aoe):"; dmesg | grep -i aoe | tail -8
[ "$ERRORS" -eq 0 ] || fail "$ERRORS errors in the load across the link flap"
[ "$ROUNDS" -gt 0 ] || fail "the load made no progress"

echo "AOE-VM OK $NAME paths=eth0,eth1 load-rounds=$ROUNDS errors=$ERRORS flap=${FLAP}s read-both=${BOTH}MB/s" \
  "read-one=${ONE}MB/s read-after=${AFTER}MB/s guest=$(since "$T0")s"
