package dev.aoe.net;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Runs iproute2's {@code ip}, failing with its stderr: veth links and namespaces for the bench, the demo and the tests. */
public final class Ip {
    private static final long TIMEOUT_SECONDS = 10;

    private Ip() {
    }

    /** Runs {@code ip args...} and returns its stdout; throws with the stderr on failure. */
    public static String run(String... args) {
        Path ip = executable("ip").orElseThrow(() -> new IllegalStateException("the `ip` tool (iproute2) is not installed"));
        List<String> command = new ArrayList<>();
        command.add(ip.toString());
        command.addAll(List.of(args));
        String shown = String.join(" ", command);
        try {
            Process process = new ProcessBuilder(command).start();
            process.getOutputStream().close();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(shown + " did not finish within " + TIMEOUT_SECONDS + " s");
            }
            // ip's output here is a few lines, far below the pipe buffer, so reading after exit is safe.
            String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IllegalStateException(shown + " failed (exit " + process.exitValue() + "): " + stderr.trim());
            }
            return stdout;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + shown, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + shown, e);
        }
    }

    /**
     * The executable {@code name} on PATH or in the system directories, if installed: iproute2
     * lives in /usr/sbin, which an ordinary user's PATH may lack.
     */
    public static Optional<Path> executable(String name) {
        Stream<String> path = Stream.of(System.getenv().getOrDefault("PATH", "").split(":"));
        return Stream.concat(path, Stream.of("/usr/sbin", "/sbin", "/usr/bin", "/bin"))
                .filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, name))
                .filter(Files::isExecutable)
                .findFirst();
    }
}
