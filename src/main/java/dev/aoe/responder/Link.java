package dev.aoe.responder;

/** What a target needs to know of the interface it is served on. */
public interface Link {
    /** The interface's MAC: the source of every reply. */
    long mac();

    /** The MTU as last read; cheap, called for every ATA frame. */
    int mtu();

    /** Reads the MTU again (it may have changed) and returns it; called for config queries. */
    int refreshMtu();
}
