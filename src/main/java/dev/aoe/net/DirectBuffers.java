package dev.aoe.net;

import com.kenai.jffi.MemoryIO;
import java.nio.ByteBuffer;

/**
 * Native addresses of direct ByteBuffers, for system calls that take frame memory. Finding one
 * is a JNI call: frames on the data path read theirs once, when they are made.
 */
public final class DirectBuffers {
    private static final MemoryIO MEMORY = MemoryIO.getInstance();

    private DirectBuffers() {
    }

    /** Address of index 0 of {@code buffer}, ignoring its position; no allocation. */
    public static long address(ByteBuffer buffer) {
        if (!buffer.isDirect()) {
            throw new IllegalArgumentException("frame buffers must be direct (ByteBuffer.allocateDirect)");
        }
        return MEMORY.getDirectBufferAddress(buffer);
    }

    /** Copies {@code length} bytes of native memory; the two ranges must not overlap. */
    static void copy(long from, long to, int length) {
        MEMORY.copyMemory(from, to, length);
    }

    /** A direct buffer over {@code capacity} bytes of native memory this process mapped at {@code address}. */
    static ByteBuffer over(long address, int capacity) {
        return MEMORY.newDirectByteBuffer(address, capacity);
    }
}
