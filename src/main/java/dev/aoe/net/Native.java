package dev.aoe.net;

import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/** Loads the C library once, on first use (loading costs a few hundred milliseconds). */
final class Native {
    static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");
    static final Runtime RUNTIME = Runtime.getRuntime(LIBC);

    private Native() {
    }

    /** errno of this thread's last {@code @SaveError} call. */
    static int errno() {
        return LastError.getLastError(RUNTIME);
    }

    /** The C library's text for an errno value, e.g. "No such device". */
    static String describe(int errno) {
        return LIBC.strerror(errno);
    }

    /** Zeroed native memory, freed when the returned pointer is garbage collected. */
    static Pointer allocate(int bytes) {
        return Memory.allocateDirect(RUNTIME, bytes, true);
    }
}
