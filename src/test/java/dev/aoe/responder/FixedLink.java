package dev.aoe.responder;

/** A link with a settable MTU that counts how often the MTU is re-read. */
final class FixedLink implements Link {
    private final long mac;
    int mtu;
    int refreshes;

    FixedLink(long mac, int mtu) {
        this.mac = mac;
        this.mtu = mtu;
    }

    @Override
    public long mac() {
        return mac;
    }

    @Override
    public int mtu() {
        return mtu;
    }

    @Override
    public int refreshMtu() {
        refreshes++;
        return mtu;
    }
}
