package dev.aoe.engine;

import java.time.Instant;
import java.util.List;

/**
 * What the engine reports about one export: whether it serves it and, if so, what initiators
 * see. This is what {@code status.engine} of an AoeExport carries.
 *
 * @param reason a CamelCase word for machines ({@code Serving}, {@code SourceUnavailable}, ...); a
 *               served export whose file was deleted or replaced says {@link #SOURCE_DELETED}
 * @param message a sentence for people: what is wrong and what to do
 * @param interfaceName the interfaces it is served on, comma separated
 * @param mac           the MAC, MTU and sectors per frame of the first path that is up (of the
 *                      first path when none is); {@code paths} has each
 * @param paths         each interface it is served on and whether its link is up
 */
public record ExportStatus(String target, String interfaceName, boolean serving, String reason, String message,
                           String mac, int mtu, int sectorsPerFrame, long sizeBytes, boolean readOnly,
                           String writeCache, Instant servingSince, boolean createdSource, List<PathStatus> paths) {
    public ExportStatus {
        paths = List.copyOf(paths);
    }

    public static final String SERVING = "Serving";
    /** Still served, from the file opened, but its path no longer names that file. */
    public static final String SOURCE_DELETED = "SourceDeleted";
}
