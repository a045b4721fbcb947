package dev.aoe.engine;

import java.nio.file.Path;

/**
 * What {@link Engine#remove(int, int, Reclaim)} deletes besides the service: nothing when the
 * export is served again (a changed form, the next engine), its persisted state when it is
 * deleted for good, and with that the file it created (reclaimPolicy Delete).
 *
 * @param state         delete the export's persisted state: config string, mask and reservations
 * @param file          the export's file, deleted only if the export created it; null keeps the source
 * @param createdBefore an earlier serving created {@code file} (a restarted engine knows that only
 *                      from what it reported); without it, the file is deleted only if the export
 *                      as served now created it
 */
public record Reclaim(boolean state, Path file, boolean createdBefore) {
    /** Stops serving only: the state and the source stay for the export served again. */
    public static final Reclaim NOTHING = new Reclaim(false, null, false);
    /** The export is deleted for good and its source kept (reclaimPolicy Retain). */
    public static final Reclaim STATE = new Reclaim(true, null, false);

    /** The export is deleted for good with the file it created (reclaimPolicy Delete). */
    public static Reclaim stateAndCreatedFile(Path file, boolean createdBefore) {
        return new Reclaim(true, file, createdBefore);
    }
}
