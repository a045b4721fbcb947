package dev.aoe.engine;

import java.util.Locale;
import java.util.logging.Logger;

/**
 * Whether ports receive through a packet ring (the default) or with recvmmsg: the environment
 * variable {@value #VARIABLE}, {@code on} or {@code off}, read once per engine. A port whose ring
 * the kernel refuses receives with recvmmsg whatever this says.
 */
public enum PacketRingSetting {
    ON, OFF;

    public static final String VARIABLE = "AOE_PACKET_RING";
    private static final Logger LOG = Logger.getLogger(PacketRingSetting.class.getName());

    /** The setting {@value #VARIABLE} gives; unset means on. */
    public static PacketRingSetting fromEnvironment() {
        return parse(System.getenv(VARIABLE));
    }

    static PacketRingSetting parse(String value) {
        if (value == null || value.isBlank()) {
            return ON;
        }
        switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "on", "true", "1":
                return ON;
            case "off", "false", "0":
                return OFF;
            default:
                // The ring is the better path and the fallback is chosen per port anyway: a typo keeps it.
                LOG.warning(() -> VARIABLE + "=" + value + " is neither on nor off; the packet ring stays on");
                return ON;
        }
    }

    /** Why a port receives with recvmmsg when this setting is {@link #OFF}. */
    String offReason() {
        return "packet ring off by " + VARIABLE;
    }
}
