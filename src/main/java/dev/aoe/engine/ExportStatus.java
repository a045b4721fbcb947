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
 * @param paths   each interface it is served on, in the order given, and whether its link is
 *                up; at least one
 */
public record ExportStatus(String target, boolean serving, String reason, String message, long sizeBytes,
                           boolean readOnly, String writeCache, Instant servingSince, boolean createdSource,
                           List<PathStatus> paths) {
    public ExportStatus {
        paths = List.copyOf(paths);
        if (paths.isEmpty()) {
            throw new IllegalArgumentException("an export is served on at least one path");
        }
    }

    /** The interfaces it is served on, comma separated. */
    public String interfaceName() {
        return String.join(",", paths.stream().map(PathStatus::interfaceName).toList());
    }

    /** The MAC of the path initiators are shown first: the first that is up, else the first. */
    public String mac() {
        return shown().mac();
    }

    public int mtu() {
        return shown().mtu();
    }

    public int sectorsPerFrame() {
        return shown().sectorsPerFrame();
    }

    private PathStatus shown() {
        return paths.stream().filter(PathStatus::up).findFirst().orElse(paths.get(0));
    }

    public static final String SERVING = "Serving";
    /** Still served, from the file opened, but its path no longer names that file. */
    public static final String SOURCE_DELETED = "SourceDeleted";
}
