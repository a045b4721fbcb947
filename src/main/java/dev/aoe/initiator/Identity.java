package dev.aoe.initiator;

/** What IDENTIFY DEVICE tells an initiator: the capacity and the device's names. */
public record Identity(long sectors, boolean lba48, String model, String serial, String firmware) {
    public long bytes() {
        return sectors * 512;
    }
}
