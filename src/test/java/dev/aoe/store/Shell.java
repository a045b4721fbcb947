package dev.aoe.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Runs the system tools the store tests check against (stat, losetup, mount). */
final class Shell {
    private Shell() {
    }

    static boolean isRoot() {
        try {
            return "0".equals(run("id", "-u"));
        } catch (IOException e) {
            return false;
        }
    }

    static boolean hasCommand(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, name))) {
                return true;
            }
        }
        return false;
    }

    /** Runs a command and returns its trimmed standard output; fails on a non-zero exit. */
    static String run(String... command) throws IOException {
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

    /** Blocks allocated to a file, in 512-byte units ({@code stat -c %b}). */
    static long allocatedBlocks(Path file) throws IOException {
        return Long.parseLong(run("stat", "-c", "%b", file.toString()));
    }
}
