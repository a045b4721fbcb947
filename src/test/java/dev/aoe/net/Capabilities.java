package dev.aoe.net;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import jnr.ffi.Pointer;

/**
 * Runs test code without a capability. Linux capabilities belong to threads, so the action runs
 * on a fresh thread whose effective set lacks the capability; the rest of the JVM keeps it.
 */
final class Capabilities {
    private static final int CAP_NET_RAW = 13;
    private static final int LINUX_CAPABILITY_VERSION_3 = 0x20080522;
    private static final int HEADER_SIZE = 8;
    /** Two {@code __user_cap_data_struct}s (capabilities 0-31 and 32-63) of three u32 each. */
    private static final int DATA_SIZE = 24;
    private static final int EFFECTIVE_LOW = 0;

    private Capabilities() {
    }

    static <T> T withoutNetRaw(Callable<T> action) throws Exception {
        FutureTask<T> task = new FutureTask<>(() -> {
            dropEffective(CAP_NET_RAW);
            return action.call();
        });
        Thread thread = new Thread(task, "without-CAP_NET_RAW");
        thread.start();
        try {
            return task.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    private static void dropEffective(int capability) {
        Pointer header = Native.C.allocate(HEADER_SIZE);
        header.putInt(0, LINUX_CAPABILITY_VERSION_3);
        Pointer data = Native.C.allocate(DATA_SIZE);
        if (TestLibC.INSTANCE.capget(header, data) < 0) {
            throw new IllegalStateException("capget: errno " + Native.C.errno());
        }
        data.putInt(EFFECTIVE_LOW, data.getInt(EFFECTIVE_LOW) & ~(1 << capability));
        if (TestLibC.INSTANCE.capset(header, data) < 0) {
            throw new IllegalStateException("capset: errno " + Native.C.errno());
        }
    }
}
