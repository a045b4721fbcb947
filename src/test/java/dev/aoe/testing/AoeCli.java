package dev.aoe.testing;

import dev.aoe.testing.Command.Background;
import dev.aoe.testing.Command.Result;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the launcher {@code bin/aoe} as a person would: optionally inside a network namespace
 * ({@code ip netns exec NS}) and as user nobody ({@code setpriv}), with the jar of this build
 * ({@code AOE_JAR}), capturing exit status, stdout and stderr ({@link Command}).
 *
 * <pre>
 *   Result r = AoeCli.aoe("serve", "--help").run();
 *   try (Background serve = AoeCli.aoe("serve", ...).inNetns(ns).start()) {
 *       serve.awaitStdout("serving 1 of 1 export(s)");
 *       Result stopped = serve.stop();
 *   }
 * </pre>
 */
public final class AoeCli {
    /** user nobody, group nogroup: an ordinary user with no capabilities. */
    public static final int NOBODY = 65534;
    /** Faster JVM start for short runs; the launcher passes JAVA_OPTS to java. */
    private static final String JAVA_OPTS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto";

    private final List<String> args;
    private String netns;
    private Path home;
    private boolean asNobody;
    private final Map<String, String> extraEnv = new LinkedHashMap<>();

    private AoeCli(List<String> args) {
        this.args = args;
    }

    public static AoeCli aoe(String... args) {
        return new AoeCli(List.of(args));
    }

    /** The repository root (failsafe's {@code aoe.project.dir}). */
    public static Path projectDir() {
        return Path.of(System.getProperty("aoe.project.dir", System.getProperty("user.dir")));
    }

    /** The quarkus-run.jar under test (failsafe's {@code aoe.jar}), or null to let bin/aoe choose. */
    public static Path jar() {
        String jar = System.getProperty("aoe.jar");
        return jar == null ? null : Path.of(jar);
    }

    /** Runs inside the named network namespace ({@code ip netns exec}). */
    public AoeCli inNetns(String namespace) {
        this.netns = namespace;
        return this;
    }

    /** Adds a variable to the environment of the command. */
    public AoeCli withEnv(String name, String value) {
        extraEnv.put(name, value);
        return this;
    }

    /** Runs as user and group nogroup (65534) with no supplementary groups, and HOME at {@code home}. */
    public AoeCli asNobody(Path home) {
        this.asNobody = true;
        this.home = home;
        return this;
    }

    public List<String> command() {
        List<String> command = new ArrayList<>();
        if (netns != null) {
            command.addAll(List.of("ip", "netns", "exec", netns));
        }
        if (asNobody) {
            command.addAll(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups"));
        }
        command.add(projectDir().resolve("bin/aoe").toString());
        command.addAll(args);
        return command;
    }

    private Command process() {
        Map<String, String> env = new LinkedHashMap<>();
        if (jar() != null) {
            env.put("AOE_JAR", jar().toString());
        }
        env.put("JAVA_OPTS", JAVA_OPTS);
        if (home != null) {
            env.put("HOME", home.toString());
        }
        env.putAll(extraEnv);
        return Command.of(command()).withEnv(env);
    }

    public Result run() {
        return run(Command.DEFAULT_TIMEOUT);
    }

    /** Runs to completion; kills it and fails when it takes longer than {@code timeout}. */
    public Result run(Duration timeout) {
        return process().run(timeout);
    }

    /** Starts it in the background; {@link Background#close()} stops it if still running. */
    public Background start() {
        return process().start();
    }
}
