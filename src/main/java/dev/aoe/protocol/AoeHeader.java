package dev.aoe.protocol;

import java.nio.ByteBuffer;

/**
 * The Ethernet and AoE common header (AoE r11 §2): absolute accessors on a frame buffer whose
 * index 0 is the first byte of the destination MAC. Stateless, so the data path allocates
 * nothing to read or write a header.
 */
public final class AoeHeader {
    public static final int ETHERTYPE_AOE = 0x88A2;

    public static final int DST = 0;
    public static final int SRC = 6;
    public static final int ETHERTYPE = 12;
    public static final int VERSION_FLAGS = 14;
    public static final int ERROR = 15;
    public static final int SHELF = 16;
    public static final int SLOT = 18;
    public static final int COMMAND = 19;
    public static final int TAG = 20;
    /** Length of the Ethernet plus AoE header; the command's argument starts here. */
    public static final int LENGTH = 24;
    /** Ethernet's minimum frame without FCS; shorter replies are zero-padded (aoecfg drops them). */
    public static final int MIN_FRAME = 60;
    /** Ethernet header bytes that the MTU does not count. */
    public static final int ETHERNET_HEADER = 14;

    public static final int VERSION = 1;
    public static final int FLAG_RESPONSE = 0x08;
    public static final int FLAG_ERROR = 0x04;

    public static final int BROADCAST_SHELF = 0xFFFF;
    public static final int BROADCAST_SLOT = 0xFF;

    public static final int CMD_ATA = 0;
    public static final int CMD_CONFIG = 1;
    public static final int CMD_MASK = 2;
    public static final int CMD_RESERVE = 3;
    /** Commands 0xF0-0xFF are vendor specific: ignored, not answered with an error. */
    public static final int CMD_VENDOR_MIN = 0xF0;

    public static final int ERR_BAD_COMMAND = 1;
    public static final int ERR_BAD_ARGUMENT = 2;
    public static final int ERR_DEVICE_UNAVAILABLE = 3;
    public static final int ERR_CONFIG_STRING_PRESENT = 4;
    public static final int ERR_UNSUPPORTED_VERSION = 5;
    public static final int ERR_TARGET_RESERVED = 6;

    private AoeHeader() {
    }

    public static int etherType(ByteBuffer f) {
        return f.getShort(ETHERTYPE) & 0xFFFF;
    }

    public static int version(ByteBuffer f) {
        return (f.get(VERSION_FLAGS) >> 4) & 0x0F;
    }

    public static boolean isResponse(ByteBuffer f) {
        return (f.get(VERSION_FLAGS) & FLAG_RESPONSE) != 0;
    }

    public static boolean isError(ByteBuffer f) {
        return (f.get(VERSION_FLAGS) & FLAG_ERROR) != 0;
    }

    public static int error(ByteBuffer f) {
        return f.get(ERROR) & 0xFF;
    }

    public static int shelf(ByteBuffer f) {
        return f.getShort(SHELF) & 0xFFFF;
    }

    public static int slot(ByteBuffer f) {
        return f.get(SLOT) & 0xFF;
    }

    public static int command(ByteBuffer f) {
        return f.get(COMMAND) & 0xFF;
    }

    public static int tag(ByteBuffer f) {
        return f.getInt(TAG);
    }

    public static long source(ByteBuffer f) {
        return MacAddress.get(f, SRC);
    }

    public static long destination(ByteBuffer f) {
        return MacAddress.get(f, DST);
    }

    /** True when a frame for (shelf, slot) is addressed to the target e{@code myShelf}.{@code mySlot}. */
    public static boolean addressedTo(int shelf, int slot, int myShelf, int mySlot) {
        return (shelf == myShelf || shelf == BROADCAST_SHELF) && (slot == mySlot || slot == BROADCAST_SLOT);
    }

    /** Writes a whole request header: version 1, no flags, error 0. */
    public static void writeRequest(ByteBuffer f, long dst, long src, int shelf, int slot, int command, int tag) {
        MacAddress.put(f, DST, dst);
        MacAddress.put(f, SRC, src);
        f.putShort(ETHERTYPE, (short) ETHERTYPE_AOE);
        f.put(VERSION_FLAGS, (byte) (VERSION << 4));
        f.put(ERROR, (byte) 0);
        f.putShort(SHELF, (short) shelf);
        f.put(SLOT, (byte) slot);
        f.put(COMMAND, (byte) command);
        f.putInt(TAG, tag);
    }

    /**
     * Turns a request into the header of its reply in place: back to the sender, from {@code mac},
     * version 1 with R set, the target's real shelf and slot (never the broadcast values), and
     * the tag left exactly as the initiator sent it.
     */
    public static void makeReply(ByteBuffer f, long mac, int shelf, int slot) {
        MacAddress.put(f, DST, MacAddress.get(f, SRC));
        MacAddress.put(f, SRC, mac);
        f.put(VERSION_FLAGS, (byte) ((VERSION << 4) | FLAG_RESPONSE));
        f.put(ERROR, (byte) 0);
        f.putShort(SHELF, (short) shelf);
        f.put(SLOT, (byte) slot);
    }

    /** Marks a reply as an AoE error; the E flag is always set together with the code. */
    public static void setError(ByteBuffer f, int code) {
        f.put(VERSION_FLAGS, (byte) (f.get(VERSION_FLAGS) | FLAG_ERROR));
        f.put(ERROR, (byte) code);
    }

    /** Zero-fills a reply up to the Ethernet minimum and returns the length to send. */
    public static int pad(ByteBuffer f, int length) {
        for (int i = length; i < MIN_FRAME; i++) {
            f.put(i, (byte) 0);
        }
        return Math.max(length, MIN_FRAME);
    }
}
