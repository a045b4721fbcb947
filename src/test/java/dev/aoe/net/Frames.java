package dev.aoe.net;

import java.nio.ByteBuffer;

/** Builds test Ethernet frames: destination MAC, source MAC, EtherType, then a numbered payload. */
final class Frames {
    static final int AOE = 0x88A2;
    static final int ETHERNET_HEADER = 14;
    /** Payload bytes 0..3 carry a sender id, 4..7 a sequence number; the rest is a pattern. */
    private static final int ID_OFFSET = ETHERNET_HEADER;
    private static final int SEQUENCE_OFFSET = ETHERNET_HEADER + 4;
    private static final int PATTERN_OFFSET = ETHERNET_HEADER + 8;

    private Frames() {
    }

    static ByteBuffer buffer(int capacity) {
        return ByteBuffer.allocateDirect(capacity);
    }

    /** Writes a frame of {@code length} bytes at index 0 of {@code frame}. */
    static ByteBuffer fill(ByteBuffer frame, byte[] dst, byte[] src, int etherType, int id, int sequence, int length) {
        frame.put(0, dst).put(6, src).putShort(12, (short) etherType);
        frame.putInt(ID_OFFSET, id).putInt(SEQUENCE_OFFSET, sequence);
        for (int i = PATTERN_OFFSET; i < length; i++) {
            frame.put(i, (byte) (i * 31 + sequence));
        }
        return frame;
    }

    static int id(ByteBuffer frame) {
        return frame.getInt(ID_OFFSET);
    }

    static int sequence(ByteBuffer frame) {
        return frame.getInt(SEQUENCE_OFFSET);
    }

    static byte[] bytes(ByteBuffer frame, int length) {
        byte[] bytes = new byte[length];
        frame.get(0, bytes);
        return bytes;
    }
}
