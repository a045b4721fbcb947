package dev.aoe.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Counts the garbage collections of the engine's JVM from its unified GC log
 * ({@code -Xlog:gc:file=PATH}), which the JVM writes line by line as each collection happens.
 * Reading a file needs no attach to the target JVM (unlike jstat) and no cooperation from it.
 * Each collection has an id, {@code GC(n)}, numbered from 0; the count is the highest id + 1.
 */
public final class GcLog {
    private static final Pattern GC_ID = Pattern.compile("GC\\((\\d+)\\)");

    private final Path file;

    public GcLog(Path file) {
        this.file = file;
    }

    /** The JVM option that makes the engine write this log. */
    public String jvmOption() {
        return "-Xlog:gc:file=" + file;
    }

    /** Garbage collections so far. */
    public long collections() throws IOException {
        try {
            return collections(Files.readString(file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return 0;
        }
    }

    static long collections(String log) {
        long highest = -1;
        Matcher m = GC_ID.matcher(log);
        while (m.find()) {
            highest = Math.max(highest, Long.parseLong(m.group(1)));
        }
        return highest + 1;
    }
}
