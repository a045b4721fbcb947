package dev.aoe.net;

/**
 * Linux ABI numbers used by this package. They are the generic values shared by x86_64 and
 * aarch64 (the architectures the engine targets); MIPS, SPARC and PA-RISC differ.
 */
final class LinuxConstants {
    static final int AF_PACKET = 17;
    static final int SOCK_RAW = 3;
    static final int SOCK_CLOEXEC = 0x80000;
    /** EtherType of ATA over Ethernet. */
    static final int ETH_P_AOE = 0x88A2;
    /** Every EtherType: the binding that also sees frames this host sends. */
    static final int ETH_P_ALL = 0x0003;

    static final int SOL_SOCKET = 1;
    static final int SO_ERROR = 4;
    static final int SO_SNDBUF = 7;
    static final int SO_RCVBUF = 8;
    static final int SO_SNDBUFFORCE = 32;
    static final int SO_RCVBUFFORCE = 33;

    static final int SOL_PACKET = 263;
    /** Linux 4.20+: the kernel stops queueing frames this host sends to this socket. */
    static final int PACKET_IGNORE_OUTGOING = 23;
    /** {@code struct tpacket_stats {unsigned tp_packets; unsigned tp_drops;}}; reading resets it. */
    static final int PACKET_STATISTICS = 6;
    /** {@code struct tpacket_req}: the shape of a receive ring, before it is mapped. */
    static final int PACKET_RX_RING = 5;
    static final int PACKET_VERSION = 10;
    static final int TPACKET_V2 = 1;
    /** Slot headers and frames in a ring start on multiples of this (TPACKET_ALIGNMENT). */
    static final int TPACKET_ALIGNMENT = 16;
    /** {@code tp_status}: the slot is the kernel's to fill (0) or holds a frame for the user (bit 0). */
    static final int TP_STATUS_KERNEL = 0;
    static final int TP_STATUS_USER = 1;
    /** {@code sockaddr_ll.sll_pkttype} of a frame this host sent. */
    static final int PACKET_OUTGOING = 4;

    static final long SIOCGIFFLAGS = 0x8913;
    static final long SIOCGIFMTU = 0x8921;
    static final long SIOCGIFHWADDR = 0x8927;
    static final int IFF_UP = 0x1;
    static final int IFF_RUNNING = 0x40;
    /** Longest interface name, without the terminating NUL (IFNAMSIZ - 1). */
    static final int IFNAMSIZ_MAX_CHARS = 15;

    static final int MSG_DONTWAIT = 0x40;

    static final short POLLIN = 0x1;

    static final int PROT_READ = 0x1;
    static final int PROT_WRITE = 0x2;
    static final int MAP_SHARED = 0x1;
    static final long MAP_FAILED = -1L;

    static final int EFD_NONBLOCK = 0x800;
    static final int EFD_CLOEXEC = 0x80000;

    static final int O_RDONLY = 0;
    static final int O_CLOEXEC = 0x80000;
    static final int CLONE_NEWNET = 0x40000000;

    static final int EPERM = 1;
    static final int EINTR = 4;
    static final int ENXIO = 6;
    static final int EAGAIN = 11;
    static final int EACCES = 13;
    static final int ENODEV = 19;

    private LinuxConstants() {
    }
}
