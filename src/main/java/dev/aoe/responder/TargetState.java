package dev.aoe.responder;

import dev.aoe.protocol.MacAddress;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * What initiators can change on a target: the config string, the MAC mask list and the reserve
 * list. Reads are lock-free snapshots (they are checked on every frame); changes are serialised
 * and saved to the state file before the reply goes out, so they survive an engine restart. A
 * set that leaves a value as it is saves nothing: a burst of no-op edits costs no disk I/O.
 */
public final class TargetState {
    /** Entries in the mask and reserve lists: both replies still fit a 1500-byte frame. */
    public static final int MAX_MACS = 128;
    private static final long[] NONE = new long[0];

    private final StateFile file;
    private volatile byte[] config;
    private volatile long[] mask;
    private volatile long[] reserve;

    private TargetState(StateFile file, byte[] config, long[] mask, long[] reserve) {
        this.file = file;
        this.config = config;
        this.mask = mask;
        this.reserve = reserve;
    }

    /** A state kept in memory only, as vblade does. */
    public static TargetState inMemory(byte[] initialConfig) {
        return new TargetState(null, initialConfig.clone(), NONE, NONE);
    }

    /** Loads the state from {@code file} when it exists; otherwise starts from the initial config. */
    public static TargetState load(StateFile file, byte[] initialConfig) throws IOException {
        StateFile.Saved saved = file.load();
        if (saved == null) {
            return new TargetState(file, initialConfig.clone(), NONE, NONE);
        }
        return new TargetState(file, saved.config(), saved.mask(), saved.reserve());
    }

    public byte[] config() {
        return config;
    }

    public long[] mask() {
        return mask;
    }

    public long[] reserve() {
        return reserve;
    }

    /** An empty mask list lets everyone in; otherwise only the MACs on it. */
    public boolean maskAllows(long mac) {
        return allows(mask, mac);
    }

    /** An empty reserve list reserves nothing; otherwise only its MACs may issue ATA commands. */
    public boolean reservationAllows(long mac) {
        return allows(reserve, mac);
    }

    static boolean allows(long[] list, long mac) {
        return list.length == 0 || contains(list, mac);
    }

    static boolean contains(long[] list, long mac) {
        for (long m : list) {
            if (m == mac) {
                return true;
            }
        }
        return false;
    }

    public synchronized void setConfig(byte[] value) {
        if (Arrays.equals(config, value)) {
            return;
        }
        byte[] next = value.clone();
        save(next, mask, reserve);
        config = next;
    }

    /** Sets the config string only if none is set or the same one is; returns whether it did. */
    public synchronized boolean setConfigIfAbsent(byte[] value) {
        if (config.length != 0 && !Arrays.equals(config, value)) {
            return false;
        }
        setConfig(value);
        return true;
    }

    public synchronized void setMask(long[] macs) {
        if (Arrays.equals(mask, macs)) {
            return;
        }
        long[] next = macs.clone();
        save(config, next, reserve);
        mask = next;
    }

    public synchronized void setReserve(long[] macs) {
        if (Arrays.equals(reserve, macs)) {
            return;
        }
        long[] next = macs.clone();
        save(config, mask, next);
        reserve = next;
    }

    /** Replaces the reserve list unless another initiator holds it; returns whether it did. */
    public synchronized boolean setReserveIfHolder(long requester, long[] macs) {
        if (!reservationAllows(requester)) {
            return false;
        }
        setReserve(macs);
        return true;
    }

    /**
     * Saves before the change is published: if the state cannot be saved, the change is not
     * made, the request fails without a reply, and the initiator's retry finds the old state.
     */
    private void save(byte[] nextConfig, long[] nextMask, long[] nextReserve) {
        if (file == null) {
            return;
        }
        try {
            file.save(new StateFile.Saved(nextConfig, nextMask, nextReserve));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save target state to " + file.path(), e);
        }
    }

    @Override
    public String toString() {
        return "config=" + new String(config, StandardCharsets.ISO_8859_1)
                + " mask=[" + MacAddress.formatList(mask) + "] reserve=[" + MacAddress.formatList(reserve) + "]";
    }
}
