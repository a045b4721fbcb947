package dev.aoe.store;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What a source must turn out to be once opened. It is checked on the open descriptor, not on
 * the path, so nothing that happens to the path between a check and the open (a name swapped
 * for a link, a directory for a link to elsewhere) changes what is served.
 *
 * <ul>
 *   <li>{@link #ANY} (the command line, like vblade): a regular file or a block device, links
 *       followed.</li>
 *   <li>{@link #device()}: a block device; the name may be a link ({@code /dev/disk/by-id}
 *       holds nothing else).</li>
 *   <li>{@link #fileUnder}: a regular file, opened with {@code O_NOFOLLOW} (the name must not
 *       be a link), whose real path, read from {@code /proc/self/fd}, lies under one of the
 *       roots: a directory on the way swapped for a link to elsewhere is caught too.</li>
 * </ul>
 * Every block device is opened exclusively whatever the rule: see {@link DeviceClaims}.
 *
 * @param fileRoots for {@link Kind#FILE}: directories the opened file must lie under
 */
public record SourceRule(Kind kind, List<Path> fileRoots) {
    public enum Kind { FILE_OR_DEVICE, FILE, DEVICE }

    public static final SourceRule ANY = new SourceRule(Kind.FILE_OR_DEVICE, List.of());

    public SourceRule {
        Objects.requireNonNull(kind, "kind");
        fileRoots = List.copyOf(fileRoots);
    }

    public static SourceRule device() {
        return new SourceRule(Kind.DEVICE, List.of());
    }

    public static SourceRule fileUnder(List<Path> roots) {
        return new SourceRule(Kind.FILE, roots);
    }

    /** Whether {@code realPath} lies strictly under one of the file roots. */
    boolean allows(Path realPath) {
        return fileRoots.stream().anyMatch(root -> realPath.startsWith(root) && !realPath.equals(root));
    }
}
