package dev.aoe.net;

import dev.aoe.sys.CLibrary;

/** This package's binding of the C library, loaded on first use. */
final class Native {
    static final CLibrary<LibC> C = CLibrary.load(LibC.class);
    static final LibC LIBC = C.calls();

    private Native() {
    }
}
