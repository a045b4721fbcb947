package dev.aoe.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs the system tools tests check against (stat, losetup, mount) and reads what the kernel enforces. */
public final class Shell {
    private Shell() {
    }

    /** Runs a command and returns its trimmed standard output; fails on a non-zero exit. */
    public static String run(String... command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            int exit = process.waitFor();
            if (exit != 0) {
                throw new IOException(String.join(" ", command) + " exited " + exit + ": " + output);
            }
            return output;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted running " + command[0], e);
        }
    }

    /**
     * The open flags ({@code /proc/self/fdinfo}) of every descriptor this JVM holds on
     * {@code file}, so a test can see what the kernel enforces.
     */
    public static List<Integer> openFlags(Path file) throws IOException {
        Path target = file.toRealPath();
        List<Integer> flags = new ArrayList<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path fd : fds) {
                Path link;
                try {
                    link = Files.readSymbolicLink(fd);
                } catch (IOException e) {
                    continue; // closed while we listed them
                }
                if (link.equals(target)) {
                    for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo", fd.getFileName().toString()))) {
                        if (line.startsWith("flags:")) {
                            flags.add(Integer.parseInt(line.substring("flags:".length()).trim(), 8));
                        }
                    }
                }
            }
        }
        return flags;
    }

    /** Blocks allocated to a file, in 512-byte units ({@code stat -c %b}). */
    public static long allocatedBlocks(Path file) throws IOException {
        return Long.parseLong(run("stat", "-c", "%b", file.toString()));
    }
}
