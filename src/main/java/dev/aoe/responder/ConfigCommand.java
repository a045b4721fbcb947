package dev.aoe.responder;

import dev.aoe.ata.Outcome;
import dev.aoe.protocol.AoeHeader;
import dev.aoe.protocol.ConfigArg;

import java.nio.ByteBuffer;

/**
 * Query Config Information (AoE r11 §3.2). Test and Test-prefix mismatches are answered with
 * silence, not an error: that is how initiators pick "their" targets out of a shared SAN.
 */
final class ConfigCommand {
    /** Free-form firmware version reported in config replies. */
    static final int FIRMWARE_VERSION = 0x0001;

    private ConfigCommand() {
    }

    /** Rewrites the request into its reply; returns the reply length or {@link Outcome#NO_REPLY}. */
    static int handle(ByteBuffer f, int length, TargetState state, int bufferCount, int maxSectors) {
        if (length < ConfigArg.STRING) {
            return Outcome.NO_REPLY;
        }
        int ccmd = ConfigArg.ccmd(f);
        if (ccmd > ConfigArg.CCMD_FORCE_SET) {
            AoeHeader.setError(f, AoeHeader.ERR_BAD_ARGUMENT);
            return ConfigArg.STRING;
        }
        int requested = ConfigArg.stringLength(f);
        // A Read may carry any filler (aoeping sends 1024 bytes of it): its string is ignored.
        if (ccmd != ConfigArg.CCMD_READ
                && (requested > ConfigArg.MAX_STRING || ConfigArg.STRING + requested > length)) {
            return Outcome.NO_REPLY;
        }
        byte[] current = state.config();
        switch (ccmd) {
            case ConfigArg.CCMD_TEST -> {
                if (requested != current.length || !matches(f, current, requested)) {
                    return Outcome.NO_REPLY;
                }
            }
            case ConfigArg.CCMD_TEST_PREFIX -> {
                if (requested > current.length || !matches(f, current, requested)) {
                    return Outcome.NO_REPLY;
                }
            }
            case ConfigArg.CCMD_SET -> {
                byte[] wanted = ConfigArg.string(f, length);
                if (state.setConfigIfAbsent(wanted)) {
                    current = wanted;
                } else {
                    AoeHeader.setError(f, AoeHeader.ERR_CONFIG_STRING_PRESENT);
                }
            }
            case ConfigArg.CCMD_FORCE_SET -> {
                current = ConfigArg.string(f, length);
                state.setConfig(current);
            }
            default -> {
                // CCMD_READ: reply with the current parameters.
            }
        }
        return ConfigArg.writeReply(f, bufferCount, FIRMWARE_VERSION, maxSectors, ccmd, current);
    }

    private static boolean matches(ByteBuffer f, byte[] current, int n) {
        for (int i = 0; i < n; i++) {
            if (f.get(ConfigArg.STRING + i) != current[i]) {
                return false;
            }
        }
        return true;
    }

}
