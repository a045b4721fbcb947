package dev.aoe.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What /proc says about a process: CPU time used (all threads) and resident memory. */
public final class ProcStats {
    /** Fields 14 and 15 of /proc/PID/stat, counted after the command name's closing parenthesis. */
    private static final int UTIME_AFTER_COMMAND = 11;
    private static final int STIME_AFTER_COMMAND = 12;
    /** USER_HZ: the unit of utime and stime, 100 on every Linux architecture the JDK runs on. */
    static final long CLOCK_TICKS_PER_SECOND = 100;

    private ProcStats() {
    }

    /** User plus system CPU seconds used so far by process {@code pid} and all its threads. */
    public static double cpuSeconds(long pid) throws IOException {
        return cpuTicks(Files.readString(Path.of("/proc", String.valueOf(pid), "stat"))) / (double) CLOCK_TICKS_PER_SECOND;
    }

    /** utime + stime from the text of a /proc/PID/stat file. */
    static long cpuTicks(String stat) {
        // The command name may hold spaces and parentheses: fields are counted after the last ')'.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[UTIME_AFTER_COMMAND]) + Long.parseLong(fields[STIME_AFTER_COMMAND]);
    }

    /** Resident set size (VmRSS) of process {@code pid}, in bytes. */
    public static long residentBytes(long pid) throws IOException {
        return statusKilobytes(Files.readString(Path.of("/proc", String.valueOf(pid), "status")), "VmRSS") * 1024;
    }

    /** A "Name:   123 kB" line of /proc/PID/status, in kB. */
    static long statusKilobytes(String status, String name) {
        for (String line : status.split("\n")) {
            if (line.startsWith(name + ":")) {
                return Long.parseLong(line.substring(name.length() + 1).trim().split("\\s+")[0]);
            }
        }
        throw new IllegalArgumentException("no " + name + " in /proc status");
    }
}
