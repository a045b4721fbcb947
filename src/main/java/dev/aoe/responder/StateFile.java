package dev.aoe.responder;

import dev.aoe.protocol.MacAddress;
import dev.aoe.protocol.TargetAddress;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Base64;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A target's persisted state: a small properties file per export, replaced atomically (write,
 * fsync, rename, fsync the directory), so a crash leaves either the old or the new state.
 */
public final class StateFile {
    private static final String CONFIG = "config";
    private static final String MASK = "mask";
    private static final String RESERVE = "reserve";

    /** The saved values; the config string is base64 in the file because it is opaque bytes. */
    public record Saved(byte[] config, long[] mask, long[] reserve) {
    }

    private final Path path;
    /** Saves so far, for tests and metrics. */
    private final AtomicLong saves = new AtomicLong();

    public StateFile(Path path) {
        this.path = path;
    }

    /** The state file of e{@code shelf}.{@code slot} in {@code directory}. */
    public static StateFile of(Path directory, int shelf, int slot) {
        return new StateFile(directory.resolve(TargetAddress.name(shelf, slot) + ".state"));
    }

    public Path path() {
        return path;
    }

    /** Returns the saved state, or null when there is none yet. */
    public Saved load() throws IOException {
        if (!Files.exists(path)) {
            return null;
        }
        Properties p = new Properties();
        try (Reader r = new StringReader(Files.readString(path, StandardCharsets.UTF_8))) {
            p.load(r);
        } catch (CharacterCodingException | IllegalArgumentException e) {
            throw new IOException("corrupt target state in " + path + ": " + e, e);
        }
        try {
            return new Saved(Base64.getDecoder().decode(p.getProperty(CONFIG, "")),
                    MacAddress.parseList(p.getProperty(MASK, "")), MacAddress.parseList(p.getProperty(RESERVE, "")));
        } catch (IllegalArgumentException e) {
            throw new IOException("corrupt target state in " + path + ": " + e.getMessage(), e);
        }
    }

    public void save(Saved state) throws IOException {
        Files.createDirectories(path.getParent());
        String text = "# AoE target state: config string (base64), MAC mask list, reserve list\n"
                + CONFIG + "=" + Base64.getEncoder().encodeToString(state.config()) + "\n"
                + MASK + "=" + MacAddress.formatList(state.mask()) + "\n"
                + RESERVE + "=" + MacAddress.formatList(state.reserve()) + "\n";
        Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(StandardCharsets.UTF_8.encode(text));
            ch.force(true);
        }
        try {
            Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
        }
        try (FileChannel dir = FileChannel.open(path.getParent(), StandardOpenOption.READ)) {
            dir.force(true);
        }
        saves.incrementAndGet();
    }

    /** How many times the state was saved (replaced on disk) so far. */
    public long saves() {
        return saves.get();
    }

    /** Removes the state, when its export is deleted for good. */
    public void delete() throws IOException {
        Files.deleteIfExists(path);
    }
}
