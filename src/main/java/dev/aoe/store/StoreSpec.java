package dev.aoe.store;

import java.nio.file.Path;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * What to export and how: the source, an optional window into it (vblade {@code -o}/{@code -l})
 * and the I/O options (vblade {@code -r}, {@code -d}, and {@code -s} as {@link WriteCache#OFF}).
 *
 * <p>The constructor checks what can be checked without touching the file system and throws
 * IllegalArgumentException; {@link Stores#open} checks the rest and throws {@link
 * StoreException}.
 *
 * @param path          a regular file or a block device; what may be behind it, and whether a
 *                      symbolic link is followed, is the rule's
 * @param createSize    bytes, a multiple of 512: create a missing file (sparse) of this size, grow
 *                      a smaller one to it; a larger file keeps its size. Empty: the file must exist.
 *                      Applied to read-only exports too. Not allowed for a block device, whose
 *                      size comes from the device.
 * @param offsetSectors sectors of the source skipped before the export starts (vblade {@code -o})
 * @param lengthSectors sectors exported (vblade {@code -l}); empty: the rest of the source
 * @param readOnly      open the source read-only; writes fail (vblade {@code -r})
 * @param direct        O_DIRECT where alignment allows (vblade {@code -d}), see {@link FileStore}
 * @param writeCache    when a write is acknowledged
 * @param rule          what the opened source must be, checked on its descriptor
 */
public record StoreSpec(
        Path path,
        OptionalLong createSize,
        long offsetSectors,
        OptionalLong lengthSectors,
        boolean readOnly,
        boolean direct,
        WriteCache writeCache,
        SourceRule rule) {

    private static final long MAX_SECTORS = Long.MAX_VALUE / BlockStore.SECTOR_SIZE;

    public StoreSpec {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(createSize, "createSize");
        Objects.requireNonNull(lengthSectors, "lengthSectors");
        Objects.requireNonNull(writeCache, "writeCache");
        Objects.requireNonNull(rule, "rule");
        if (createSize.isPresent()) {
            long size = createSize.getAsLong();
            if (size < 0) {
                throw new IllegalArgumentException("size " + size + " bytes is negative");
            }
            if (size < BlockStore.SECTOR_SIZE) {
                throw new IllegalArgumentException(
                        "size " + size + " bytes is less than one 512-byte sector");
            }
            if (size % BlockStore.SECTOR_SIZE != 0) {
                throw new IllegalArgumentException(
                        "size " + size + " bytes is not a multiple of 512: an export is made of 512-byte sectors");
            }
        }
        requireSectors("offset", offsetSectors);
        if (lengthSectors.isPresent()) {
            long length = lengthSectors.getAsLong();
            requireSectors("length", length);
            if (length == 0) {
                throw new IllegalArgumentException("length 0 sectors: an export needs at least one sector");
            }
            if (offsetSectors > MAX_SECTORS - length) {
                throw new IllegalArgumentException("offset " + offsetSectors + " + length " + length
                        + " sectors is beyond the largest byte offset a source can have");
            }
        }
    }

    private static void requireSectors(String name, long sectors) {
        if (sectors < 0) {
            throw new IllegalArgumentException(name + " " + sectors + " sectors is negative");
        }
        if (sectors > MAX_SECTORS) {
            throw new IllegalArgumentException(name + " " + sectors
                    + " sectors is beyond the largest byte offset a source can have");
        }
    }

    /**
     * The whole of an existing source, read-write, buffered, acknowledged once durable; a file or
     * a device, links followed ({@link SourceRule#ANY}).
     */
    public static StoreSpec of(Path path) {
        return new StoreSpec(path, OptionalLong.empty(), 0, OptionalLong.empty(), false, false, WriteCache.OFF,
                SourceRule.ANY);
    }

    public StoreSpec withCreateSize(long bytes) {
        return withCreateSize(OptionalLong.of(bytes));
    }

    public StoreSpec withCreateSize(OptionalLong bytes) {
        return new StoreSpec(path, bytes, offsetSectors, lengthSectors, readOnly, direct, writeCache, rule);
    }

    public StoreSpec withOffsetSectors(long sectors) {
        return new StoreSpec(path, createSize, sectors, lengthSectors, readOnly, direct, writeCache, rule);
    }

    public StoreSpec withLengthSectors(long sectors) {
        return new StoreSpec(path, createSize, offsetSectors, OptionalLong.of(sectors), readOnly, direct, writeCache, rule);
    }

    public StoreSpec withReadOnly(boolean value) {
        return new StoreSpec(path, createSize, offsetSectors, lengthSectors, value, direct, writeCache, rule);
    }

    public StoreSpec withDirect(boolean value) {
        return new StoreSpec(path, createSize, offsetSectors, lengthSectors, readOnly, value, writeCache, rule);
    }

    public StoreSpec withRule(SourceRule value) {
        return new StoreSpec(path, createSize, offsetSectors, lengthSectors, readOnly, direct, writeCache, value);
    }

    public StoreSpec withWriteCache(WriteCache value) {
        return new StoreSpec(path, createSize, offsetSectors, lengthSectors, readOnly, direct, value, rule);
    }
}
