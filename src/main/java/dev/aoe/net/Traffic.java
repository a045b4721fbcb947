package dev.aoe.net;

/** Which AoE frames a {@link RawSocket} receives. */
public enum Traffic {
    /** Every AoE frame that arrives from the link; frames this host sends are never seen. */
    ARRIVING,
    /**
     * Requests (R flag clear), from the link and from other sockets on this host: what a target
     * serves. Its own replies are filtered out in the kernel, and a target on this host still
     * sees another local process's queries, as vblade does.
     */
    REQUESTS,
    /** Responses (R flag set), from the link and from targets on this host: what an initiator awaits. */
    RESPONSES
}
