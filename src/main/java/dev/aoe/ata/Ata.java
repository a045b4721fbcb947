package dev.aoe.ata;

/** ATA opcodes, status and error register bits the target uses (ATA/ATAPI-7). */
public final class Ata {
    public static final int READ_SECTORS = 0x20;
    public static final int READ_SECTORS_EXT = 0x24;
    public static final int WRITE_SECTORS = 0x30;
    public static final int WRITE_SECTORS_EXT = 0x34;
    public static final int SMART = 0xB0;
    public static final int CHECK_POWER_MODE = 0xE5;
    public static final int FLUSH_CACHE = 0xE7;
    public static final int FLUSH_CACHE_EXT = 0xEA;
    public static final int IDENTIFY_DEVICE = 0xEC;

    public static final int STATUS_ERR = 0x01;
    public static final int STATUS_DRDY = 0x40;
    public static final int STATUS_OK = STATUS_DRDY;
    public static final int STATUS_FAILED = STATUS_DRDY | STATUS_ERR;

    /** Command aborted: unsupported, read-only, or the backing I/O failed. */
    public static final int ERROR_ABRT = 0x04;
    /** ID not found: the LBA range lies outside the device. */
    public static final int ERROR_IDNF = 0x10;

    /** CHECK POWER MODE's count register for "active or idle". */
    public static final int POWER_ACTIVE = 0xFF;

    public static final int SECTOR_SIZE = 512;
    public static final long LBA28_MASK = 0x0FFF_FFFFL;
    public static final long LBA48_MASK = 0xFFFF_FFFF_FFFFL;

    private Ata() {
    }

    /** LBA28 commands carry device-register bits in lba3 (Linux sends 0xE0): mask by opcode. */
    public static long maskLba(int opcode, long lba) {
        return isExtended(opcode) ? lba & LBA48_MASK : lba & LBA28_MASK;
    }

    public static boolean isExtended(int opcode) {
        return opcode == READ_SECTORS_EXT || opcode == WRITE_SECTORS_EXT;
    }

    public static boolean isRead(int opcode) {
        return opcode == READ_SECTORS || opcode == READ_SECTORS_EXT;
    }

    public static boolean isWrite(int opcode) {
        return opcode == WRITE_SECTORS || opcode == WRITE_SECTORS_EXT;
    }

    public static boolean isFlush(int opcode) {
        return opcode == FLUSH_CACHE || opcode == FLUSH_CACHE_EXT;
    }
}
