package dev.aoe.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** Pins down the jnr-ffi marshalling behaviour that {@link LibC}'s declarations rely on. */
class LibCTest {
    private static final int MARK = 0x5a;

    @Test
    void jnrPassesADirectByteBufferAtItsPosition() {
        ByteBuffer buffer = ByteBuffer.allocateDirect(16);
        buffer.position(4);
        TestLibC.INSTANCE.memset(buffer, MARK, 1);
        assertEquals(0, buffer.get(0), "index 0 untouched");
        assertEquals(MARK, buffer.get(4), "jnr-ffi added position() to the address");
    }

    @Test
    void directBufferAddressIgnoresThePosition() {
        ByteBuffer buffer = ByteBuffer.allocateDirect(16);
        buffer.position(4);
        TestLibC.INSTANCE.memset(DirectBuffers.address(buffer), MARK, 1);
        assertEquals(MARK, buffer.get(0));
        assertEquals(0, buffer.get(4));
        assertEquals(4, buffer.position());
    }

    @Test
    void heapBuffersHaveNoAddress() {
        assertThrows(IllegalArgumentException.class, () -> DirectBuffers.address(ByteBuffer.allocate(16)));
    }

    @Test
    void errnoTextComesFromTheCLibrary() {
        NetException e = NetException.fromErrno("bind a raw socket to eth0", LinuxConstants.ENODEV);
        assertEquals("bind a raw socket to eth0: No such device (errno 19)", e.getMessage());
        assertEquals(LinuxConstants.ENODEV, e.errno());
    }
}
