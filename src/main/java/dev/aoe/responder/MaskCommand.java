package dev.aoe.responder;

import dev.aoe.ata.Outcome;
import dev.aoe.protocol.AoeHeader;
import dev.aoe.protocol.MaskArg;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * MAC Mask List (AoE r11 §3.3). An edit applies its directives in order and stops at the first
 * that fails; the failure goes in MError with DirCnt = directives applied, and the AoE error
 * flag stays clear. Otherwise the reply lists the whole mask.
 */
final class MaskCommand {
    private MaskCommand() {
    }

    static int handle(ByteBuffer f, int length, TargetState state) {
        if (length < MaskArg.DIRECTIVES) {
            return Outcome.NO_REPLY;
        }
        int mcmd = MaskArg.mcmd(f);
        if (mcmd == MaskArg.MCMD_READ) {
            return list(f, mcmd, state.mask());
        }
        if (mcmd != MaskArg.MCMD_EDIT) {
            AoeHeader.setError(f, AoeHeader.ERR_BAD_ARGUMENT);
            return MaskArg.DIRECTIVES;
        }
        int count = MaskArg.directiveCount(f);
        if (MaskArg.DIRECTIVES + count * MaskArg.DIRECTIVE_LENGTH > length) {
            AoeHeader.setError(f, AoeHeader.ERR_BAD_ARGUMENT);
            return MaskArg.DIRECTIVES;
        }
        synchronized (state) {
            long[] mask = state.mask();
            int applied = 0;
            int merror = MaskArg.MERROR_NONE;
            for (; applied < count; applied++) {
                long mac = MaskArg.mac(f, applied);
                int dcmd = MaskArg.dcmd(f, applied);
                if (dcmd == MaskArg.DCMD_ADD && !TargetState.contains(mask, mac)) {
                    if (mask.length >= TargetState.MAX_MACS) {
                        merror = MaskArg.MERROR_LIST_FULL;
                        break;
                    }
                    mask = Arrays.copyOf(mask, mask.length + 1);
                    mask[mask.length - 1] = mac;
                } else if (dcmd == MaskArg.DCMD_DELETE) {
                    mask = without(mask, mac);
                } else if (dcmd != MaskArg.DCMD_NONE && dcmd != MaskArg.DCMD_ADD) {
                    merror = MaskArg.MERROR_BAD_DCMD;
                    break;
                }
            }
            state.setMask(mask);
            if (merror != MaskArg.MERROR_NONE) {
                return MaskArg.writeHeader(f, mcmd, merror, applied);
            }
            return list(f, mcmd, mask);
        }
    }

    private static int list(ByteBuffer f, int mcmd, long[] mask) {
        for (int i = 0; i < mask.length; i++) {
            MaskArg.putDirective(f, i, MaskArg.DCMD_NONE, mask[i]);
        }
        return MaskArg.writeHeader(f, mcmd, MaskArg.MERROR_NONE, mask.length);
    }

    private static long[] without(long[] list, long mac) {
        return Arrays.stream(list).filter(m -> m != mac).toArray();
    }
}
