package dev.aoe.net;

import java.nio.charset.StandardCharsets;
import jnr.ffi.Pointer;

/**
 * A {@code struct ifreq} for interface ioctls (SIOCGIF*), naming one interface. Not safe for
 * concurrent use: each query overwrites the shared union.
 */
final class Ifreq {
    private static final int SIZE = 40;
    /** Start of the union after the 16-byte {@code ifr_name}. */
    private static final int UNION = 16;
    /** {@code ifr_hwaddr.sa_data}: after the 2-byte {@code sa_family}. */
    private static final int HWADDR = UNION + 2;
    private static final int MAC_LENGTH = 6;

    private final Pointer memory = Native.C.allocate(SIZE);
    private final String interfaceName;

    Ifreq(String interfaceName) {
        this.interfaceName = interfaceName;
        byte[] name = interfaceName.getBytes(StandardCharsets.US_ASCII);
        memory.put(0, name, 0, name.length);
    }

    int mtu(int fd) throws NetException {
        query(fd, LinuxConstants.SIOCGIFMTU, "read the MTU of " + interfaceName);
        return memory.getInt(UNION);
    }

    int flags(int fd) throws NetException {
        query(fd, LinuxConstants.SIOCGIFFLAGS, "read the flags of " + interfaceName);
        return Short.toUnsignedInt(memory.getShort(UNION));
    }

    byte[] mac(int fd) throws NetException {
        query(fd, LinuxConstants.SIOCGIFHWADDR, "read the MAC address of " + interfaceName);
        byte[] mac = new byte[MAC_LENGTH];
        memory.get(HWADDR, mac, 0, MAC_LENGTH);
        return mac;
    }

    private void query(int fd, long request, String action) throws NetException {
        if (Native.LIBC.ioctl(fd, request, memory) < 0) {
            throw NetException.fromErrno(action, Native.C.errno());
        }
    }
}
