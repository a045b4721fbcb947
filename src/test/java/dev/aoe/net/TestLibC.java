package dev.aoe.net;

import java.nio.ByteBuffer;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.types.intptr_t;
import jnr.ffi.types.size_t;

/** C calls only tests need: probing jnr-ffi's marshalling and dropping a capability. */
public interface TestLibC {
    TestLibC INSTANCE = LibraryLoader.create(TestLibC.class).load("c");

    /** memset taking a ByteBuffer: shows where jnr-ffi points for a buffer with a position. */
    @intptr_t long memset(ByteBuffer buffer, int value, @size_t long count);

    /** memset taking a raw address, the form {@link LibC} uses for frames. */
    @intptr_t long memset(@intptr_t long address, int value, @size_t long count);

    @SaveError
    int capget(Pointer header, Pointer data);

    @SaveError
    int capset(Pointer header, Pointer data);
}
