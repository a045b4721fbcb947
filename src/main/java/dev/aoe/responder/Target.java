package dev.aoe.responder;

import dev.aoe.ata.Ata;
import dev.aoe.ata.AtaDevice;
import dev.aoe.ata.Outcome;
import dev.aoe.ata.UnflushedWrites;
import dev.aoe.protocol.AoeHeader;
import dev.aoe.protocol.AtaArg;
import dev.aoe.protocol.ConfigArg;
import dev.aoe.protocol.MacAddress;
import dev.aoe.protocol.MaskArg;
import dev.aoe.protocol.ReserveArg;
import dev.aoe.protocol.TargetAddress;

import java.nio.ByteBuffer;

/**
 * One exported device, e{@code shelf}.{@code slot}: decides whether a frame is for it, and
 * rewrites a request in place into its reply (vblade's {@code doaoe}). It knows nothing of
 * sockets or threads: the engine feeds it frames and sends what it returns. An export may be
 * served on several interfaces at once: each frame comes with the {@link Link} it arrived on,
 * whose MAC and MTU its reply uses.
 */
public final class Target {
    private final int shelf;
    private final int slot;
    private final AtaDevice ata;
    private final TargetState state;
    private final int bufferCount;
    private final long[] allowlist;

    /**
     * @param allowlist the admin's initiator allowlist (vblade {@code -m}); empty lets anyone in.
     *                  Unlike the AoE mask list, initiators cannot edit it.
     */
    public Target(int shelf, int slot, AtaDevice ata, TargetState state, int bufferCount,
                  long[] allowlist) {
        TargetAddress.require(shelf, slot);
        this.shelf = shelf;
        this.slot = slot;
        this.ata = ata;
        this.state = state;
        this.bufferCount = bufferCount;
        this.allowlist = allowlist.clone();
    }

    public int shelf() {
        return shelf;
    }

    public int slot() {
        return slot;
    }

    public TargetState state() {
        return state;
    }

    /**
     * Whether this target takes the request at all: addressed to it (or broadcast), a request
     * of AoE version 1, from a unicast source MAC, and from an initiator both the allowlist and
     * the mask list let in. Frames it does not take get no reply whatsoever; those addressed to
     * it are counted in {@code counts} with the reason. A source with the group bit set
     * (broadcast, multicast) is invalid on Ethernet, so it can only be forged, and a reply to it
     * would reach every host on the segment.
     */
    public boolean accepts(ByteBuffer f, int length, TargetCounts counts) {
        if (length < AoeHeader.LENGTH || AoeHeader.isResponse(f)
                || !AoeHeader.addressedTo(AoeHeader.shelf(f), AoeHeader.slot(f), shelf, slot)) {
            return false;
        }
        TargetCounts.Ignored refused = refusal(f);
        if (refused != null) {
            counts.ignored(refused);
            return false;
        }
        return true;
    }

    /** Why an addressed request is ignored, or null if it is taken. */
    private TargetCounts.Ignored refusal(ByteBuffer f) {
        if (AoeHeader.version(f) != AoeHeader.VERSION) {
            return TargetCounts.Ignored.WRONG_VERSION;
        }
        long source = AoeHeader.source(f);
        if (MacAddress.isGroup(source)) {
            return TargetCounts.Ignored.BROADCAST_SOURCE;
        }
        if (!TargetState.allows(allowlist, source)) {
            return TargetCounts.Ignored.ALLOWLIST;
        }
        return state.maskAllows(source) ? null : TargetCounts.Ignored.MASK_LIST;
    }

    /**
     * Rewrites an accepted request into its reply, padded to the Ethernet minimum, and counts it
     * in {@code counts}, the calling thread's own block.
     *
     * @param link the interface the request came in on, where the reply goes out
     * @return the reply length, or {@link Outcome#NO_REPLY}
     */
    public int handle(ByteBuffer f, int length, Link link, TargetCounts counts) {
        return handle(f, length, link, true, false, null, counts);
    }

    /**
     * Like {@link #handle}, for a thread that answers a batch of requests at once: a write that
     * must be durable before its reply is recorded in {@code unflushed} instead of flushed, and
     * {@link UnflushedWrites#settle()} must run before any reply of the batch is sent.
     */
    public int handle(ByteBuffer f, int length, UnflushedWrites unflushed, Link link, TargetCounts counts) {
        return handle(f, length, link, true, false, unflushed, counts);
    }

    /** A record for {@link #handle(ByteBuffer, int, UnflushedWrites, Link, TargetCounts)}, for batches of up to {@code capacity}. */
    public UnflushedWrites unflushedWrites(int capacity) {
        return ata.unflushedWrites(capacity);
    }

    /**
     * Like {@link #handle}, for a thread that must not block: answers what it can from memory
     * (queries, IDENTIFY, malformed requests) and, as its {@link AtaDevice} decides, reads whose
     * data is in the page cache. Anything that touches a disk (the store, or the state file for
     * edits) returns {@link Outcome#WOULD_BLOCK} with the frame still fit for {@link #handle}
     * (only the request's error flag and byte, which mean nothing in a request, may have been
     * cleared), and counted nowhere yet.
     */
    public int handleNow(ByteBuffer f, int length, Link link, TargetCounts counts) {
        return handle(f, length, link, false, false, null, counts);
    }

    /**
     * Like {@link #handleNow}, and a write to a write-back store too ({@link
     * AtaDevice#executeNow(ByteBuffer, int, int, boolean)}): it waits only for the page cache,
     * unless the kernel throttles dirty pages or the file system is frozen, which the caller
     * must allow for.
     */
    public int handleNowOrWriteBack(ByteBuffer f, int length, Link link, TargetCounts counts) {
        return handle(f, length, link, false, true, null, counts);
    }

    private int handle(ByteBuffer f, int length, Link link, boolean canWait, boolean writeBack,
                       UnflushedWrites unflushed, TargetCounts counts) {
        int command = AoeHeader.command(f);
        long requester = AoeHeader.source(f);
        if (length < minimumLength(command)) {
            counts.ignored(TargetCounts.Ignored.MALFORMED);
            return Outcome.NO_REPLY;
        }
        if (!canWait && editsState(f, command)) {
            return Outcome.WOULD_BLOCK;
        }
        // The request's own E flag and error byte mean nothing: only what a handler sets goes out.
        f.put(AoeHeader.VERSION_FLAGS, (byte) (f.get(AoeHeader.VERSION_FLAGS) & ~AoeHeader.FLAG_ERROR));
        f.put(AoeHeader.ERROR, (byte) 0);
        int n = switch (command) {
            case AoeHeader.CMD_ATA -> ata(f, length, requester, link.mtu(), canWait, writeBack, unflushed, counts);
            case AoeHeader.CMD_CONFIG -> ConfigCommand.handle(f, length, state, bufferCount,
                    maxSectors(link.refreshMtu(), f.capacity()));
            case AoeHeader.CMD_MASK -> MaskCommand.handle(f, length, state);
            case AoeHeader.CMD_RESERVE -> ReserveCommand.handle(f, length, state, requester);
            default -> unknownCommand(f, command);
        };
        if (n == Outcome.WOULD_BLOCK) {
            return n;
        }
        countRequest(command, counts);
        if (n == Outcome.NO_REPLY) {
            return n;
        }
        // makeReply clears the error byte: keep what the handler set.
        boolean error = AoeHeader.isError(f);
        int code = AoeHeader.error(f);
        AoeHeader.makeReply(f, link.mac(), shelf, slot);
        if (error) {
            AoeHeader.setError(f, code);
            counts.errorReply(code);
        }
        return AoeHeader.pad(f, n);
    }

    /** The shortest request of {@code command} its handler can read; shorter ones are malformed. */
    private static int minimumLength(int command) {
        return switch (command) {
            case AoeHeader.CMD_ATA -> AtaArg.DATA;
            case AoeHeader.CMD_CONFIG -> ConfigArg.STRING;
            case AoeHeader.CMD_MASK -> MaskArg.DIRECTIVES;
            case AoeHeader.CMD_RESERVE -> ReserveArg.MACS;
            default -> AoeHeader.LENGTH;
        };
    }

    /**
     * True for the config, mask and reserve requests that edit the target's state, which its
     * state file keeps on disk; queries are answered from memory.
     */
    private static boolean editsState(ByteBuffer f, int command) {
        return switch (command) {
            case AoeHeader.CMD_CONFIG -> ConfigArg.ccmd(f) > ConfigArg.CCMD_TEST_PREFIX;
            case AoeHeader.CMD_MASK -> MaskArg.mcmd(f) != MaskArg.MCMD_READ;
            case AoeHeader.CMD_RESERVE -> ReserveArg.rcmd(f) != ReserveArg.RCMD_READ;
            default -> false;
        };
    }

    /** Counts the non-ATA commands; {@link #ata} counts its own, by ATA command. */
    private static void countRequest(int command, TargetCounts counts) {
        switch (command) {
            case AoeHeader.CMD_CONFIG -> counts.request(TargetCounts.Op.CONFIG);
            case AoeHeader.CMD_MASK -> counts.request(TargetCounts.Op.MASK);
            case AoeHeader.CMD_RESERVE -> counts.request(TargetCounts.Op.RESERVE);
            default -> {
            }
        }
    }

    private int ata(ByteBuffer f, int length, long requester, int mtu, boolean canWait, boolean writeBack,
                    UnflushedWrites unflushed, TargetCounts counts) {
        int opcode = AtaArg.command(f);
        // Broadcast ATA is how WinAoE discovers (IDENTIFY); a broadcast read or write is never
        // meant for every disk on the link, so it is ignored.
        boolean broadcast = AoeHeader.shelf(f) == AoeHeader.BROADCAST_SHELF
                || AoeHeader.slot(f) == AoeHeader.BROADCAST_SLOT;
        if (broadcast && opcode != Ata.IDENTIFY_DEVICE) {
            return Outcome.NO_REPLY;
        }
        // IDENTIFY stays open to everyone, as in vblade, so a reserved disk can still be found.
        if (opcode != Ata.IDENTIFY_DEVICE && !state.reservationAllows(requester)) {
            countAta(opcode, counts);
            AoeHeader.setError(f, AoeHeader.ERR_TARGET_RESERVED);
            return AtaArg.DATA;
        }
        int sectors = AtaArg.sectorCount(f);
        int maxSectors = maxSectors(mtu, f.capacity());
        int n = canWait ? ata.execute(f, length, maxSectors, unflushed) : ata.executeNow(f, length, maxSectors, writeBack);
        if (n == Outcome.WOULD_BLOCK) {
            return n;
        }
        countAta(opcode, counts);
        if (n == Outcome.BAD_ARGUMENT) {
            AoeHeader.setError(f, AoeHeader.ERR_BAD_ARGUMENT);
            return AtaArg.DATA;
        }
        if ((AtaArg.status(f) & Ata.STATUS_ERR) != 0) {
            // A write whose group flush fails later turns ABRT after this count: UnflushedWrites logs it.
            counts.ataError((AtaArg.error(f) & Ata.ERROR_IDNF) != 0 ? TargetCounts.AtaError.IDNF
                    : TargetCounts.AtaError.ABRT);
        } else if (Ata.isRead(opcode) || Ata.isWrite(opcode)) {
            counts.transferred(Ata.isWrite(opcode), (long) sectors * Ata.SECTOR_SIZE, !canWait && Ata.isRead(opcode));
        }
        return n;
    }

    private static void countAta(int opcode, TargetCounts counts) {
        if (Ata.isRead(opcode)) {
            counts.request(TargetCounts.Op.READ);
        } else if (Ata.isWrite(opcode)) {
            counts.request(TargetCounts.Op.WRITE);
        } else if (Ata.isFlush(opcode)) {
            counts.request(TargetCounts.Op.FLUSH);
        } else if (opcode == Ata.IDENTIFY_DEVICE) {
            counts.request(TargetCounts.Op.IDENTIFY);
        } else if (opcode == Ata.CHECK_POWER_MODE) {
            counts.request(TargetCounts.Op.CHECK_POWER);
        }
    }

    private static int unknownCommand(ByteBuffer f, int command) {
        if (command >= AoeHeader.CMD_VENDOR_MIN) {
            return Outcome.NO_REPLY;
        }
        AoeHeader.setError(f, AoeHeader.ERR_BAD_COMMAND);
        return AoeHeader.LENGTH;
    }

    /**
     * Sectors per ATA frame: what the MTU carries, {@code (MTU - 36) / 512} as every AoE
     * implementation computes it, and never more than a receive buffer holds.
     */
    public static int maxSectors(int mtu, int bufferCapacity) {
        int byMtu = (mtu - AtaArg.DATA) / Ata.SECTOR_SIZE;
        int byBuffer = (bufferCapacity - AtaArg.DATA) / Ata.SECTOR_SIZE;
        return Math.max(0, Math.min(Math.min(byMtu, byBuffer), 255));
    }

    /**
     * Writes an unsolicited config reply that tells initiators this target is here (sent when
     * an export starts): version 1, tag 0, the current parameters as seen on {@code link}, to
     * {@code destination}.
     */
    public int writeAnnouncement(ByteBuffer f, Link link, long destination) {
        AoeHeader.writeRequest(f, destination, link.mac(), shelf, slot, AoeHeader.CMD_CONFIG, 0);
        f.put(AoeHeader.VERSION_FLAGS, (byte) ((AoeHeader.VERSION << 4) | AoeHeader.FLAG_RESPONSE));
        int n = ConfigArg.writeReply(f, bufferCount, ConfigCommand.FIRMWARE_VERSION,
                maxSectors(link.refreshMtu(), f.capacity()), ConfigArg.CCMD_READ, state.config());
        return AoeHeader.pad(f, n);
    }

    /** Where announcements go: each allowlisted initiator, or broadcast when anyone may connect. */
    public long[] announcementDestinations() {
        return allowlist.length == 0 ? new long[] {MacAddress.BROADCAST} : allowlist.clone();
    }

    @Override
    public String toString() {
        return TargetAddress.name(shelf, slot);
    }
}
