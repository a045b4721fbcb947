package dev.aoe.cli;

import dev.aoe.engine.Engine;
import dev.aoe.engine.ExportSpec;
import dev.aoe.engine.ExportStatus;
import dev.aoe.store.StoreSpec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What {@code serve} does on SIGHUP, like ggaoed's reload. With an exports file: the file is read
 * again; a grown {@code --create} size is applied live, added lines are served, removed ones
 * stopped, and a line whose other options changed is left as served with a line saying it needs
 * a restart. Every export still served is measured again, so a source that grew under it (a file
 * grown by {@code truncate}, a device by {@code lvextend} or {@code losetup -c}) is served whole.
 * Without a file the one export given on the command line is measured again.
 */
final class ServeReload {
    private final Engine engine;
    /** The exports file, or null for the single export of the command line. */
    private final Path exportsFile;

    ServeReload(Engine engine, Path exportsFile) {
        this.engine = engine;
        this.exportsFile = exportsFile;
    }

    /** Runs one reload; reports on standard output and error, never throws. */
    synchronized void reload() {
        Map<String, ExportSpec> served = new LinkedHashMap<>();
        engine.served().forEach(s -> served.put(s.target(), s));
        List<ExportSpec> wanted;
        try {
            wanted = exportsFile == null ? List.copyOf(served.values()) : ExportsFile.read(exportsFile);
        } catch (IOException | IllegalArgumentException e) {
            Cli.fail("serve", "reload: " + e.getMessage() + "; the exports served are unchanged");
            return;
        }
        Map<String, ExportSpec> next = new LinkedHashMap<>();
        wanted.forEach(s -> next.put(s.target(), s));
        for (ExportSpec gone : served.values()) {
            if (!next.containsKey(gone.target())) {
                stop(gone);
            }
        }
        for (ExportSpec spec : next.values()) {
            ExportSpec current = served.get(spec.target());
            if (current == null) {
                add(spec);
            } else if (spec.differsOnlyInSize(current)) {
                grow(spec);
            } else {
                System.out.println("serve: reload: " + spec.target() + ": " + String.join(", ", changes(current, spec))
                        + " changed; that needs a restart of serve (it is served as before, only measured again)");
                grow(current);
            }
        }
    }

    private void add(ExportSpec spec) {
        try {
            ExportStatus s = engine.add(spec);
            System.out.println("serve: reload: added " + Cli.describe(s, spec));
        } catch (IOException | RuntimeException e) {
            Cli.fail("serve", "reload: " + spec.target() + ": " + e.getMessage());
        }
    }

    private void stop(ExportSpec spec) {
        try {
            engine.remove(spec.shelf(), spec.slot());
            System.out.println("serve: reload: " + spec.target() + " no longer listed, stopped");
        } catch (IOException e) {
            Cli.fail("serve", "reload: stopping " + spec.target() + ": " + e.getMessage());
        }
    }

    private void grow(ExportSpec spec) {
        try {
            long before = engine.status(spec.shelf(), spec.slot()).sizeBytes();
            ExportStatus now = engine.grow(spec.shelf(), spec.slot(), spec.store().createSize());
            if (now.sizeBytes() != before) {
                System.out.println("serve: reload: " + spec.target() + " grew from " + before + " to "
                        + now.sizeBytes() + " bytes (" + now.sizeBytes() / 512 + " sectors)");
            }
        } catch (IOException | RuntimeException e) {
            Cli.fail("serve", "reload: growing " + spec.target() + ": " + e.getMessage());
        }
    }

    /** The options of {@code after} that differ from {@code before}, other than the size. */
    static List<String> changes(ExportSpec before, ExportSpec after) {
        StoreSpec b = before.store();
        StoreSpec a = after.store();
        List<String> changed = new ArrayList<>();
        note(changed, "the interface", before.interfaceName(), after.interfaceName());
        note(changed, "the path", b.path(), a.path());
        note(changed, "-o", b.offsetSectors(), a.offsetSectors());
        note(changed, "-l", b.lengthSectors(), a.lengthSectors());
        note(changed, "-r", b.readOnly(), a.readOnly());
        note(changed, "-d", b.direct(), a.direct());
        note(changed, "--write-back", b.writeCache(), a.writeCache());
        note(changed, "-b", before.bufferCount(), after.bufferCount());
        note(changed, "-m", Arrays.toString(before.allowlist()), Arrays.toString(after.allowlist()));
        note(changed, "--config-string", Arrays.toString(before.configString()), Arrays.toString(after.configString()));
        return changed;
    }

    private static void note(List<String> changed, String what, Object before, Object after) {
        if (!Objects.equals(before, after)) {
            changed.add(what);
        }
    }
}
