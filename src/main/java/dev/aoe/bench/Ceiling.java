package dev.aoe.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The ceiling target: a storage-less AoE responder in C ({@code ceiling.c}, kept beside this
 * class), compiled at bench time with {@code cc -O2} into the bench's work directory. It shows
 * what the link, the kernel and the load generator allow, so each target's reads can be given
 * as a share of it.
 */
public final class Ceiling {
    private static final String SOURCE = "ceiling.c";
    private static final Duration COMPILE_TIMEOUT = Duration.ofSeconds(60);

    private Ceiling() {
    }

    /** Why the ceiling cannot be built here, or null when a C compiler is installed. */
    public static String unavailable() {
        return Tool.find("cc").isPresent() ? null
                : "no C compiler (cc) to build the ceiling target: apt-get install gcc";
    }

    /** Compiles the responder into {@code directory} and returns the executable. */
    public static Path compile(Path directory) throws IOException {
        String why = unavailable();
        if (why != null) {
            throw new IOException(why);
        }
        Path source = directory.resolve(SOURCE);
        try (InputStream in = Ceiling.class.getResourceAsStream(SOURCE)) {
            if (in == null) {
                throw new IOException(SOURCE + " is missing from the application's jar");
            }
            Files.copy(in, source);
        }
        Path binary = directory.resolve("ceiling");
        Tool.run(List.of(Tool.find("cc").orElseThrow().toString(), "-O2", "-o", binary.toString(), source.toString()),
                COMPILE_TIMEOUT);
        return binary;
    }
}
