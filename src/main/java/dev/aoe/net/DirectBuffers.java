package dev.aoe.net;

import com.kenai.jffi.MemoryIO;
import java.nio.ByteBuffer;

/** Native addresses of direct ByteBuffers, for system calls that take frame memory. */
final class DirectBuffers {
    private static final MemoryIO MEMORY = MemoryIO.getInstance();

    private DirectBuffers() {
    }

    /** Address of index 0 of {@code buffer}, ignoring its position; no allocation. */
    static long address(ByteBuffer buffer) {
        if (!buffer.isDirect()) {
            throw new IllegalArgumentException("frame buffers must be direct (ByteBuffer.allocateDirect)");
        }
        return MEMORY.getDirectBufferAddress(buffer);
    }
}
