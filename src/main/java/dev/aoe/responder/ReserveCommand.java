package dev.aoe.responder;

import dev.aoe.ata.Outcome;
import dev.aoe.protocol.AoeHeader;
import dev.aoe.protocol.MacAddress;
import dev.aoe.protocol.ReserveArg;

import java.nio.ByteBuffer;

/**
 * Reserve/Release (AoE r11 §3.4). Set succeeds when nothing is reserved or the requester holds
 * the reservation; Force Set always does; an empty list releases. Every reply lists the
 * current reserve list, a refused Set included.
 */
final class ReserveCommand {
    private ReserveCommand() {
    }

    static int handle(ByteBuffer f, int length, TargetState state, long requester) {
        if (length < ReserveArg.MACS) {
            return Outcome.NO_REPLY;
        }
        int rcmd = ReserveArg.rcmd(f);
        int count = ReserveArg.macCount(f);
        if (rcmd > ReserveArg.RCMD_FORCE_SET || ReserveArg.MACS + count * MacAddress.LENGTH > length
                || count > TargetState.MAX_MACS) {
            AoeHeader.setError(f, AoeHeader.ERR_BAD_ARGUMENT);
            return ReserveArg.MACS;
        }
        if (rcmd != ReserveArg.RCMD_READ) {
            long[] macs = new long[count];
            for (int i = 0; i < count; i++) {
                macs[i] = ReserveArg.mac(f, i);
            }
            if (rcmd == ReserveArg.RCMD_FORCE_SET) {
                state.setReserve(macs);
            } else if (!state.setReserveIfHolder(requester, macs)) {
                AoeHeader.setError(f, AoeHeader.ERR_TARGET_RESERVED);
            }
        }
        long[] current = state.reserve();
        return ReserveArg.write(f, rcmd, current, current.length);
    }
}
