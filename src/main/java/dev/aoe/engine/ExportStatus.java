package dev.aoe.engine;

import java.time.Instant;

/**
 * What the engine reports about one export: whether it serves it and, if so, what initiators
 * see. This is what {@code status.engine} of an AoeExport carries.
 *
 * @param reason a CamelCase word for machines ({@code Serving}, {@code SourceUnavailable}, ...)
 * @param message a sentence for people: what is wrong and what to do
 */
public record ExportStatus(String target, String interfaceName, boolean serving, String reason, String message,
                           String mac, int mtu, int sectorsPerFrame, long sizeBytes, boolean readOnly,
                           String writeCache, Instant servingSince, boolean createdSource) {
}
