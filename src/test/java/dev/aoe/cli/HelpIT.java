package dev.aoe.cli;

import static dev.aoe.testing.AoeCli.aoe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aoe.testing.Command.Result;
import org.junit.jupiter.api.Test;

/** bin/aoe's help, version and usage errors: no privileges, no network. */
class HelpIT {
    private static void assertMentions(Result r, String... words) {
        for (String word : words) {
            assertTrue(r.stdout().contains(word), "expected '" + word + "' in\n" + r.describe());
        }
    }

    private static Result succeeds(String... args) {
        Result r = aoe(args).run();
        assertEquals(0, r.exit(), r::describe);
        return r;
    }

    @Test
    void topLevelHelpListsTheCommands() {
        Result r = succeeds("--help");
        assertMentions(r, "Usage: aoe", "serve", "discover", "demo", "--version");
    }

    @Test
    void serveHelpListsVbladesOptionsAndOurs() {
        Result r = succeeds("serve", "--help");
        assertMentions(r, "Usage: aoe serve", "SHELF", "SLOT", "IFACE", "PATH",
                "-b", "-d", "-s", "-r", "-m", "-o", "-l", "--create", "--write-back", "--config-string",
                "--exports", "--state-dir", "--no-state", "--probe-ms", "--metrics", "ADDR:PORT", "/q/metrics",
                "SIGHUP reloads", "kill -HUP");
    }

    @Test
    void discoverHelp() {
        assertMentions(succeeds("discover", "--help"), "Usage: aoe discover", "--wait-ms", "-t", "IFACE");
    }

    @Test
    void demoHelp() {
        assertMentions(succeeds("demo", "--help"), "Usage: aoe demo", "--mtu", "--size", "--io");
    }

    @Test
    void versionPrintsTheBuildsVersion() {
        Result r = succeeds("--version");
        assertTrue(r.stdout().strip().matches("aoe-operator \\d+\\.\\d+\\S*"), r::describe);
    }

    @Test
    void unknownOptionFailsWithUsage() {
        Result r = aoe("--no-such-option").run();
        assertNotEquals(0, r.exit(), r::describe);
        assertTrue(r.stderr().contains("Unknown option: '--no-such-option'"), r::describe);
        assertTrue(r.stderr().contains("Usage: aoe"), r::describe);

        Result serve = aoe("serve", "--no-such-option").run();
        assertNotEquals(0, serve.exit(), serve::describe);
        assertTrue(serve.stderr().contains("Unknown option: '--no-such-option'"), serve::describe);
        assertTrue(serve.stderr().contains("Possible solutions: --no-state"), serve::describe);
    }
}
