package dev.aoe.policy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Recognises block devices from the file mode, which java.nio exposes on Linux. */
final class BlockDevice {
    private static final int S_IFMT = 0170000;
    private static final int S_IFBLK = 0060000;

    private BlockDevice() {
    }

    static boolean is(Path p) throws IOException {
        int mode = (Integer) Files.getAttribute(p, "unix:mode");
        return (mode & S_IFMT) == S_IFBLK;
    }
}
