package dev.aoe.engine;

import dev.aoe.initiator.Initiator;
import dev.aoe.initiator.TargetInfo;
import dev.aoe.protocol.MacAddress;
import dev.aoe.protocol.TargetAddress;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/**
 * Refuses to serve an address another target on the link already answers: the Linux initiator
 * would take the two for paths to one disk and interleave I/O across them, corrupting data.
 */
final class AddressProbe {
    private AddressProbe() {
    }

    static void requireFree(String interfaceName, int shelf, int slot, Duration wait) throws IOException {
        Optional<TargetInfo> holder;
        try (Initiator initiator = Initiator.open(interfaceName)) {
            holder = initiator.probe(shelf, slot, wait);
        }
        if (holder.isPresent()) {
            throw new EngineException(EngineException.Problem.ADDRESS_IN_USE,
                    TargetAddress.name(shelf, slot) + " is already served on " + interfaceName
                    + " by " + MacAddress.format(holder.get().mac())
                    + "; two targets with one address corrupt data (initiators take them for one disk)."
                    + " Choose another shelf.slot or stop the other target");
        }
    }
}
