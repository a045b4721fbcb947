package dev.aoe.bench;

/**
 * The load of one cell: {@code window} requests always outstanding, each one frame of
 * {@code sectorsPerFrame} sectors (what one AoE request is), over a disk of {@code diskSectors}.
 */
public record Load(Operation operation, AccessPattern pattern, int window, int sectorsPerFrame, long diskSectors) {
    public Load {
        if (window < 1 || window > LoadGenerator.MAX_WINDOW) {
            throw new IllegalArgumentException("window must be 1 to " + LoadGenerator.MAX_WINDOW + ", not " + window);
        }
        if (sectorsPerFrame < 1 || diskSectors < sectorsPerFrame) {
            throw new IllegalArgumentException("a disk of " + diskSectors + " sectors cannot take "
                    + sectorsPerFrame + "-sector frames");
        }
    }

    public int bytesPerRequest() {
        return sectorsPerFrame * 512;
    }
}
