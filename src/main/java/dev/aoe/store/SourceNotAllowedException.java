package dev.aoe.store;

/**
 * The source was opened and is not what its {@link SourceRule} allows, or the kernel refused to
 * give it to the engine alone: outside the allowed roots, of the wrong kind, a link where a file
 * was expected, or a block device in use (mounted, swap, held) in any mount namespace.
 */
public class SourceNotAllowedException extends StoreException {
    private static final long serialVersionUID = 1L;

    public SourceNotAllowedException(String message) {
        super(message);
    }
}
