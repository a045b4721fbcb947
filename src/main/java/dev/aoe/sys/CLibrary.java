package dev.aoe.sys;

import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.IgnoreError;

/**
 * The C library bound through jnr-ffi: the one place that loads it, for the packages that call
 * the kernel (the network side and the stores), each through an interface of the calls it makes.
 * Loading costs a few hundred milliseconds, so each package holds its binding in a class of its
 * own, loaded on first use.
 *
 * @param <T> the package's interface of libc calls
 */
public final class CLibrary<T extends CLibrary.Calls> {
    /** What every binding declares, so that errors can be told in words. */
    public interface Calls {
        @IgnoreError
        String strerror(int errno);
    }

    private final T calls;
    private final Runtime runtime;

    private CLibrary(T calls) {
        this.calls = calls;
        this.runtime = Runtime.getRuntime(calls);
    }

    public static <T extends Calls> CLibrary<T> load(Class<T> api) {
        return new CLibrary<>(LibraryLoader.create(api).load("c"));
    }

    public T calls() {
        return calls;
    }

    /** errno of this thread's last {@code @SaveError} call. */
    public int errno() {
        return LastError.getLastError(runtime);
    }

    /** The C library's text for an errno value, e.g. "Device or resource busy". */
    public String describe(int errno) {
        return calls.strerror(errno);
    }

    /** Zeroed native memory, freed when the returned pointer is garbage collected. */
    public Pointer allocate(int bytes) {
        return Memory.allocateDirect(runtime, bytes, true);
    }
}
