package dev.aoe.initiator;

import dev.aoe.protocol.MacAddress;
import dev.aoe.protocol.TargetAddress;

import java.nio.charset.StandardCharsets;

/** A target as its config reply describes it. */
public record TargetInfo(int shelf, int slot, long mac, int bufferCount, int firmware, int sectorsPerFrame,
                         byte[] configString) {
    public String name() {
        return TargetAddress.name(shelf, slot);
    }

    public String configText() {
        return new String(configString, StandardCharsets.ISO_8859_1);
    }

    @Override
    public String toString() {
        return name() + " at " + MacAddress.format(mac);
    }
}
